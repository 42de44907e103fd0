"""What the value-stream fold remembers per change and per release batch (hours).

:class:`ItemWalk` is one demand item's walk along the stages (its stage hours so far),
:class:`BatchWalk` one release batch's way through its lane (which stage it was in when,
to tell what a change waiting for a release is waiting behind), and :class:`Delivery` the
stage hours of an item when it reached production.  The fold that moves them is
:class:`sim.metrics.valuestream_fold.ValueStreamFold`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from sim.metrics.valuestream_stages import APPROVAL, DEVELOPMENT, SLOTS, STAGE_COUNT


class ItemWalk:
    """One demand item's walk along the value stream."""

    __slots__ = (
        "batch",
        "committed",
        "delivered",
        "hours",
        "live",
        "ready",
        "since",
        "stage",
        "started",
    )

    def __init__(self, t: float) -> None:
        self.stage = DEVELOPMENT
        """Index of the stage it is in now."""
        self.since = t
        """When it entered the stage it is in (hours)."""
        self.hours = [0.0] * (SLOTS * STAGE_COUNT)
        """Hours so far, per stage waiting, working and blocking (the part of its wait for
        a release spent behind a batch in that stage): ``hours[SLOTS * stage + WAIT | WORK |
        BLOCKED]``."""
        self.ready: float | None = None
        """When it last became ready for a release."""
        self.started: float | None = None
        """When its development started (until ``finished``)."""
        self.committed: float | None = None
        """Its first commit, if inside the current development (until ``finished``)."""
        self.batch: int | None = None
        """The batch it is in, until it is deployed or taken out."""
        self.delivered: float | None = None
        """Its counted delivery time, ``None`` while not (or no longer) in production."""
        self.live = False
        """Running in production (after a ``delivered``, until taken back as faulty)."""


class Delivery(NamedTuple):
    """A demand item reached production at ``t`` with these stage hours since arrival."""

    t: float
    item: int
    hours: tuple[float, ...]


class BatchWalk:
    """A release batch's way through the lane: which stage it was in when.

    A change waiting for a release behind this batch (same lane, formed earlier, not yet
    in production) is blocked by the stage the batch is in at that moment.
    """

    __slots__ = ("done", "end", "formed", "lane", "members", "phases")

    def __init__(self, t: float, lane: int, members: int) -> None:
        self.formed = t
        self.lane = lane
        self.phases: list[tuple[float, int]] = [(t, APPROVAL)]
        """``(t, stage)`` from ``t`` on; a regression cycle relabels the first one."""
        self.end = t
        """Time of its latest event (deployed, delivered, or its last change taken out)."""
        self.done = False
        """Deployed, or every change taken out of it: no longer holding the lane."""
        self.members = members
        """Changes still in it."""

    def enter(self, t: float, stage: int, after: int) -> None:
        """The batch moves on to ``stage`` at ``t`` if it is in stage ``after`` now."""
        if self.phases[-1][1] == after:
            self.phases.append((t, stage))
        self.end = max(self.end, t)

    def segments(self, now: float) -> Iterable[tuple[float, float, int]]:
        """``(from, to, stage)`` of its life up to ``now`` (to its end once done)."""
        last = self.end if self.done else now
        phases = self.phases
        for index, (t, stage) in enumerate(phases):
            to = phases[index + 1][0] if index + 1 < len(phases) else last
            if to > t:
                yield t, to, stage
