"""Live controls: the commands a player, facilitator or script gives between chunks.

Every command goes through :meth:`sim.model.simulation.Simulation.apply`, which validates
it, records it in the event log (``command`` events) and carries it out, so that
seed + scenario + timestamped command list replays a played game exactly.

Each command declares its own bounds (pydantic dataclasses); :func:`command_from_dict`
reads the logged or saved form through one discriminated union, and every problem becomes
one :class:`~sim.errors.ScenarioError` naming the command's key and what is allowed.  What
a command would do to the organisation (a practice value, a headcount, a structure) is
then checked by the simulation against the scenario's own rules, as if the change had
been written in the scenario file (:func:`effect`; the message from
:func:`sim.fieldtext.explain`, as for a scenario file).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict
from typing import Annotated, Any, Literal, get_args

from pydantic import ConfigDict, Field, Strict, TypeAdapter, ValidationError
from pydantic.dataclasses import dataclass

from ..errors import ScenarioError
from ..fieldtext import describe, explain, show, type_name
from ..scenario import Scenario

_CONFIG = ConfigDict(extra="forbid", allow_inf_nan=False)
StrictInt = Annotated[int, Strict()]
StrictFloat = Annotated[float, Strict()]
"""A number given as a number (an int is accepted): no strings, no booleans."""
Structure = Literal["silos", "cross_functional"]
STRUCTURES: tuple[str, ...] = get_args(Structure)
"""The structures an organisation can reorganise into (``org.structure``'s values)."""
PRACTICE_NAME_MAX = 64
"""Longest practice name a command may give (the catalogue's are far shorter): a longer
one cannot be a practice, and would not fit in one line of error."""
STRUCTURE_KEY = "org.structure"
"""The scenario key a reorganisation changes; also the ``practice`` its ``adoption``
event names."""


@dataclass(frozen=True, config=_CONFIG)
class SetPractice:
    """Switch ``practice`` to ``value`` (adoption cost and ramp apply when moving off baseline)."""

    practice: Annotated[str, Strict(), Field(min_length=1, max_length=PRACTICE_NAME_MAX)]
    value: Annotated[bool, Strict()] | Annotated[str, Strict()] | StrictFloat
    type: Literal["set_practice"] = "set_practice"


@dataclass(frozen=True, config=_CONFIG)
class ResizePool:
    """Set the headcount of ``role`` ("developers", "testers" or "ops") to ``size``.

    New people join as novices who ramp up (``org.ramp_up_days``) and take experienced
    developers' time meanwhile (``org.onboarding_person_days`` each).
    """

    role: Literal["developers", "testers", "ops"]
    size: StrictInt = Field(ge=0, le=10_000)
    type: Literal["resize_pool"] = "resize_pool"


@dataclass(frozen=True, config=_CONFIG)
class Reorganise:
    """Move the organisation to ``structure``: silos or cross-functional teams.

    Costs everyone ``adoption.reorganisation_person_days`` and starts a learning period
    (``adoption.reorganisation_learning_days``) in which people are slower and make more
    mistakes.  Release lanes are a separate choice (``practices.loosely_coupled``).
    """

    structure: Structure
    type: Literal["reorganise"] = "reorganise"


@dataclass(frozen=True, config=_CONFIG)
class InjectIncident:
    """A facilitator's incident with no change behind it, of ``severity`` 1 (worst)..4."""

    severity: StrictInt = Field(2, ge=1, le=4)
    type: Literal["inject_incident"] = "inject_incident"


@dataclass(frozen=True, config=_CONFIG)
class TrafficSpike:
    """Production load ``factor`` times normal for ``days``: capacity failures multiply.

    Incidents with no change behind them (``incidents.background_per_week``) arrive
    ``factor`` times as often while it lasts, from their own random stream, so the
    untouched background incidents stay the same.
    """

    factor: StrictFloat = Field(5.0, ge=1, le=100)
    days: StrictFloat = Field(7.0, gt=0, le=365)
    type: Literal["traffic_spike"] = "traffic_spike"


@dataclass(frozen=True, config=_CONFIG)
class ReleaseFreeze:
    """No planned deployment for ``days`` (hotfixes still go out): work piles up."""

    days: StrictFloat = Field(14.0, gt=0, le=365)
    type: Literal["release_freeze"] = "release_freeze"


Command = SetPractice | ResizePool | Reorganise | InjectIncident | TrafficSpike | ReleaseFreeze
COMMAND_TYPES: tuple[str, ...] = tuple(kind.type for kind in get_args(Command))
"""The ``type`` of every command, in the union's order."""
_ADAPTER: TypeAdapter[Command] = TypeAdapter(
    Annotated[Command, Field(discriminator="type")]  # type: ignore[arg-type]
)
_BY_TYPE: dict[str, type[Any]] = {kind.type: kind for kind in get_args(Command)}


def command_to_dict(command: Command) -> dict[str, Any]:
    """The JSON-able form written to the event log (``type`` first)."""
    data = asdict(command)  # type: ignore[call-overload]
    return {"type": data.pop("type"), **data}


def command_from_dict(data: Any, source: str = "command", *, key: str = "") -> Command:
    """Rebuild a command from its logged form; bad input raises :class:`ScenarioError`.

    ``key`` is where the command sits in a file (``commands.3.command`` in a saved game):
    the error then names ``<key>.<field>`` as the file spells it.  Without it the key is
    ``<type>.<field>`` (``traffic_spike.factor``).  Either way the message says what is
    allowed, and a wrong type, a ``nan`` or ``inf``, a value out of range, a missing or
    an unknown field is one line.
    """
    if not isinstance(data, dict):
        raise ScenarioError(
            source,
            key,
            'expected a command table ({"type": ..., ...}), '
            f"got {show(data)} ({type_name(data)})",
        )
    kind = data.get("type")
    if kind not in COMMAND_TYPES:
        raise ScenarioError(
            source,
            f"{key}.type" if key else "type",
            f"unknown command {show(kind)}; allowed: {', '.join(COMMAND_TYPES)}",
        )
    try:
        return _ADAPTER.validate_python(data)
    except ValidationError as exc:
        field, problem = _explain(exc, _BY_TYPE[kind])
    if key:
        raise ScenarioError(source, f"{key}.{field}" if field else key, problem)
    raise ScenarioError(source, f"{kind}.{field}" if field else kind, problem)


def _explain(exc: ValidationError, kind: type[Any]) -> tuple[str, str]:
    """The field and the one-line problem of pydantic's first error about a command."""
    error = exc.errors(include_url=False)[0]
    fields = kind.__pydantic_fields__
    # The location is (type, field[, union member]): the member adds nothing for a reader.
    names = [str(part) for part in error["loc"][1:2]]
    field = names[0] if names else ""
    allowed = _allowed(kind, field)
    value = error.get("input")
    if error["type"] == "unexpected_keyword_argument":
        known = ", ".join(name for name in fields if name != "type")
        return field, f"unknown field for a {kind.type} command; allowed: {known}"
    if error["type"] == "missing":
        return field, f"field required; allowed: {allowed}"
    message = error["msg"]
    if field == "value" and kind is SetPractice:
        message = "not a practice value"
        if isinstance(value, float) and not math.isfinite(value):
            message = "input should be a finite number"
    return field, f"{show(value)}: {message[0].lower()}{message[1:]}; allowed: {allowed}"


def _allowed(kind: type[Any], field: str) -> str:
    """What ``field`` of a command accepts, in words ("a number >= 1 and <= 100")."""
    if kind is SetPractice and field == "value":
        return "true or false, a string or a finite number (as the practice takes)"
    info = kind.__pydantic_fields__.get(field)
    if info is None:
        return "a valid value"
    return describe(info.annotation, info.metadata)


def effect(scenario: Scenario, command: Command, source: str = "command") -> Scenario:
    """The scenario as ``command`` leaves the organisation, validated like a scenario file.

    ``scenario`` is the organisation as earlier commands left it.  A command that would
    break one of the scenario's rules (a siloed organisation without testers, fewer
    developers than teams, a reorganisation into the structure it already has) raises
    :class:`ScenarioError` naming the key and what is allowed.  Commands that change no
    setting (incidents, traffic, freezes) leave it as it is.
    """
    if isinstance(command, SetPractice):
        practices = type(scenario.practices).model_fields
        if command.practice not in practices:
            raise ScenarioError(
                source,
                f"practices.{command.practice}",
                f"unknown practice; allowed: {', '.join(practices)}",
            )
        update: dict[str, Any] = {f"practices.{command.practice}": command.value}
    elif isinstance(command, ResizePool):
        update = {f"org.{command.role}": command.size}
    elif isinstance(command, Reorganise):
        current = scenario.org.structure
        if command.structure == current:
            other = "silos" if current == "cross_functional" else "cross_functional"
            raise ScenarioError(source, STRUCTURE_KEY, f"already {current}; allowed: {other}")
        update = {STRUCTURE_KEY: command.structure}
    else:
        return scenario
    try:
        return scenario.with_values(update)
    except ValidationError as exc:
        raise explain(exc, source) from None


def check_sequence(scenario: Scenario, commands: Sequence[Command], source: str) -> None:
    """Check a whole list of commands (a saved game) in order, as a simulation would apply
    them; the error names ``source`` and the command's place (``commands.N.<key>``)."""
    for index, command in enumerate(commands):
        try:
            scenario = effect(scenario, command, source)
        except ScenarioError as error:
            raise ScenarioError(source, f"commands.{index}.{error.key}", error.problem) from None
