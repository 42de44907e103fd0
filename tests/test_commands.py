"""Live commands (issue 9): validated like a scenario file, refused whole, replayed exactly."""

from __future__ import annotations

import pytest

from sim.errors import ScenarioError
from sim.events import Kind, log_hash
from sim.loading import load_scenario
from sim.model import (
    ReleaseFreeze,
    Reorganise,
    ResizePool,
    SetPractice,
    Simulation,
    TrafficSpike,
    commands_from_log,
    replay,
)
from sim.model.commands import command_from_dict, command_to_dict


@pytest.mark.parametrize(
    "data, key, fragment",
    [
        ({"type": "launch_rocket"}, "type", "allowed: set_practice"),
        ({"type": "traffic_spike", "factor": "x"}, "traffic_spike.factor", "valid number"),
        ({"type": "traffic_spike", "factor": 1000}, "traffic_spike.factor", "less than or equal"),
        ({"type": "traffic_spike", "factor": float("nan")}, "traffic_spike.factor", "finite"),
        ({"type": "resize_pool", "role": "managers", "size": 3}, "resize_pool.role", "developers"),
        ({"type": "resize_pool", "role": "ops", "size": 2.5}, "resize_pool.size", "integer"),
        ({"type": "resize_pool", "role": "ops", "size": True}, "resize_pool.size", "integer"),
        ({"type": "reorganise", "structure": "matrix"}, "reorganise.structure", "silos"),
        ({"type": "release_freeze", "days": 3, "why": 1}, "release_freeze.why", "unknown field"),
        ({"type": "inject_incident", "severity": 9}, "inject_incident.severity", "less than"),
    ],
)
def test_bad_commands_name_their_key(data, key, fragment):
    with pytest.raises(ScenarioError) as caught:
        command_from_dict(data, "game.json")
    assert caught.value.key == key
    assert fragment in str(caught.value)
    assert str(caught.value).startswith("game.json: ")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "command",
    [
        SetPractice("deployment", "automated"),
        SetPractice("release_interval_days", 7.0),
        ResizePool("testers", 3),
        Reorganise("cross_functional"),
        TrafficSpike(3.0, 2.0),
        ReleaseFreeze(5.0),
    ],
)
def test_commands_round_trip_through_their_logged_form(command):
    assert command_from_dict(command_to_dict(command)) == command


def silo_without_testers() -> Simulation:
    """A siloed organisation that needs no testers because testing is fully automated."""
    scenario = load_scenario("water-scrum-fall").with_values(
        {
            "org.testers": 0,
            "practices.test_automation": "full",
            "run.days": 30.0,
            "run.warmup_days": 0.0,
        }
    )
    sim = Simulation(scenario)
    sim.advance(24.0)
    return sim


@pytest.mark.parametrize(
    "command, key, fragment",
    [
        # Manual testing needs testers in silos: the scenario's own cross-field rule.
        (SetPractice("test_automation", "partial"), "org.testers", "at least 1 in silos"),
        (SetPractice("test_automation", "fast"), "practices.test_automation", '"none", "partial"'),
        (SetPractice("canary", "yes"), "practices.canary", "true or false"),
        (SetPractice("teleport", True), "practices.teleport", "unknown practice"),
        (ResizePool("developers", 1), "org.teams", "at most org.developers"),
        (ResizePool("ops", 0), "org.ops", "at least 1 in silos"),
        (Reorganise("silos"), "org.structure", "already silos; allowed: cross_functional"),
    ],
)
def test_a_command_that_breaks_a_scenario_rule_is_refused_whole(command, key, fragment):
    sim = silo_without_testers()
    before = (
        dict(sim.model.policy.current()),
        dict(sim.model.org.headcount),
        len(sim.commands),
        len(sim.log or []),
    )
    with pytest.raises(ScenarioError) as caught:
        sim.apply(command)
    assert caught.value.key == key, str(caught.value)
    assert fragment in str(caught.value)
    after = (
        dict(sim.model.policy.current()),
        dict(sim.model.org.headcount),
        len(sim.commands),
        len(sim.log or []),
    )
    assert after == before  # nothing applied, nothing logged


def test_commands_are_checked_against_the_organisation_as_it_is_now():
    """After a reorganisation into cross-functional teams, testers may go to zero (the
    teams test); moving back to silos without testers is then refused."""
    scenario = load_scenario("water-scrum-fall").with_values(
        {"practices.test_automation": "full", "run.days": 30.0, "run.warmup_days": 0.0}
    )
    sim = Simulation(scenario)
    sim.advance(24.0)
    sim.apply(Reorganise("cross_functional"))
    sim.apply(ResizePool("testers", 0))
    sim.apply(SetPractice("test_automation", "partial"))  # fine: the teams test
    with pytest.raises(ScenarioError) as caught:
        sim.apply(Reorganise("silos"))
    assert caught.value.key == "org.testers"
    assert sim.model.org.structure == "cross_functional"


def test_new_commands_replay_bit_for_bit():
    scenario = load_scenario("water-scrum-fall").with_values({"run.days": 150.0})
    sim = Simulation(scenario)
    sim.advance(24.0 * 20)
    sim.apply(ResizePool("developers", 22))
    sim.advance(24.0 * 20)
    sim.apply(Reorganise("cross_functional"))
    sim.advance(24.0 * 10)
    sim.apply(SetPractice("loosely_coupled", True))
    sim.run()
    again = replay(scenario, commands_from_log(sim.log))
    assert log_hash(again.log) == log_hash(sim.log)
    kinds = [e.data["command"]["type"] for e in sim.log if e.kind is Kind.COMMAND]
    assert kinds == ["resize_pool", "reorganise", "set_practice"]


def test_a_saved_game_with_a_refused_command_names_the_file_and_the_command(tmp_path):
    """The commands of a saved game are checked in order when it is read, against the
    organisation as the earlier commands left it."""
    import json

    from sim.game import SAVE_FORMAT, SAVE_VERSION, read_saved_game

    scenario = load_scenario("water-scrum-fall").with_values(
        {"org.testers": 0, "practices.test_automation": "full"}
    )
    partial = {"type": "set_practice", "practice": "test_automation", "value": "partial"}
    commands = [
        {"t": 10.0, "command": {"type": "reorganise", "structure": "cross_functional"}},
        {"t": 20.0, "command": partial},
        {"t": 30.0, "command": {"type": "reorganise", "structure": "silos"}},
    ]
    document = {
        "format": SAVE_FORMAT,
        "version": SAVE_VERSION,
        "scenario": scenario.model_dump(mode="json"),
        "scenario_hash": scenario.content_hash(),  # checked on reading (sim.savegame)
        "seed": 1,
        "replication": 0,
        "round_days": 91,
        "rounds": 4,
        "budget_person_days": None,
        "saved_at_hours": 500.0,
        "commands": commands,
    }
    path = tmp_path / "game.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        read_saved_game(path)
    # Back to silos with no testers while testing is partly manual: the third command.
    assert caught.value.source == str(path)
    assert caught.value.key == "commands.2.org.testers"
    document["commands"] = commands[:2]
    path.write_text(json.dumps(document), encoding="utf-8")
    assert len(read_saved_game(path).commands) == 2
