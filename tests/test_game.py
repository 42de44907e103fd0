"""The game engine: rounds, budget, score, ghost, saved games and replay (issue 4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sim.cli import main
from sim.errors import ScenarioError
from sim.game import Game, GameError, describe_command, load_case, read_saved_game, score
from sim.loading import load_scenario, load_with_overrides
from sim.model import InjectIncident, ResizePool, SetPractice, Simulation
from sim.model.commands import Reorganise
from sim.practices import BY_NAME


def game(**kwargs) -> Game:
    kwargs.setdefault("round_days", 28.0)
    return Game(load_scenario("water-scrum-fall"), **kwargs)


def test_game_starts_after_the_warm_up_with_player_and_ghost_together():
    g = game()
    assert g.now == g.start == 60 * 24.0
    g.advance(30.5)
    assert g.player.now == g.ghost.now == g.now == 60 * 24.0 + 30.5
    assert g.date_label().startswith("Round 1/4 · day 2")


def test_ghost_is_the_untouched_organisation_on_the_same_random_numbers():
    """Whatever the player does, the ghost equals a plain simulation of the scenario."""
    g = game()
    g.advance(24 * 5)
    g.apply(SetPractice("deployment", "automated"))
    g.apply(InjectIncident(1))
    g.advance(24 * 20)
    plain = Simulation(g.scenario, keep_log=False)
    plain.run_until(g.now)
    assert g.ghost.metrics() == plain.metrics()
    assert g.player.metrics() != plain.metrics()


def test_rounds_close_with_a_report_and_the_game_ends():
    g = game(rounds=2)
    reports = []
    while not g.finished:
        report = g.advance(24 * 10)
        if report:
            reports.append(report)
    assert [r.number for r in reports] == [1, 2]
    assert reports[0].end_hours == pytest.approx(g.start + 28 * 24)
    assert reports[1].start_hours == reports[0].end_hours
    assert g.advance(24) is None  # nothing happens after the last round
    assert g.total_score == sum(r.score for r in reports)
    with pytest.raises(GameError):
        g.apply(SetPractice("canary", True))


def test_advance_stops_at_the_round_end():
    g = game()
    report = g.advance(24 * 100)
    assert report is not None and report.number == 1
    assert g.now == pytest.approx(g.start + 28 * 24)


def test_moves_cost_adoption_effort_within_the_budget():
    g = game(budget_person_days=50)
    automated = SetPractice("deployment", "automated")
    assert g.cost_of(automated) == BY_NAME["deployment"].adoption_effort_days == 30
    assert g.cost_of(SetPractice("deployment", "manual")) == 0  # already there
    g.apply(automated)
    assert g.budget_left == 20
    assert g.ramps() == {"deployment": 0.0}
    with pytest.raises(GameError, match="40 person-days and 20 are left"):
        g.apply(SetPractice("test_automation", "full"))
    # Going back to a baseline is free; hiring costs onboarding per person.
    assert g.cost_of(SetPractice("deployment", "manual")) == 0
    hire = ResizePool("developers", g.headcount()["developers"] + 2)
    assert g.cost_of(hire) == 2 * g.scenario.org.onboarding_person_days
    assert g.cost_of(ResizePool("developers", 1)) == 0
    # The next round brings a fresh budget.
    g.advance(24 * 28)
    assert g.budget_left == 50


def test_hiring_costs_developer_time_before_it_pays():
    g = game()
    g.apply(ResizePool("developers", 24))
    g.advance(24 * 14)
    hours = g.player.people_hours()
    assert hours["dev"]["adoption"] > 0
    assert g.headcount()["developers"] == 24


def test_report_scores_follow_the_documented_formula():
    g = game(rounds=1)
    report = g.advance(24 * 28)
    assert report.score == score(report.player, report.player_tiers)
    manual = (
        sum(100 * {"low": 0, "medium": 1, "high": 2, "elite": 3}[t]
            for k, t in report.player_tiers.items() if k != "overall" and t)
        + report.player["delivered"]
        - 2.0 * report.player["user_impact_hours"]
    )  # fmt: skip
    assert report.score == round(manual)


def test_board_views_are_consistent():
    g = game()
    g.advance(24 * 21)
    flow = g.flow()
    assert flow[0].name == "Development"
    assert flow[-1].name == "In production"
    dev = flow[0]
    assert dev.people == g.headcount()["developers"]
    assert 0 <= dev.people_busy <= dev.people
    series = g.series()
    assert len(series["throughput"]) == len(series["ghost_throughput"]) >= 3
    # Weekly throughput counts deliveries since the game began; production counts all.
    assert 0 < sum(series["throughput"]) <= flow[-1].active
    maturity = g.maturity()
    # CI on; manual deploys, a train and one release lane for all teams are not
    assert maturity["automation"] == pytest.approx(1 / 4)
    assert set(maturity) >= {"observability", "security", "incident response"}
    player, ghost = g.live_metrics(14)
    assert player == ghost  # no moves yet: the same organisation
    assert all(e.text for e in g.feed())


def test_save_and_load_replay_exactly(tmp_path: Path):
    g = game(budget_person_days=80)
    g.advance(24 * 3.5)
    g.apply(SetPractice("monitoring", "observability"))
    g.advance(24 * 30)  # crosses into round 2
    g.apply(ResizePool("testers", 6))
    g.apply(InjectIncident(2))
    g.advance(24 * 9)
    path = tmp_path / "game.json"
    g.save(path)
    again = Game.load(path)
    assert again.now == g.now
    assert again.commands == g.commands
    assert again.live_metrics() == g.live_metrics()
    assert [r.score for r in again.reports] == [r.score for r in g.reports]
    assert again.budget_left == g.budget_left


def test_saved_game_runs_as_a_research_case(tmp_path: Path, capsys):
    g = game()
    g.advance(24 * 5)
    g.apply(SetPractice("release", "on_demand"))
    g.advance(24 * 5)
    path = tmp_path / "played.json"
    g.save(path)
    scenario, commands = load_case(str(path))
    assert commands == g.commands and scenario.run.seed == g.seed
    out = tmp_path / "out.json"
    assert main(["run", str(path), "--days", "200", "-r", "2", "--json", str(out), "-q"]) == 0
    document = json.loads(out.read_text())
    assert len(document["replications"]) == 2
    assert main(["compare", "water-scrum-fall", str(path), "--days", "200", "-r", "2", "-q"]) == 0


@pytest.mark.parametrize(
    ("content", "key"),
    [
        ("", ""),
        ("not json", ""),
        ('{"format": "something-else"}', "format"),
        ('{"format": "shipit-game", "version": 99}', "version"),
        ('{"format": "shipit-game", "version": 1, "scenario": 3}', "scenario"),
    ],
)
def test_bad_saved_games_are_one_line_errors(tmp_path: Path, content: str, key: str):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(ScenarioError) as error:
        read_saved_game(path)
    assert error.value.key == key
    assert str(path) in error.value.message and "\n" not in error.value.message


def test_saved_game_with_a_bad_command_or_time(tmp_path: Path):
    g = game()
    g.advance(24)
    g.apply(SetPractice("canary", True))
    document = g.to_dict()
    document["commands"][0]["command"]["type"] = "launch_rockets"
    path = tmp_path / "g.json"
    path.write_text(json.dumps(document))
    with pytest.raises(ScenarioError, match="unknown command"):
        read_saved_game(path)
    document = g.to_dict()
    document["commands"][0]["t"] = -5
    path.write_text(json.dumps(document))
    with pytest.raises(ScenarioError, match=r"commands\.0\.t"):
        read_saved_game(path)
    assert main(["run", str(path)]) == 2


# --------------------------------------------------------------------------- reorganising


def test_reorganising_costs_everyone_s_time_within_the_budget():
    g = game(budget_person_days=100)
    people = sum(g.headcount().values())  # 16 developers, 4 testers, 2 ops
    per_person = g.scenario.adoption.reorganisation_person_days
    cross = Reorganise("cross_functional")
    assert g.structure() == "silos"
    cost = per_person * people
    assert g.cost_of(cross) == cost > 0
    assert cost <= 100 < 2 * cost  # the budget allows one reorganisation, not two
    assert g.cost_of(Reorganise("silos")) == 0  # already there
    culture = g.maturity()["culture and collaboration"]
    g.apply(cross)
    assert g.structure() == "cross_functional"
    assert g.budget_left == 100 - cost
    assert g.maturity()["culture and collaboration"] > culture
    stages = [stage.name for stage in g.flow()]
    assert stages[0] == "Teams (dev, test, ops)" and "Testing (QA)" not in stages
    assert g.reorganisation_progress() == 0.0
    g.advance(24 * 7)
    assert 0 < g.reorganisation_progress() < 1
    assert any("Reorganising into cross-functional teams" in e.text for e in g.feed())
    # Reorganising into the structure it has would charge everyone for nothing: refused.
    with pytest.raises(GameError, match="already in cross-functional teams"):
        g.apply(cross)
    # Going back costs as much again, more than this round's budget has left.
    with pytest.raises(GameError, match=f"{cost:g} person-days and {100 - cost:g} are left"):
        g.apply(Reorganise("silos"))
    assert g.structure() == "cross_functional"
    assert g.commands == [(g.start, cross)]


def test_reorganisation_is_described_in_words():
    assert describe_command(Reorganise("cross_functional")) == (
        "reorganise into cross-functional teams"
    )
    assert describe_command(Reorganise("silos")) == "reorganise into silos"


def test_saved_game_with_a_reorganisation_replays_exactly(tmp_path: Path, capsys):
    g = game()
    g.advance(24 * 2)
    g.apply(Reorganise("cross_functional"))
    g.advance(24 * 30)  # into round 2
    g.apply(Reorganise("silos"))
    g.advance(24 * 3)
    path = tmp_path / "reorganised.json"
    g.save(path)
    saved = json.loads(path.read_text())
    assert [c["command"] for c in saved["commands"]] == [
        {"type": "reorganise", "structure": "cross_functional"},
        {"type": "reorganise", "structure": "silos"},
    ]
    again = Game.load(path)
    assert again.commands == g.commands
    assert again.structure() == g.structure() == "silos"
    assert again.live_metrics() == g.live_metrics()
    assert [r.score for r in again.reports] == [r.score for r in g.reports]
    # ... and as a research case, replayed by the runner.
    assert main(["run", str(path), "--days", "120", "-q"]) == 0


def test_round_reports_flag_an_overloaded_organisation():
    drowning = load_with_overrides(
        "elite", ["org.teams=1", "org.developers=1", "org.testers=1", "org.ops=1"]
    )
    report = Game(drowning, round_days=28.0).advance(24 * 28)
    assert report is not None
    assert report.player_overloaded and report.ghost_overloaded
    assert report.player["backlog_growth_per_week"] > 10
    calm = game().advance(24 * 28)
    assert calm is not None
    assert not calm.player_overloaded and not calm.ghost_overloaded
