"""The saved-game document: its keys, their bounds, and what each allows in words.

:class:`SavedGameDocument` is the JSON a saved game holds (:mod:`sim.savegame` reads and
writes the file): ``format`` and ``version``, no unknown keys, every number finite, of its
type and within the bounds of :mod:`sim.limits` (seed, replication, round length, rounds,
budget), rounds × round days within :data:`~sim.limits.HORIZON_DAYS_MAX`, the save time and
every move's time from 0 to the game's end (warm-up plus rounds), the moves in time order
and at most :data:`SAVED_MOVES_MAX` of them.  :func:`explain_document` turns pydantic's
first error about a document into one line naming the key path and what it allows.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from .errors import ScenarioError
from .fieldtext import show, type_name
from .limits import (
    BUDGET_PERSON_DAYS_MAX,
    HORIZON_DAYS_MAX,
    REPLICATIONS_MAX,
    ROUND_DAYS_MIN,
    ROUNDS_MAX,
    SEED_MAX,
    game_length_problem,
)
from .loading import validate_data
from .scenario import Scenario
from .units import HOURS_PER_DAY

SAVE_FORMAT = "shipit-game"
"""The ``format`` of a saved game: what tells it from any other JSON file."""
SAVE_VERSION = 1
"""The ``version`` of the format written and read.  Keys are only ever added with a
default, so every version-1 file written since the first release still reads."""
SAVED_MOVES_MAX = 20_000
"""Most moves in a saved game: a move every few hours for ten years.  More cannot come
from a person playing, and would only make replay slow."""
_TIME_SLACK_HOURS = 1e-6
"""Rounding a game's clock may add to its end (its rounds are summed in floating point)."""

StrictInt = Annotated[int, Strict()]
StrictFloat = Annotated[float, Strict()]
"""A number written as a number (an integer is fine): no strings, no booleans."""


class _Closed(BaseModel):
    """No unknown keys, no ``nan`` or ``inf`` anywhere."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)


class SavedMove(_Closed):
    """One move: when (hours since t = 0, warm-up included) and what (a command table,
    read by :func:`~sim.model.commands.command_from_dict`)."""

    t: StrictFloat = Field(ge=0)
    command: dict[str, Any]


class SavedGameDocument(_Closed):
    """The saved-game JSON document, checked key by key (see the module notes)."""

    format: Literal["shipit-game"]
    version: Literal[1]
    shipit_version: Annotated[str, Strict(), Field(max_length=100)] | None = None
    """The version that saved the game (informative: files of other versions read)."""
    scenario: Scenario
    scenario_hash: Annotated[str, Strict(), Field(pattern=r"^[0-9a-f]{64}$")]
    seed: StrictInt = Field(ge=0, le=SEED_MAX)
    replication: StrictInt = Field(ge=0, lt=REPLICATIONS_MAX)
    round_days: StrictFloat = Field(ge=ROUND_DAYS_MIN, le=HORIZON_DAYS_MAX)
    rounds: StrictInt = Field(ge=1, le=ROUNDS_MAX)
    budget_person_days: StrictFloat | None = Field(ge=0, le=BUDGET_PERSON_DAYS_MAX)
    saved_at_hours: StrictFloat = Field(ge=0)
    commands: list[SavedMove] = Field(max_length=SAVED_MOVES_MAX)

    @property
    def start_hours(self) -> float:
        """When play starts: the end of the scenario's warm-up."""
        return self.scenario.run.warmup_days * HOURS_PER_DAY

    @property
    def end_hours(self) -> float:
        """When the game's last round closes (hours since t = 0)."""
        return self.start_hours + self.rounds * self.round_days * HOURS_PER_DAY

    @model_validator(mode="after")
    def _within_the_game(self) -> SavedGameDocument:
        problem = game_length_problem(self.rounds, self.round_days)
        if problem:
            raise _rule("rounds", problem)
        end = self.end_hours
        if self.saved_at_hours > end + _TIME_SLACK_HOURS:
            raise _rule(
                "saved_at_hours",
                f"{self.saved_at_hours:g} is after the game's end; allowed: 0 to {end:g} "
                f"hours (warm-up plus {self.rounds} rounds of {self.round_days:g} days)",
            )
        previous = 0.0
        for index, move in enumerate(self.commands):
            if move.t > end + _TIME_SLACK_HOURS:
                raise _rule(
                    f"commands.{index}.t",
                    f"{move.t:g} is after the game's end; allowed: 0 to {end:g} hours",
                )
            if move.t < previous:
                raise _rule(
                    f"commands.{index}.t",
                    f"{move.t:g} is before the move above it ({previous:g}); commands must "
                    "be in time order",
                )
            previous = move.t
        return self


def _rule(key: str, problem: str) -> PydanticCustomError:
    """A rule across keys broke: pydantic carries the key and the problem to the message."""
    return PydanticCustomError("saved_game", "{key}: {problem}", {"key": key, "problem": problem})


_EXPECTED: dict[str, str] = {
    "format": f'"{SAVE_FORMAT}"',
    "version": f"{SAVE_VERSION}",
    "shipit_version": 'a version string, e.g. "0.1.0"',
    "scenario": "a scenario table, as shipit play writes it",
    "scenario_hash": "the scenario's SHA-256, 64 lowercase hex digits, as shipit play writes it",
    "seed": f"an integer from 0 to {SEED_MAX}",
    "replication": f"an integer from 0 to {REPLICATIONS_MAX - 1}",
    "round_days": f"a number of days from {ROUND_DAYS_MIN:g} to {HORIZON_DAYS_MAX:g}",
    "rounds": f"an integer from 1 to {ROUNDS_MAX}",
    "budget_person_days": (
        f"null (no budget) or a number of person-days from 0 to {BUDGET_PERSON_DAYS_MAX:g}"
    ),
    "saved_at_hours": "a number of hours from 0 to the game's end",
    "commands": f'a list of at most {SAVED_MOVES_MAX} moves {{"t": hours, "command": {{...}}}}',
    "t": "a number of hours from 0 to the game's end, in time order",
    "command": 'a command table, e.g. {"type": "set_practice", "practice": ..., "value": ...}',
}
"""What each key allows, in words (from the same limits the model checks)."""


def explain_document(exc: ValidationError, data: dict[str, Any], source: str) -> ScenarioError:
    """pydantic's first error about the document as one line: the key path and what the
    key allows.  Errors inside the scenario read as they would in a scenario file."""
    error = exc.errors(include_url=False)[0]
    loc = tuple(error["loc"])
    kind = error["type"]
    key = ".".join(str(part) for part in loc)
    if kind == "saved_game":
        ctx = error.get("ctx") or {}
        return ScenarioError(source, str(ctx.get("key", "")), str(ctx.get("problem", "")))
    if loc[:1] == ("scenario",) and (len(loc) > 1 or kind == "value_error"):
        try:
            validate_data(data["scenario"], source)
        except ScenarioError as inner:
            return ScenarioError(
                source, f"scenario.{inner.key}" if inner.key else "scenario", inner.problem
            )
    name = str(loc[-1]) if loc and not isinstance(loc[-1], int) else str(loc[0] if loc else "")
    if len(loc) == 2 and loc[0] == "commands":
        name = "move"
    expected = _EXPECTED.get(name, '{"t": hours, "command": {...}}')
    value = error.get("input")
    if kind == "extra_forbidden":
        where = SavedMove if loc[:1] == ("commands",) else SavedGameDocument
        return ScenarioError(source, key, f"unknown key; allowed: {', '.join(where.model_fields)}")
    if kind == "missing":
        return ScenarioError(source, key, f"missing; expected {expected}")
    if kind == "too_long":
        return ScenarioError(source, key, f"too many moves; allowed: {expected}")
    if kind == "finite_number":
        problem = f"{show(value)} is not a finite number; allowed: {expected}"
        return ScenarioError(source, key, problem)
    if kind in {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}:
        return ScenarioError(source, key, f"{show(value)} is out of range; allowed: {expected}")
    if kind == "int_type" and isinstance(value, float) and value.is_integer():
        problem = f"expected {expected}, got {show(value)} (a float); write it as an integer"
        return ScenarioError(source, key, problem)
    if isinstance(value, dict):
        shown = "a table"
    elif isinstance(value, list):
        shown = f"an array of {len(value)}"
    else:
        shown = f"{show(value)} ({type_name(value)})"
    return ScenarioError(source, key, f"expected {expected}, got {shown}")


__all__ = [
    "SAVED_MOVES_MAX",
    "SAVE_FORMAT",
    "SAVE_VERSION",
    "SavedGameDocument",
    "SavedMove",
    "explain_document",
]
