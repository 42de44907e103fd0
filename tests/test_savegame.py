"""Saved games are checked, not trusted (issue "Safe by default"; :mod:`sim.savegame`).

Every damaged, edited, foreign or hostile saved game is refused with exit status 2 and one
line naming the file, the key path and what is allowed: no traceback, no hang.  A genuine
saved game still replays exactly, and a long game works as a research case (or is refused
with one line where a run cannot reach its moves).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sim import savegame
from sim.cli import main
from sim.errors import ScenarioError
from sim.game import Game, GameError, load_case, read_saved_game
from sim.limits import HORIZON_DAYS_MAX, SEED_MAX
from sim.loading import load_scenario
from sim.model import InjectIncident, ResizePool, SetPractice, TrafficSpike
from sim.model.commands import Reorganise
from sim.savegame import SAVE_MAX_BYTES, SAVED_MOVES_MAX, SavedGameDocument

pytestmark = pytest.mark.timeout(60)


def short_scenario(name: str = "water-scrum-fall", warmup: float = 10.0) -> Any:
    return load_scenario(name).with_values({"run.warmup_days": warmup})


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> tuple[Game, Path, dict[str, Any]]:
    """A short game with moves of every kind, saved; and its document."""
    g = Game(short_scenario(), round_days=14.0, rounds=3, budget_person_days=200.0)
    g.advance(24 * 2)
    g.apply(SetPractice("deployment", "automated"))
    g.apply(TrafficSpike(2.0, 3.0))
    g.advance(24 * 16)  # into round 2
    g.apply(ResizePool("testers", 5))
    g.apply(Reorganise("cross_functional"))
    g.advance(24 * 3)
    g.apply(InjectIncident(2))
    g.advance(24 * 2)
    path = tmp_path_factory.mktemp("played") / "game.json"
    g.save(path)
    return g, path, json.loads(path.read_text(encoding="utf-8"))


def write(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def edited(document: dict[str, Any], change: Callable[[dict[str, Any]], Any]) -> dict[str, Any]:
    copy = json.loads(json.dumps(document))
    change(copy)
    return copy


def refused_by_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """Run ``shipit`` in-process; it must exit 2 with one line on stderr (no traceback)."""
    capsys.readouterr()
    assert main(list(argv)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert "pydantic" not in err and "errors.pydantic.dev" not in err, err
    return err.strip()


# --------------------------------------------------------------------------- genuine games


def test_a_genuine_saved_game_round_trips_exactly(played, tmp_path: Path):
    g, path, document = played
    saved = read_saved_game(path)
    assert saved.commands == g.commands
    assert (saved.seed, saved.rounds, saved.round_days) == (g.seed, g.rounds, g.round_days)
    assert saved.budget_person_days == g.budget_person_days
    assert saved.saved_at_hours == g.now
    again = Game.load(path)
    assert again.now == g.now and again.commands == g.commands
    assert again.player.metrics() == g.player.metrics()
    assert again.ghost.metrics() == g.ghost.metrics()
    assert [r.score for r in again.reports] == [r.score for r in g.reports]
    assert again.feed() == g.feed()
    assert again.budget_left == g.budget_left
    # Saving the replayed game writes the same document, key for key.
    assert again.to_dict() == document
    # ... and the document is what the model describes.
    assert SavedGameDocument.model_validate(document).commands[0].t == g.commands[0][0]


def test_a_saved_game_reformatted_or_without_its_version_note_still_loads(played, tmp_path):
    g, _, document = played
    path = tmp_path / "pretty.json"
    loose = edited(document, lambda d: d.pop("shipit_version"))
    path.write_text(json.dumps(loose, indent=7, sort_keys=True), encoding="utf-8")
    assert read_saved_game(path).commands == g.commands


def test_a_save_from_before_a_scenario_key_was_added_still_loads(played, tmp_path: Path):
    """The hash is checked against the scenario as written, so a key the schema gained
    since (filled with its default on reading) does not make a genuine save foreign."""
    g, _, document = played
    older = edited(document, lambda d: d["scenario"]["run"].pop("tier_edition"))
    text = json.dumps(older["scenario"], sort_keys=True, separators=(",", ":"))
    older["scenario_hash"] = hashlib.sha256(text.encode()).hexdigest()
    assert read_saved_game(write(tmp_path / "older.json", older)).commands == g.commands


# --------------------------------------------------------------------------- refused


def _set_command(index: int, **values: Any) -> Callable[[dict[str, Any]], None]:
    return lambda d: d["commands"][index]["command"].update(values)


CASES: list[tuple[str, Callable[[dict[str, Any]], Any], str, str]] = [
    # (id, change, key, fragment of the message)
    ("hash", lambda d: d["scenario"]["org"].update(developers=17), "scenario_hash",
     "does not match the scenario stored in the file (edited or damaged?)"),
    ("no hash", lambda d: d.pop("scenario_hash"), "scenario_hash", "missing"),
    ("bad scenario", lambda d: d["scenario"]["org"].update(developers=-1),
     "scenario.org.developers", "allowed"),
    ("unknown key", lambda d: d.update(cheat=True), "cheat", "unknown key; allowed: format"),
    ("seed too big", lambda d: d.update(seed=2**64), "seed", str(SEED_MAX)),
    ("seed a string", lambda d: d.update(seed="7"), "seed", "an integer"),
    ("seed a boolean", lambda d: d.update(seed=True), "seed", "an integer"),
    ("replication", lambda d: d.update(replication=-1), "replication", "an integer"),
    ("rounds huge", lambda d: d.update(rounds=1e9, saved_at_hours=1e12), "rounds", "1 to 520"),
    ("rounds too many", lambda d: d.update(rounds=521), "rounds", "1 to 520"),
    ("rounds x days", lambda d: d.update(rounds=520, round_days=100), "rounds", "3650 days"),
    ("round tiny", lambda d: d.update(round_days=1e-300), "round_days", "from 1 to 3650"),
    ("round nan", lambda d: d.update(round_days=math.nan), "round_days", "finite"),
    ("budget inf", lambda d: d.update(budget_person_days=math.inf), "budget_person_days",
     "finite"),
    ("budget negative", lambda d: d.update(budget_person_days=-1), "budget_person_days",
     "from 0"),
    ("saved late", lambda d: d.update(saved_at_hours=1e12), "saved_at_hours", "game's end"),
    ("move late", lambda d: d["commands"][-1].update(t=1e9), "commands.4.t", "game's end"),
    ("move negative", lambda d: d["commands"][0].update(t=-5), "commands.0.t", "from 0"),
    ("move order", lambda d: d["commands"][2].update(t=1.0), "commands.2.t", "time order"),
    ("move key", lambda d: d["commands"][0].update(why="x"), "commands.0.why",
     "allowed: t, command"),
    ("factor a string", _set_command(1, factor="x"), "commands.1.command.factor",
     "allowed: a number >= 1 and <= 100"),
    ("factor nan", _set_command(1, factor=math.nan), "commands.1.command.factor", "finite"),
    ("days inf", _set_command(1, days=math.inf), "commands.1.command.days", "finite"),
    ("size a float", _set_command(2, size=5.5), "commands.2.command.size", "an integer"),
    ("practice value", _set_command(0, value="teleported"), "commands.0.practices.deployment",
     "allowed"),
    ("practice value type", _set_command(0, value=[1]), "commands.0.command.value",
     "allowed: true or false"),
    ("unknown practice", _set_command(0, practice="teleport"), "commands.0.practices.teleport",
     "unknown practice; allowed"),
    ("command key", _set_command(4, colour="red"), "commands.4.command.colour",
     "allowed: severity"),
    ("command type", _set_command(3, type="launch_rockets"), "commands.3.command.type",
     "allowed: set_practice"),
    ("command not a table", lambda d: d["commands"][0].update(command=3),
     "commands.0.command", "a command table"),
    ("moves not a list", lambda d: d.update(commands={}), "commands", "a list"),
    ("format", lambda d: d.update(format="other"), "format", "not a saved game"),
    ("version", lambda d: d.update(version=2), "version", "allowed: 1"),
]  # fmt: skip


@pytest.mark.parametrize(("change", "key", "fragment"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])  # fmt: skip
def test_a_bad_saved_game_is_one_line_naming_the_key(
    played, tmp_path: Path, capsys, change, key, fragment
):
    _, _, document = played
    path = write(tmp_path / "bad.json", edited(document, change))
    with pytest.raises(ScenarioError) as caught:
        read_saved_game(path)
    assert caught.value.key == key, caught.value.message
    assert fragment in caught.value.message
    assert caught.value.source == str(path)
    err = refused_by_cli(capsys, "run", str(path), "-q")
    assert f"{path}: {key}: " in err


def test_json_nan_and_infinity_are_refused(played, tmp_path: Path):
    """Python's JSON reader accepts NaN and Infinity: the model does not."""
    _, _, document = played
    path = tmp_path / "nan.json"
    text = json.dumps(edited(document, lambda d: d.update(saved_at_hours=1.5)))
    path.write_text(text.replace('"saved_at_hours": 1.5', '"saved_at_hours": NaN'))
    with pytest.raises(ScenarioError, match="saved_at_hours: nan is not a finite number"):
        read_saved_game(path)
    path.write_text(text.replace('"saved_at_hours": 1.5', '"saved_at_hours": -Infinity'))
    with pytest.raises(ScenarioError, match="saved_at_hours: -inf is not a finite number"):
        read_saved_game(path)


def test_replaying_an_endless_game_is_refused_quickly(played, tmp_path: Path, capsys):
    _, _, document = played
    path = write(
        tmp_path / "endless.json",
        edited(document, lambda d: d.update(rounds=1e9, round_days=1e-300, saved_at_hours=1e12)),
    )
    start = time.perf_counter()
    with pytest.raises(ScenarioError):
        Game.load(path)
    refused_by_cli(capsys, "run", str(path))
    refused_by_cli(capsys, "compare", "water-scrum-fall", str(path))
    assert time.perf_counter() - start < 5


@pytest.mark.parametrize("depth", [600, 100_000])
def test_deeply_nested_json_is_one_line(played, tmp_path: Path, capsys, depth: int):
    _, _, document = played
    path = tmp_path / "deep.json"
    path.write_text("[" * depth + "]" * depth)
    refused_by_cli(capsys, "run", str(path))
    # ... and deep inside a command, where the JSON parser gets through.
    deep = json.dumps(document).replace('"value": "automated"', '"value": ' + "[" * 900 + "]" * 900)
    path.write_text(deep)
    with pytest.raises(ScenarioError) as caught:
        read_saved_game(path)
    assert "\n" not in caught.value.message


def test_a_number_of_thousands_of_digits_is_one_line(tmp_path: Path, capsys):
    path = tmp_path / "digits.json"
    path.write_text('{"format": "shipit-game", "seed": ' + "9" * 5000 + "}")
    err = refused_by_cli(capsys, "run", str(path))
    assert "thousands of digits" in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
@pytest.mark.timeout(10)
def test_a_fifo_is_refused_without_waiting(tmp_path: Path, capsys):
    fifo = tmp_path / "game.json"
    os.mkfifo(fifo)
    with pytest.raises(ScenarioError, match="not a regular file"):
        read_saved_game(fifo)
    refused_by_cli(capsys, "run", str(fifo))


def test_a_huge_file_is_refused_before_it_is_parsed(tmp_path: Path, monkeypatch, capsys):
    assert SAVE_MAX_BYTES == 16 * 1024 * 1024
    path = tmp_path / "huge.json"
    path.write_text(" " * 2000 + "{}")
    monkeypatch.setattr(savegame, "SAVE_MAX_BYTES", 1000)
    with pytest.raises(ScenarioError, match="larger than"):
        read_saved_game(path)


def test_too_many_moves_are_refused(played, tmp_path: Path):
    _, _, document = played
    move = {"t": document["commands"][-1]["t"], "command": {"type": "inject_incident"}}
    crowded = edited(document, lambda d: d["commands"].extend([move] * SAVED_MOVES_MAX))
    with pytest.raises(ScenarioError) as caught:
        read_saved_game(write(tmp_path / "crowded.json", crowded))
    assert caught.value.key == "commands" and str(SAVED_MOVES_MAX) in caught.value.message


# --------------------------------------------------------------------------- game settings


@pytest.mark.parametrize(
    "settings",
    [
        {"round_days": math.nan},
        {"round_days": math.inf},
        {"round_days": 1e-300},
        {"round_days": 0.0},
        {"round_days": -7.0},
        {"round_days": 5000.0},
        {"round_days": True},
        {"rounds": 0},
        {"rounds": 521},
        {"rounds": 1e9},
        {"rounds": 2.5},
        {"rounds": 40, "round_days": 100.0},  # 4000 days of play
        {"budget_person_days": math.nan},
        {"budget_person_days": math.inf},
        {"budget_person_days": -1.0},
        {"budget_person_days": 2e6},
        {"seed": -1},
        {"seed": SEED_MAX + 1},
        {"seed": True},
        {"replication": -1},
    ],
    ids=repr,
)
def test_game_settings_outside_the_limits_are_refused_at_once(settings: dict[str, Any]):
    start = time.perf_counter()
    with pytest.raises(GameError) as caught:
        Game(short_scenario(), **settings)
    assert "\n" not in str(caught.value)
    assert time.perf_counter() - start < 1


def test_the_longest_game_allowed_starts():
    g = Game(short_scenario(), rounds=10, round_days=HORIZON_DAYS_MAX / 10)
    assert g.rounds * g.round_days == HORIZON_DAYS_MAX


# --------------------------------------------------------------------------- long games


def _long_game(path: Path, warmup: float, move_day: float) -> Game:
    """A 40-round game of 91-day rounds (3,640 days of play) with a move on ``move_day``."""
    g = Game(short_scenario("queueing-check", warmup), rounds=40, round_days=91.0)
    g.advance(24 * (move_day - warmup))
    while g.now < move_day * 24 - 1e-9:
        g.advance(move_day * 24 - g.now)
    g.apply(InjectIncident(3))
    g.advance(24)
    g.save(path)
    return g


def test_a_long_game_played_to_its_last_rounds_runs_as_a_research_case(tmp_path: Path, capsys):
    """Moves late in a ten-year game: the replayed run's horizon reaches past them."""
    path = tmp_path / "long.json"
    g = _long_game(path, warmup=5.0, move_day=3640.0)
    scenario, commands = load_case(str(path))
    assert commands == g.commands
    assert scenario.run.days == pytest.approx(3641.0)
    out = tmp_path / "out.json"
    assert main(["run", str(path), "-q", "--json", str(out)]) == 0
    assert json.loads(out.read_text())["metrics"]["incidents"] >= 1


def test_a_move_beyond_the_longest_run_is_refused_with_one_line(tmp_path: Path, capsys):
    """After a 200-day warm-up, 40 rounds of 91 days end on day 3,840: the game allows a
    move on day 3,700 and replays it, but no run (at most 3,650 days) can reach it."""
    path = tmp_path / "beyond.json"
    g = _long_game(path, warmup=200.0, move_day=3700.0)
    assert Game.load(path).commands == g.commands  # shipit play --replay: the whole game
    err = refused_by_cli(capsys, "run", str(path), "-q")
    assert f"{path}: commands.0.t: a move on day 3700.0" in err and "--replay" in err
    refused_by_cli(capsys, "compare", "queueing-check", str(path), "-q")


def test_a_move_in_the_last_day_a_run_can_reach(played, tmp_path: Path):
    """A move on day 3,649.5 needs a run of 3,650.5 days: refused with one line, not a
    pydantic traceback from ``run.days``."""
    _, _, document = played
    late = edited(
        document,
        lambda d: d.update(
            rounds=100,
            round_days=36.4,  # 10 days of warm-up + 3,640 of play
            saved_at_hours=3649.5 * 24,
            commands=[{"t": 3649.5 * 24, "command": {"type": "inject_incident"}}],
        ),
    )
    path = write(tmp_path / "late.json", late)
    with pytest.raises(ScenarioError) as caught:
        load_case(str(path))
    assert caught.value.key == "commands.0.t"


def test_saved_game_module_is_where_the_format_lives():
    import sim.game

    assert sim.game.read_saved_game is savegame.read_saved_game
    assert sim.game.load_case is savegame.load_case
    assert sim.game.SavedGame is savegame.SavedGame
    assert sys.modules["sim.savegame"].SAVE_VERSION == 1
