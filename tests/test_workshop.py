"""Workshop mode: sessions, moves, injects, decks, scoring, concurrency and the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli import main
from sim.errors import ScenarioError
from sim.model import InjectIncident, ResizePool, SetPractice
from sim.model.commands import Reorganise
from sim.workshop import Workshop, WorkshopError, leaderboard_score, load_deck
from sim.workshop.deck import effect_commands
from sim.workshop.store import session_path
from tests.cli_helpers import assert_one_line_error

SCENARIO = "continuous-delivery"
DAYS = 14.0


def new(tmp_path: Path, name: str = "w", **kwargs: object) -> Workshop:
    options: dict[str, object] = {"round_days": DAYS, "directory": tmp_path}
    options.update(kwargs)
    teams = options.pop("teams", 3)
    rounds = options.pop("rounds", 2)
    return Workshop.create(name, SCENARIO, teams, rounds, **options)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- scoring


def test_leaderboard_score_on_hand_made_metrics() -> None:
    tiers = {
        "deployment_frequency": "elite",
        "lead_time": "high",
        "change_failure_rate": "medium",
        "time_to_restore": None,
        "overall": "high",
    }
    metrics = {
        "delivered": 40,
        "availability": 0.995,
        "unplanned_work_share": 0.3,
        "pages_per_oncall_per_week": 4.0,
    }
    score = leaderboard_score(metrics, tiers)
    assert score.four_keys == 600  # 300 + 200 + 100 + 0; "overall" does not count
    assert score.delivered == 40
    assert score.availability == pytest.approx(5.0)
    assert score.unplanned_work == pytest.approx(-20.0)
    assert score.on_call == pytest.approx(-20.0)
    assert score.total == 605
    assert score.to_dict()["total"] == 605


def test_leaderboard_score_clips_availability_and_treats_missing_as_neutral() -> None:
    assert leaderboard_score({"availability": 0.5}, {}).availability == -100
    assert leaderboard_score({"availability": 1.0}, {}).availability == 10
    empty = leaderboard_score({}, {})
    assert empty.total == 0


# --------------------------------------------------------------------------- sessions


def test_create_open_join_and_rejoin_after_a_crash(tmp_path: Path) -> None:
    workshop = new(tmp_path)
    assert workshop.teams == ["team-1", "team-2", "team-3"]
    assert session_path("w", tmp_path).is_file()
    team = workshop.join("team-1")
    team.submit(ResizePool("developers", 19))
    workshop.close()  # the client "crashes"

    again = Workshop.open("w", directory=tmp_path)
    view = again.join("team-1")
    view2 = again.join("team-1")  # idempotent
    assert view.name == view2.name == "team-1"
    assert view.moves() == [ResizePool("developers", 19)]
    assert view.game().headcount()["developers"] == 19
    status = again.status()
    assert status.round == 1 and status.status == "planning"
    assert [t.moves_this_round for t in status.teams] == [1, 0, 0]
    assert status.teams[0].joined is not None


def test_create_refuses_existing_and_bad_names(tmp_path: Path) -> None:
    new(tmp_path)
    with pytest.raises(ScenarioError, match="exists"):
        new(tmp_path)
    with pytest.raises(ScenarioError, match="letters, digits"):
        new(tmp_path, name="bad name")
    with pytest.raises(ScenarioError, match="letters, digits"):
        new(tmp_path, name="x", teams=["ok", "no/slash"])
    with pytest.raises(ScenarioError, match="no such workshop"):
        Workshop.open("missing", directory=tmp_path)
    with pytest.raises(WorkshopError, match="no such team"):
        Workshop.open("w", directory=tmp_path).join("team-9")


def test_directory_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHIPIT_WORKSHOPS", str(tmp_path / "sessions"))
    Workshop.create("env", SCENARIO, 1, 1, round_days=DAYS)
    assert (tmp_path / "sessions" / "env" / "session.db").is_file()
    assert Workshop.open("env").teams == ["team-1"]


def test_scripted_session_three_teams(tmp_path: Path) -> None:
    workshop = new(tmp_path)
    workshop.submit("team-1", ResizePool("developers", 9))
    workshop.submit("team-2", SetPractice("change_approval", "cab"))
    # team-3 does nothing: it plays the ghost's organisation
    rows = workshop.play_round()
    assert workshop.status().round == 2 and workshop.status().status == "planning"
    assert {r.rounds_played for r in rows} == {1}
    totals = {r.team: r.total for r in rows}
    assert len(set(totals.values())) == 3, totals
    assert [r.rank for r in rows] == [1, 2, 3]
    assert rows[0].total >= rows[1].total >= rows[2].total
    assert set(rows[0].last_metrics) >= {"deployment_frequency_per_day", "change_failure_rate"}

    games = {team: workshop.team_game(team) for team in workshop.teams}
    ghosts = [g.reports[0].ghost for g in games.values()]
    assert ghosts[0] == ghosts[1] == ghosts[2]
    assert games["team-3"].reports[0].player == ghosts[0]
    assert games["team-1"].reports[0].player != ghosts[0]
    assert workshop.ghost_game().reports[0].player == ghosts[0]

    workshop.play_round()
    assert workshop.status().status == "finished"
    final = workshop.leaderboard()
    assert {r.rounds_played for r in final} == {2}
    with pytest.raises(WorkshopError, match="over"):
        workshop.play_round()


def test_play_round_is_deterministic(tmp_path: Path) -> None:
    boards = []
    for name in ("a", "b"):
        workshop = new(tmp_path, name=name)
        workshop.submit("team-1", SetPractice("change_approval", "cab"))
        workshop.submit("team-2", ResizePool("developers", 22))
        workshop.inject("major-outage", team="team-3")
        workshop.play_round()
        workshop.inject("engineer-leaves")
        boards.append(workshop.play_round())
    assert boards[0] == boards[1]


# --------------------------------------------------------------------------- injects


def test_inject_reaches_only_the_targeted_team(tmp_path: Path) -> None:
    workshop = new(tmp_path)
    assert workshop.inject("major-outage", team="team-2") == 1
    assert workshop.status().pending_injects == [("major-outage", "team-2")]
    workshop.play_round()
    injected = {t: workshop.team_game(t).reports[0].player["incidents_injected"] for t in
                workshop.teams}  # fmt: skip
    assert injected == {"team-1": 0, "team-2": 1, "team-3": 0}
    assert workshop.team_game("team-2").reports[0].ghost["incidents_injected"] == 0


def test_inject_into_all_teams_and_relative_effects(tmp_path: Path) -> None:
    workshop = new(tmp_path)
    workshop.submit("team-1", ResizePool("developers", 20))
    workshop.inject("engineer-leaves")
    workshop.inject("audit-change-board")
    workshop.play_round()
    start = workshop.ghost_game().headcount()["developers"]
    heads = {t: workshop.team_game(t).headcount()["developers"] for t in workshop.teams}
    assert heads == {"team-1": 19, "team-2": start - 1, "team-3": start - 1}
    assert all(workshop.team_game(t).practices()["change_approval"] == "cab"
               for t in workshop.teams)  # fmt: skip


def test_inject_played_after_a_round_goes_to_the_next(tmp_path: Path) -> None:
    workshop = new(tmp_path)
    workshop.play_round(open_next=False)
    assert workshop.status().status == "played"
    assert workshop.inject("zero-day", team="team-1") == 2
    with pytest.raises(WorkshopError, match="planning"):
        workshop.submit("team-1", ResizePool("developers", 20))
    assert workshop.next_round() == "planning"
    workshop.play_round()
    assert workshop.team_game("team-1").reports[1].player["incidents_injected"] == 1
    assert workshop.team_game("team-1").reports[0].player["incidents_injected"] == 0
    with pytest.raises(WorkshopError, match="over"):
        workshop.inject("zero-day")


def test_effect_commands_resolve_against_headcount() -> None:
    effects = [
        {"type": "leave", "role": "developers", "count": 2},
        {"type": "hire", "role": "ops", "count": 1},
        {"type": "leave", "role": "testers", "count": 5},
        {"type": "incident", "severity": 1},
        {"type": "set_practice", "practice": "change_approval", "value": "cab"},
    ]
    commands = effect_commands(effects, {"developers": 10, "testers": 2, "ops": 3})
    assert commands == [
        ResizePool("developers", 8),
        ResizePool("ops", 4),
        ResizePool("testers", 1),
        InjectIncident(1),
        SetPractice("change_approval", "cab"),
    ]


def test_a_team_can_reorganise_as_a_move(tmp_path: Path) -> None:
    workshop = new(tmp_path, budget=100)
    into_silos = Reorganise("silos")
    people = 18 + 3 + 3  # continuous-delivery's developers, testers and ops
    cost = workshop.scenario.adoption.reorganisation_person_days * people
    assert workshop.team_game("team-1").cost_of(into_silos) == cost
    assert cost <= 100 < 2 * cost  # the budget allows one reorganisation, not two
    workshop.submit("team-1", into_silos)
    reopened = Workshop.open("w", directory=tmp_path)  # moves are stored as JSON
    assert reopened.moves("team-1") == [into_silos]
    game = reopened.team_game("team-1")
    assert game.structure() == "silos" and game.budget_left == 100 - cost
    with pytest.raises(WorkshopError, match="already in silos"):
        reopened.submit("team-1", into_silos)
    with pytest.raises(WorkshopError, match=f"{cost:g} person-days and {100 - cost:g} are left"):
        reopened.submit("team-1", Reorganise("cross_functional"))
    reopened.play_round()
    played = reopened.team_game("team-1")
    assert played.structure() == "silos"
    assert played.reports[0].player != played.reports[0].ghost
    assert reopened.team_game("team-2").structure() == "cross_functional"


# --------------------------------------------------------------------------- moves refused


def test_over_budget_and_invalid_moves_refused(tmp_path: Path) -> None:
    workshop = new(tmp_path, budget=10)
    with pytest.raises(WorkshopError, match="person-days"):
        workshop.submit("team-1", ResizePool("developers", 40))
    with pytest.raises(WorkshopError, match="refused"):
        workshop.submit("team-1", SetPractice("no_such_practice", True))
    with pytest.raises(WorkshopError, match="no such team"):
        workshop.submit("nobody", InjectIncident(2))
    assert workshop.moves() == []


def test_out_of_phase_moves_refused(tmp_path: Path) -> None:
    workshop = new(tmp_path, rounds=1)
    workshop.play_round()
    assert workshop.status().status == "finished"
    with pytest.raises(WorkshopError, match="finished"):
        workshop.submit("team-1", ResizePool("developers", 20))


# --------------------------------------------------------------------------- concurrency

CLIENT = """
import sys
from sim.model import ResizePool, SetPractice
from sim.workshop import Workshop
directory, team, start = sys.argv[1], sys.argv[2], int(sys.argv[3])
view = Workshop.open("c", directory=directory).join(team)
for size in range(start, start + 4):
    view.submit(ResizePool("developers", size))
print("ok")
"""

READER = """
import sys
from sim.workshop import Workshop
workshop = Workshop.open("c", directory=sys.argv[1])
for _ in range(20):
    workshop.leaderboard()
    workshop.status()
print("ok")
"""


def test_concurrent_processes_lose_nothing(tmp_path: Path) -> None:
    workshop = new(tmp_path, name="c")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    procs = [
        subprocess.Popen([sys.executable, "-c", CLIENT, str(tmp_path), team, str(start)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for team, start in (("team-1", 10), ("team-2", 14), ("team-3", 18))
    ] + [
        subprocess.Popen([sys.executable, "-c", READER, str(tmp_path)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    ]  # fmt: skip
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert out.strip() == "ok"
        assert "locked" not in err
    for team, start in (("team-1", 10), ("team-2", 14), ("team-3", 18)):
        assert workshop.moves(team) == [
            ResizePool("developers", s) for s in range(start, start + 4)
        ]
    rows = workshop.play_round()
    assert len(rows) == 3


# --------------------------------------------------------------------------- decks


def test_default_deck_has_every_card_of_the_brief() -> None:
    deck = load_deck()
    ids = [card.id for card in deck.cards]
    assert ids == [
        "major-outage",
        "engineer-leaves",
        "audit-change-board",
        "zero-day",
        "traffic-spike",
        "holiday-freeze",
    ]
    assert not deck.notes
    with pytest.raises(ScenarioError, match="no such card"):
        deck.card("meteor")


def test_unavailable_cards_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "deck.toml"
    path.write_text(
        "[[card]]\nid = 'later'\ntitle = 't'\ndescription = 'd'\navailable = false\n"
        "effects = [{ type = 'teleport' }]\n"
    )
    deck = load_deck(path)
    assert deck.cards == () or list(deck.cards) == []
    assert any(note.startswith("later:") for note in deck.notes)
    with pytest.raises(ScenarioError, match="not available"):
        deck.card("later")


def test_traffic_spike_and_freeze_reach_the_model(tmp_path: Path) -> None:
    ws = Workshop.create("fx", SCENARIO, 2, 1, round_days=14, directory=tmp_path)
    ws.inject("traffic-spike", "team-1")
    ws.inject("holiday-freeze", "team-2")
    ws.play_round()
    spiked = ws.team_game("team-1").reports[0].player
    frozen = ws.team_game("team-2").reports[0].player
    ghost = ws.team_game("team-1").reports[0].ghost
    assert spiked["incidents_background"] > ghost["incidents_background"]
    # Fourteen days of freeze in a fourteen-day round: only hotfixes may deploy.
    assert frozen["deployments"] < ghost["deployments"]
    assert frozen["rework_rate"] in (None, 1.0) or frozen["deployments"] == 0


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[[card]]\nid = 'a'\ntitle = 't'\ndescription = 'd'\n", "card.0.effects"),
        ("[[card]]\nid = 'a b'\ntitle = 't'\ndescription = 'd'\neffects = []\n", "card.0.id"),
        ("[[card]]\nid = 'a'\ntitle = 't'\ndescription = 'd'\n"
         "effects = [{ type = 'meteor' }]\n", "card.0.effects.0.type"),
        ("[[card]]\nid = 'a'\ntitle = 't'\ndescription = 'd'\n"
         "effects = [{ type = 'incident', severity = 7 }]\n", "card.0.effects.0.severity"),
        ("[[card]]\nid = 'a'\ntitle = 't'\ndescription = 'd'\n"
         "effects = [{ type = 'set_practice', practice = 'nope', value = 1 }]\n",
         "card.0.effects.0.practice"),
        ("[[card]]\nid = 'a'\ntitle = 't'\ndescription = 'd'\n"
         "effects = [{ type = 'set_practice', practice = 'change_approval', value = 'x' }]\n",
         "card.0.effects.0.value"),
        ("[[card]]\nid = 'a'\ntitle = 't'\ndescription = 'd'\n"
         "effects = [{ type = 'leave', role = 'managers', count = 1 }]\n", "card.0.effects.0.role"),
        ("[[card]]\nid = 'a'\ntitle = 't'\ndescription = 'd'\n"
         "effects = [{ type = 'hire', role = 'ops', count = 0 }]\n", "card.0.effects.0.count"),
        ("[[card]]\nid = 'a'\ntitle = 't'\ndescription = 'd'\ncolour = 1\n"
         "effects = [{ type = 'incident', severity = 1 }]\n", "card.0.colour"),
        ("[[card]]\nid = 'a'\ntitle = 't'\ndescription = 'd'\n"
         "effects = [{ type = 'incident', severity = 1 }]\n[[card]]\nid = 'a'\ntitle = 't'\n"
         "description = 'd'\neffects = [{ type = 'incident', severity = 2 }]\n", "card.1.id"),
        ("title = 'x'\n", "title"),
        ("[[card\n", ""),
    ],
)  # fmt: skip
def test_deck_validation_errors(tmp_path: Path, text: str, key: str) -> None:
    path = tmp_path / "deck.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_deck(path)
    assert info.value.source == str(path)
    assert info.value.key == key
    assert "\n" not in str(info.value)


# --------------------------------------------------------------------------- CLI


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_cli_smoke(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = str(tmp_path)
    status, out, _ = run(
        capsys, "workshop", "new", "cli", "--scenario", SCENARIO, "--teams", "3",
        "--rounds", "2", "--round-days", "14", "--budget", "30", "--dir", d,
    )  # fmt: skip
    assert status == 0 and "team-3" in out
    status, out, _ = run(capsys, "workshop", "inject", "cli", "major-outage", "--team", "team-2",
                         "--dir", d)  # fmt: skip
    assert status == 0 and "round 1" in out
    status, out, _ = run(capsys, "workshop", "status", "cli", "--dir", d)
    assert status == 0 and "planning" in out and "major-outage" in out
    status, out, _ = run(capsys, "workshop", "play-round", "cli", "--dir", d, "--futures", "3")
    assert status == 0 and "Leaderboard after round 1" in out and "team-2" in out
    # the round's futures are stored as it is played: the card's team and the untouched
    assert set(Workshop.open("cli", d).cached_futures(1, 3)) == {"", "team-2"}
    status, out, _ = run(capsys, "workshop", "play-round", "cli", "--dir", d, "--futures", "0")
    assert status == 0 and not Workshop.open("cli", d).cached_futures(2, 3)
    status, _, err = run(capsys, "workshop", "play-round", "cli", "--dir", d, "--futures", "-1")
    assert status == 2 and "--futures" in err
    status, out, _ = run(capsys, "workshop", "deck")
    assert status == 0 and "zero-day" in out and "holiday-freeze" in out


def test_cli_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = str(tmp_path)
    status, _, err = run(capsys, "workshop", "status", "nope", "--dir", d)
    assert status == 2
    assert_one_line_error(err, "no such workshop")
    run(capsys, "workshop", "new", "e", "--scenario", SCENARIO, "--teams", "1", "--rounds", "1",
        "--round-days", "14", "--dir", d)  # fmt: skip
    status, _, err = run(capsys, "workshop", "inject", "e", "meteor", "--dir", d)
    assert status == 2
    assert_one_line_error(err, "meteor", "no such card")
    status, _, err = run(capsys, "workshop", "inject", "e", "zero-day", "--team", "x", "--dir", d)
    assert status == 2
    assert_one_line_error(err, "no such team")
