"""Saved games: the file format, checked on reading, never trusted.

A saved game (``shipit play``, key **s**) is one JSON document: the scenario (all of it)
and its hash, the seed, the round settings and every move with its simulated time.
:func:`read_saved_game` reads one for ``shipit play --replay`` (:meth:`sim.game.Game.load`)
and :func:`load_case` for ``shipit run`` and ``compare``.  Whatever the file holds, reading
it ends in a :class:`SavedGame` or in one :class:`~sim.errors.ScenarioError` naming the
file, the key path and what is allowed (BRIEF §6): never a traceback, never a hang.

What is checked, in order:

* the file: a regular file (a FIFO or a device is refused before it is opened) of at most
  :data:`SAVE_MAX_BYTES`, UTF-8, JSON, nested no deeper than Python can parse;
* the document (:class:`~sim.savedocument.SavedGameDocument`, whose module holds the keys,
  their bounds from :mod:`sim.limits` and the words for what each allows): ``format`` and
  ``version``, no unknown keys, every number finite and in range, every move within the
  game and in time order, at most :data:`~sim.savedocument.SAVED_MOVES_MAX` of them;
* the scenario, validated like a scenario file (errors name ``scenario.<section>.<key>``),
  and its ``scenario_hash``: a file whose scenario was edited after saving is refused;
* every command, through :func:`~sim.model.commands.command_from_dict` (errors name
  ``commands.N.command.<field>``), then the whole sequence against the organisation as
  the earlier commands leave it (:func:`~sim.model.commands.check_sequence`).

Writing (:func:`saved_game_document`, :func:`write_saved_game`) and replaying the moves
into a new game (:func:`replay_moves`) live here too, so :class:`sim.game.Game` knows
nothing of the format.  The document's names are importable from here as well.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pydantic import ValidationError

from . import __version__
from .errors import ScenarioError
from .fieldtext import show
from .inputs import read_text_input
from .limits import HORIZON_DAYS_MAX
from .loading import load_scenario
from .model.commands import Command, check_sequence, command_from_dict, command_to_dict
from .outputs import atomic_write
from .rules import GameError
from .savedocument import (
    SAVE_FORMAT,
    SAVE_VERSION,
    SAVED_MOVES_MAX,
    SavedGameDocument,
    SavedMove,
    explain_document,
)
from .scenario import Scenario
from .units import HOURS_PER_DAY

SAVE_MAX_BYTES = 16 * 1024 * 1024
"""Largest saved game read: 16 MiB.  A ten-year game with a move every day is well under
1 MiB; a larger file is a mistake (a log, a binary, ``/dev/zero``) and is refused."""
RUN_MARGIN_DAYS = 1.0
"""A game replayed by ``shipit run`` runs at least this long past its last move, so the
move's effect is seen (and ``run.days`` must cover it: at most
:data:`~sim.limits.HORIZON_DAYS_MAX`)."""


@dataclass(frozen=True)
class SavedGame:
    """A saved game file, validated."""

    scenario: Scenario
    seed: int
    replication: int
    round_days: float
    rounds: int
    budget_person_days: float | None
    saved_at_hours: float
    commands: list[tuple[float, Command]] = field(default_factory=list)


class PlayedGame(Protocol):
    """What a saved game records of a game in play (:class:`sim.game.Game` is one)."""

    scenario: Scenario
    seed: int
    replication: int
    round_days: float
    rounds: int
    budget_person_days: float | None
    commands: list[tuple[float, Command]]
    """The moves so far: (simulated hours since t = 0, command)."""

    @property
    def now(self) -> float:
        """Simulated hours since t = 0: when the game is saved."""
        ...


class ReplayingGame(PlayedGame, Protocol):
    """A game a saved game's moves are replayed into (:class:`sim.game.Game` is one)."""

    @property
    def finished(self) -> bool:
        """All rounds played: the clock stops."""
        ...

    def advance(self, hours: float) -> object:
        """Run ``hours`` further (stopping at the round's end)."""
        ...

    def apply(self, command: Command) -> None:
        """Make a move now, or raise :class:`~sim.rules.GameError` or
        :class:`~sim.errors.ScenarioError` if the rules or the scenario refuse it."""
        ...


def replay_moves(
    game: ReplayingGame, saved: SavedGame, source: str, *, to_end: bool = True
) -> None:
    """Make ``saved``'s moves in ``game`` (started with its settings) at their times.

    With ``to_end`` the game then runs on to the time it was saved.  A move the game
    refuses (not expected: reading checked them) is one :class:`ScenarioError` naming
    ``source`` and the move (``commands.N``, then the scenario key if the model named one).
    """
    for index, (t, command) in enumerate(saved.commands):
        while game.now < t - 1e-9 and not game.finished:
            game.advance(t - game.now)
        try:
            game.apply(command)
        except GameError as exc:
            raise ScenarioError(source, f"commands.{index}", str(exc)) from None
        except ScenarioError as exc:
            raise ScenarioError(source, f"commands.{index}.{exc.key}", exc.problem) from None
    if to_end:
        while game.now < saved.saved_at_hours - 1e-9 and not game.finished:
            game.advance(saved.saved_at_hours - game.now)


def saved_game_document(game: PlayedGame) -> dict[str, Any]:
    """The saved-game document of ``game``: everything needed to replay it exactly
    (the JSON :func:`read_saved_game` reads back; its keys are :class:`SavedGameDocument`'s)."""
    return {
        "format": SAVE_FORMAT,
        "version": SAVE_VERSION,
        "shipit_version": __version__,
        "scenario": game.scenario.model_dump(mode="json"),
        "scenario_hash": game.scenario.content_hash(),
        "seed": game.seed,
        "replication": game.replication,
        "round_days": game.round_days,
        "rounds": game.rounds,
        "budget_person_days": game.budget_person_days,
        "saved_at_hours": game.now,
        "commands": [{"t": t, "command": command_to_dict(c)} for t, c in game.commands],
    }


def write_saved_game(path: Path, document: dict[str, Any]) -> None:
    """Write a saved-game document as indented JSON, atomically (a failure leaves an
    older save at ``path`` intact)."""
    atomic_write(path, [json.dumps(document, indent=2) + "\n"])


def read_saved_game(path: Path) -> SavedGame:
    """Read and check a saved game; every problem is one :class:`ScenarioError`."""
    source = str(path)
    text = read_text_input(
        path, source, limit=SAVE_MAX_BYTES, what="a saved game (.json, written by shipit play)"
    )
    try:
        return _read(text, source)
    except RecursionError:
        problem = "nested too deeply to be a saved game (arrays or objects hundreds of levels deep)"
        raise ScenarioError(source, "", problem) from None


def _read(text: str, source: str) -> SavedGame:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError(source, "", f"not JSON: {exc.msg} at line {exc.lineno}") from None
    except ValueError:  # Python refuses to parse an integer of thousands of digits
        problem = "holds a number of thousands of digits; no saved game does"
        raise ScenarioError(source, "", problem) from None
    if not isinstance(data, dict) or data.get("format") != SAVE_FORMAT:
        raise ScenarioError(source, "format", f'not a saved game (expected "{SAVE_FORMAT}")')
    version = data.get("version")
    if type(version) is not int or version != SAVE_VERSION:
        raise ScenarioError(
            source, "version", f"unsupported version {show(version)}; allowed: {SAVE_VERSION}"
        )
    try:
        document = SavedGameDocument.model_validate(data)
    except ValidationError as exc:
        raise explain_document(exc, data, source) from None
    _check_hash(data["scenario"], document, source)
    commands = [
        (move.t, command_from_dict(move.command, source, key=f"commands.{index}.command"))
        for index, move in enumerate(document.commands)
    ]
    check_sequence(document.scenario, [command for _, command in commands], source)
    return SavedGame(
        document.scenario,
        document.seed,
        document.replication,
        document.round_days,
        document.rounds,
        document.budget_person_days,
        document.saved_at_hours,
        commands,
    )


def _check_hash(stored: dict[str, Any], document: SavedGameDocument, source: str) -> None:
    """The stored hash must be the scenario's: as written (the canonical JSON the game
    hashed when saving, whatever the schema has gained since) or as validated now."""
    written = json.dumps(stored, sort_keys=True, separators=(",", ":"))
    if document.scenario_hash in (
        hashlib.sha256(written.encode()).hexdigest(),
        document.scenario.content_hash(),
    ):
        return
    raise ScenarioError(
        source,
        "scenario_hash",
        "does not match the scenario stored in the file (edited or damaged?)",
    )


def load_case(ref: str) -> tuple[Scenario, list[tuple[float, Command]]]:
    """A scenario reference or a saved game: the scenario and the commands to replay.

    Lets ``shipit run`` and ``compare`` take a played game as a research case: the same
    organisation and the same decisions at the same times, over any number of
    replications.  The case's seed is the game's, and its horizon (``run.days``) reaches
    :data:`RUN_MARGIN_DAYS` past the last move.  A run lasts at most
    :data:`~sim.limits.HORIZON_DAYS_MAX` days, warm-up included, so a move later than that
    (a long game after a long warm-up) is refused with one line; ``shipit play --replay``
    still replays the whole game.
    """
    if not ref.endswith(".json"):
        return load_scenario(ref), []
    saved = read_saved_game(Path(ref))
    updates: dict[str, Any] = {"run.seed": saved.seed}
    if saved.commands:
        last = saved.commands[-1][0] / HOURS_PER_DAY
        latest = HORIZON_DAYS_MAX - RUN_MARGIN_DAYS
        if last > latest:
            index = next(i for i, (t, _) in enumerate(saved.commands) if t / HOURS_PER_DAY > latest)
            day = saved.commands[index][0] / HOURS_PER_DAY
            raise ScenarioError(
                ref,
                f"commands.{index}.t",
                f"a move on day {day:.1f} is beyond what shipit run can replay: a run "
                f"lasts at most {HORIZON_DAYS_MAX:g} days, warm-up included, so moves up to "
                f"day {latest:g}; shipit play --replay {ref} replays the whole game",
            )
        days = max(saved.scenario.run.days, last + RUN_MARGIN_DAYS)
        updates["run.days"] = float(days)
    try:
        scenario = saved.scenario.with_values(updates)
    except ValidationError as exc:  # not expected: the bounds above are the schema's
        raise ScenarioError(ref, "scenario", str(exc.errors(include_url=False)[0]["msg"])) from None
    return scenario, saved.commands


__all__ = [
    "RUN_MARGIN_DAYS",
    "SAVED_MOVES_MAX",
    "SAVE_FORMAT",
    "SAVE_MAX_BYTES",
    "SAVE_VERSION",
    "PlayedGame",
    "ReplayingGame",
    "SavedGame",
    "SavedGameDocument",
    "SavedMove",
    "load_case",
    "read_saved_game",
    "replay_moves",
    "saved_game_document",
    "write_saved_game",
]
