"""Live controls: the commands a player, facilitator or script gives between chunks.

Every command goes through :meth:`sim.model.simulation.Simulation.apply`, which validates
it, records it in the event log (``command`` events) and carries it out, so that
seed + scenario + timestamped command list replays a played game exactly.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, ClassVar

from ..errors import ScenarioError


@dataclass(frozen=True, slots=True)
class SetPractice:
    """Switch ``practice`` to ``value`` (adoption cost and ramp apply when moving off baseline)."""

    practice: str
    value: Any
    type: ClassVar[str] = "set_practice"


@dataclass(frozen=True, slots=True)
class ResizePool:
    """Set the headcount of ``role`` ("developers", "testers" or "ops") to ``size``."""

    role: str
    size: int
    type: ClassVar[str] = "resize_pool"


@dataclass(frozen=True, slots=True)
class InjectIncident:
    """A facilitator's incident with no change behind it, of ``severity`` 1 (worst)..4."""

    severity: int = 2
    type: ClassVar[str] = "inject_incident"


@dataclass(frozen=True, slots=True)
class TrafficSpike:
    """Production load ``factor`` times normal for ``days``: capacity failures multiply.

    Incidents with no change behind them (``incidents.background_per_week``) arrive
    ``factor`` times as often while it lasts, from their own random stream, so the
    untouched background incidents stay the same.
    """

    factor: float = 5.0
    days: float = 7.0
    type: ClassVar[str] = "traffic_spike"


@dataclass(frozen=True, slots=True)
class ReleaseFreeze:
    """No planned deployment for ``days`` (hotfixes still go out): work piles up."""

    days: float = 14.0
    type: ClassVar[str] = "release_freeze"


Command = SetPractice | ResizePool | InjectIncident | TrafficSpike | ReleaseFreeze
_TYPES: dict[str, type] = {
    c.type: c for c in (SetPractice, ResizePool, InjectIncident, TrafficSpike, ReleaseFreeze)
}


def command_to_dict(command: Command) -> dict[str, Any]:
    """The JSON-able form written to the event log."""
    return {"type": command.type, **asdict(command)}


def command_from_dict(data: dict[str, Any], source: str = "command") -> Command:
    """Rebuild a command from its logged form; bad input raises :class:`ScenarioError`."""
    kind = data.get("type")
    cls = _TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise ScenarioError(source, "type", f"unknown command {kind!r}; allowed: {sorted(_TYPES)}")
    fields = {k: v for k, v in data.items() if k != "type"}
    try:
        return cls(**fields)
    except TypeError as exc:
        raise ScenarioError(source, kind, f"bad fields {sorted(fields)}: {exc}") from None
