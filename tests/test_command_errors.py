"""A bad command in a saved game is one line from ``shipit run`` (house order, §3.5).

Commands declare their bounds (pydantic dataclasses behind one discriminated union), and
every problem with one becomes a single line naming the file, the key path and what is
allowed, with exit status 2: no ``TypeError`` traceback for a wrong type, and no bare
pydantic URL line for a value the scenario does not allow.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sim.cli import main
from sim.loading import load_scenario
from sim.savegame import SAVE_FORMAT, SAVE_VERSION


def saved_game(path: Path, command: dict[str, Any]) -> Path:
    """A saved game of the water-scrum-fall scenario with one move, ``command``."""
    scenario = load_scenario("water-scrum-fall")
    document = {
        "format": SAVE_FORMAT,
        "version": SAVE_VERSION,
        "scenario": scenario.model_dump(mode="json"),
        "scenario_hash": scenario.content_hash(),
        "seed": 1,
        "replication": 0,
        "round_days": 91,
        "rounds": 4,
        "budget_person_days": None,
        "saved_at_hours": 500.0,
        "commands": [{"t": 10.0, "command": command}],
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def refused(capsys: pytest.CaptureFixture[str], path: Path) -> str:
    """``shipit run path`` in-process: exit 2 and exactly one line on stderr."""
    capsys.readouterr()
    assert main(["run", str(path), "-q"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err and "TypeError" not in err, err
    assert "pydantic" not in err and "For further information" not in err, err
    return err.strip()


def test_a_command_number_given_as_a_string_is_one_line(tmp_path: Path, capsys) -> None:
    path = saved_game(tmp_path / "game.json", {"type": "traffic_spike", "factor": "x"})
    err = refused(capsys, path)
    assert err.startswith(f"shipit: {path}: commands.0.command.factor: ")
    assert '"x"' in err and "allowed: a number >= 1 and <= 100" in err


def test_a_practice_value_the_scenario_does_not_allow_is_one_line(tmp_path: Path, capsys) -> None:
    command = {"type": "set_practice", "practice": "deployment", "value": "nonsense"}
    err = refused(capsys, saved_game(tmp_path / "game.json", command))
    assert err.startswith(f"shipit: {tmp_path / 'game.json'}: commands.0.practices.deployment: ")
    assert '"nonsense"' in err and 'allowed: one of "manual", "automated"' in err
