"""Work items: changes with the latent properties drawn when they are born.

A change's intrinsic attributes (effort, the uniforms that decide whether it carries a
defect, whether a test catches it, its severity if it fails, …) are drawn at birth, each
from its own named stream, with one stream family per origin.  Practices then compare
those fixed draws with their own thresholds, so switching a practice never changes the
arrivals or efforts the untouched organisation sees (common random numbers).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from enum import IntEnum
from typing import TYPE_CHECKING, Any

import simpy

from ..units import effort_hours

if TYPE_CHECKING:
    from ..scenario import Scenario
    from ..streams import Stream, Streams

Process = Generator[simpy.Event, Any, Any]
"""What a SimPy process function returns (the lowest layer of the model names it)."""


class Priority(IntEnum):
    """Queue priority in a pool: lower runs first.  URGENT pre-empts planned work."""

    URGENT = 0
    EXPEDITE = 1
    REWORK = 2
    IMPROVEMENT = 3
    PLANNED = 4


ORIGIN_PRIORITY = {
    "demand": Priority.PLANNED,
    "improvement": Priority.IMPROVEMENT,
    "hotfix": Priority.EXPEDITE,
    "security": Priority.EXPEDITE,
}
_EXPEDITE, _REWORK = Priority.EXPEDITE, Priority.REWORK
"""Bound once: an enum member lookup costs ~50 ns and priorities are read per change."""

ORIGIN_WORK_CLASS = {
    "demand": "planned",
    "improvement": "improvement",
    "hotfix": "unplanned",
    "security": "unplanned",
}


class Patch:
    """The fixes of one failed deployment's faults, shipped together as one patch.

    Each faulty change gets its own fix (developed in parallel by whoever is free); the
    lane deploys the patch when the last fix is ready, and :attr:`delivered` fires when it
    is live — when the failure's incidents are restored.
    """

    __slots__ = ("delivered", "ready", "size")

    def __init__(self, env: simpy.Environment, size: int) -> None:
        self.size = size
        self.ready: list[WorkItem] = []
        self.delivered = env.event()


class WorkItem:
    """One change on its way from idea to production.

    ``effort_days`` is person-days of work; ``effort_hours`` the calendar hours one person
    needs for it (see :mod:`sim.units`).
    The ``u_*`` fields are uniforms in [0, 1) fixed at birth; a property holds when its
    uniform is below the probability the current practices give.
    """

    __slots__ = (
        "arrived",
        "batch",
        "committed",
        "defect",
        "delivered_event",
        "effort_days",
        "effort_hours",
        "id",
        "kind",
        "live",
        "origin",
        "patch",
        "rework_share",
        "reworks",
        "target",
        "team",
        "u_auto",
        "u_defect",
        "u_flag",
        "u_manual",
        "u_regression",
        "u_rollback",
        "u_scan",
        "u_severity",
        "urgent",
        "weakness",
    )

    def __init__(self) -> None:
        self.batch = -1
        self.committed = False
        self.defect = False
        self.reworks = 0
        self.rework_share = 1.0
        """Share of the original effort the next rework takes (set by where it was found)."""
        self.target: WorkItem | None = None
        """For a security patch: the delivered item whose weakness it closes."""
        self.delivered_event: simpy.Event | None = None
        self.patch: Patch | None = None
        """For a fix-forward fix: the patch it ships in, with the other fixes of its failure."""
        self.urgent = False
        """Taken back from production as faulty: once reworked it ships on the emergency
        path, not with the next release train."""
        self.live = False
        """Running in production for all users (delivered and not taken back as faulty)."""

    @property
    def priority(self) -> Priority:
        """The queue priority of this item's next piece of development."""
        if self.urgent:
            return _EXPEDITE
        return _REWORK if self.reworks else ORIGIN_PRIORITY[self.origin]

    @property
    def work_class(self) -> str:
        """How people's time on this item is classified (planned, rework, unplanned…)."""
        return "rework" if self.reworks else ORIGIN_WORK_CLASS[self.origin]


ATTRIBUTES = (
    "kind",
    "effort",
    "team",
    "defect",
    "detect_auto",
    "detect_manual",
    "detect_regression",
    "detect_scan",
    "severity",
    "flag",
    "rollback",
    "weakness",
)
"""Per-origin stream names (``<origin>.<attribute>``): one stream per latent attribute."""


class ItemFactory:
    """Gives birth to work items, drawing each attribute from its own named stream."""

    def __init__(self, scenario: Scenario, streams: Streams) -> None:
        self._scenario = scenario
        self._streams = streams
        self._next_id = 0
        self._hours_per_day = effort_hours(1.0, scenario.org.work_days_per_week)
        self._cache: dict[str, tuple[Stream, ...]] = {}
        self._rows: dict[str, list[tuple[float, ...]]] = {}
        """Per origin: birth uniforms not yet given out (see :meth:`_refill`)."""
        self._weakness_prob = scenario.security.weakness_prob
        w = scenario.workload
        cv = w.effort_cv
        draws: dict[str, Callable[[Stream, float], float]] = {
            "lognormal": lambda stream, mean: stream.lognormal_mean(mean, cv),
            "exponential": lambda stream, mean: stream.exponential(mean),
            "fixed": lambda stream, mean: mean,
        }
        self._draw_effort = draws[w.effort_distribution]
        """Effort in person-days from the effort stream: the distribution chosen once."""

    @property
    def items_made(self) -> int:
        """Work items born so far, all origins (the next item's id)."""
        return self._next_id

    def _streams_for(self, origin: str) -> tuple[Stream, ...]:
        """The named streams of one origin, looked up once and cached."""
        cached = self._cache.get(origin)
        if cached is None:
            names = ATTRIBUTES
            cached = self._cache[origin] = tuple(self._streams[f"{origin}.{n}"] for n in names)
        return cached

    def make(self, origin: str, mean_days: float, teams: int, team: int | None = None) -> WorkItem:
        """A new item of ``origin`` with mean effort ``mean_days`` person-days.

        Demand is spread over ``teams`` at random; internal work (hotfixes, improvement
        actions, patches) belongs to the given ``team``.
        """
        w = self._scenario.workload
        effort = self._streams_for(origin)[1]
        item = WorkItem()
        item.id = self._next_id
        self._next_id += 1
        item.origin = origin
        rows = self._rows.get(origin)
        if not rows:
            rows = self._rows[origin] = self._refill(origin, team is None and teams > 1)
        row = rows.pop()
        kind = origin
        if origin == "demand":
            is_bug = row[0] < w.bugfix_share
            kind = "bugfix" if is_bug else "feature"
            if is_bug:
                mean_days *= w.bugfix_effort_factor
        item.kind = kind
        days = self._draw_effort(effort, mean_days)
        item.effort_days = days
        item.effort_hours = days * self._hours_per_day
        if team is None:
            # The team's draw comes just before the nine latent uniforms.
            team = int(row[-10] * teams) if teams > 1 else 0
        item.team = team
        (item.u_defect, item.u_auto, item.u_manual, item.u_regression, item.u_scan,
         item.u_severity, item.u_flag, item.u_rollback, u_weak) = row[-9:]  # fmt: skip
        item.weakness = u_weak < self._weakness_prob
        return item

    def _refill(self, origin: str, by_team: bool) -> list[tuple[float, ...]]:
        """The next block of birth uniforms of ``origin``, one row per item, last row first.

        Every item of an origin takes exactly one number from each stream it uses, in
        birth order (the kind for demand, the team when the organisation has several
        and the item comes with none, then the nine latent attributes), so taking them a
        block at a time in lockstep gives each item the numbers it would draw one by one.
        """
        kind, _, team, *latent = self._streams_for(origin)
        streams = [*([kind] if origin == "demand" else []), *([team] if by_team else []), *latent]
        rows = list(zip(*(stream.uniform_block() for stream in streams), strict=True))
        rows.reverse()
        return rows
