"""The value-stream fold: every demand item walked through the stages, event by event.

:class:`ValueStreamFold` is a streaming sink like :class:`~sim.metrics.fold.MetricsFold`:
the game, which keeps no full log, attaches it to the recorder, and
:meth:`ValueStreamFold.from_events` builds one from a whole log.  It books each demand
item's hours (waiting, working, blocked behind an earlier release batch) to the stages of
:mod:`sim.metrics.valuestream_stages`; :func:`sim.metrics.valuestream.value_stream`
summarises it for a window.  What each stage's hours contain is told in
:mod:`sim.metrics.valuestream`.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from typing import Any

from sim.events import Kind
from sim.metrics.fold import DEMAND, EventFold
from sim.metrics.valuestream_stages import (
    APPROVAL,
    BLOCKED,
    DEPLOY,
    DEVELOPMENT,
    INTEGRATION,
    REGRESSION,
    RELEASE,
    ROLLED,
    SLOTS,
    STAGE_COUNT,
    TESTING,
    WINDOW,
    WORK,
)
from sim.metrics.valuestream_walks import BatchWalk, Delivery, ItemWalk

_QUEUE_STAGE = {
    "development": DEVELOPMENT,
    "manual_test": TESTING,
    "regression": REGRESSION,
    "deploy": DEPLOY,
}
"""The model's ``stage`` payloads (``queued`` / ``started`` / ``finished``) by stage index."""

_AFTER = {TESTING: RELEASE, REGRESSION: APPROVAL, DEPLOY: DEPLOY}
"""Where a change waits once a person finished with it (until the next event says more):
a tested change waits for a release, a regression-tested batch for approval, and a
manually deployed one is deployed at once."""


class ValueStreamFold(EventFold):
    """A sink that walks every demand item through the value-stream stages.

    Call it with every event in time order (``fold(event)``), give it to the recorder as a
    fold (its :attr:`handlers`), or build one from a whole log with :meth:`from_events`.
    Only demand items are followed (27 floats each); release batches are followed too, to
    tell what a change waiting for a release is waiting behind.
    """

    def __init__(self) -> None:
        self.items: dict[int, ItemWalk] = {}
        """Demand items by id."""
        self.deliveries: list[Delivery] = []
        """Every new delivery of a demand item, in time order, with its stage hours."""
        self.releases: list[tuple[float, int]] = []
        """Release deployments ``(t, changes)`` in time order."""
        self.counts = [0] * STAGE_COUNT
        """Demand items in each stage now (not delivered)."""
        self.last_t = 0.0
        """Time of the latest event seen (hours)."""
        self.warmup_hours: float | None = None
        self.until_hours: float | None = None
        self._batches: dict[int, BatchWalk] = {}
        """Release batches by id."""
        self._waiting: dict[int, list[int]] = {}
        """Demand items of each batch (of any kind) not deployed yet."""
        self._lanes: dict[int, list[BatchWalk]] = {}
        """Every release batch of each lane, in the order they formed."""
        self._longest: dict[int, float] = {}
        """Per lane, the longest life of a done batch (how far back a batch can block)."""
        self._member: dict[int, int] = {}
        """The release batch each change (of any origin) is in, until deployed."""
        self.handlers: dict[str, Callable[[float, int, dict[str, Any]], None]] = {
            Kind.ARRIVED: self._arrived,
            Kind.QUEUED: self._queued,
            Kind.STARTED: self._started,
            Kind.FINISHED: self._finished,
            Kind.COMMITTED: self._committed,
            Kind.TEST_FAILED: self._test_failed,
            Kind.READY: self._ready,
            Kind.BATCH_FORMED: self._batch_formed,
            Kind.APPROVED: self._approved,
            Kind.DEPLOYED: self._deployed,
            Kind.DELIVERED: self._delivered,
            Kind.RETURNED: self._returned,
            Kind.WINDOW: self._window,
        }

    # -- moving an item along --------------------------------------------------------------

    def _move(self, item: ItemWalk, t: float, stage: int) -> None:
        """Book the time since ``item.since`` to its stage, as waiting; enter ``stage``."""
        item.hours[SLOTS * item.stage] += t - item.since
        self.counts[item.stage] -= 1
        self.counts[stage] += 1
        item.stage, item.since = stage, t

    def _batch_of(self, subject: int) -> BatchWalk | None:
        """The release batch a change is in, if it is in one that is not done."""
        batch = self._member.get(subject)
        return None if batch is None else self._batches.get(batch)

    def _done(self, batch: BatchWalk, t: float) -> None:
        """The batch holds its lane no longer after ``t``."""
        batch.done = True
        batch.end = max(batch.end, t)
        life = batch.end - batch.formed
        if life > self._longest.get(batch.lane, 0.0):
            self._longest[batch.lane] = life

    def _arrived(self, t: float, subject: int, data: dict[str, Any]) -> None:
        if data["origin"] == DEMAND and subject not in self.items:
            self.items[subject] = ItemWalk(t)
            self.counts[DEVELOPMENT] += 1

    def _queued(self, t: float, subject: int, data: dict[str, Any]) -> None:
        stage = _QUEUE_STAGE.get(data["stage"])
        if stage in (REGRESSION, DEPLOY):
            batch = self._batch_of(subject)
            if batch is not None:
                if stage == REGRESSION and len(batch.phases) == 1:
                    batch.phases[0] = (batch.formed, REGRESSION)
                elif stage == DEPLOY:
                    batch.enter(t, DEPLOY, WINDOW)
        item = self.items.get(subject)
        if item is None or item.live or stage is None:
            return
        if stage == DEVELOPMENT:
            item.batch = None
        self._move(item, t, stage)

    def _started(self, t: float, subject: int, data: dict[str, Any]) -> None:
        item = self.items.get(subject)
        stage = _QUEUE_STAGE.get(data["stage"])
        if item is None or item.live or stage is None:
            return
        self._move(item, t, stage)  # the queue wait, booked as waiting
        if stage == DEVELOPMENT:
            item.started, item.committed = t, None

    def _finished(self, t: float, subject: int, data: dict[str, Any]) -> None:
        """Book the work: ``hours`` of the span since ``started`` is working, the rest (a
        developer pulled off to an incident) waiting.  A development span split by the
        first commit gives the merge its work first, then development the rest."""
        stage = _QUEUE_STAGE.get(data["stage"])
        if stage == REGRESSION:
            batch = self._batch_of(subject)
            if batch is not None:
                batch.enter(t, APPROVAL, REGRESSION)
        item = self.items.get(subject)
        if item is None or item.live or stage is None:
            return
        active = float(data["hours"])
        hours = item.hours
        if stage == DEVELOPMENT and item.started is not None:
            span = t - item.started
            committed = item.committed
            merge = 0.0 if committed is None else t - committed
            merge_work = min(merge, active)
            develop = span - merge
            develop_work = min(develop, active - merge_work)
            hours[SLOTS * DEVELOPMENT] += develop - develop_work
            hours[SLOTS * DEVELOPMENT + WORK] += develop_work
            hours[SLOTS * INTEGRATION] += merge - merge_work
            hours[SLOTS * INTEGRATION + WORK] += merge_work
            self.counts[item.stage] -= 1
            self.counts[INTEGRATION] += 1
            item.stage, item.since = INTEGRATION, t
            item.started = item.committed = None
            return
        if item.stage == stage:
            span = t - item.since
            work = min(active, span)
            hours[SLOTS * stage] += span - work
            hours[SLOTS * stage + WORK] += work
            item.since = t
        self._move(item, t, _AFTER[stage])

    def _committed(self, t: float, subject: int, data: dict[str, Any]) -> None:
        item = self.items.get(subject)
        if item is not None and item.started is not None and item.committed is None:
            item.committed = t  # the first commit, inside development: the merge follows

    def _test_failed(self, t: float, subject: int, data: dict[str, Any]) -> None:
        item = self.items.get(subject)
        if item is not None and not item.live:
            self._move(item, t, DEVELOPMENT)  # back to development for rework

    def _ready(self, t: float, subject: int, data: dict[str, Any]) -> None:
        item = self.items.get(subject)
        if item is not None and not item.live:
            self._move(item, t, RELEASE)
            item.ready = t

    # -- batches -----------------------------------------------------------------------------

    def _batch_formed(self, t: float, subject: int, data: dict[str, Any]) -> None:
        kind = data.get("kind") or ("hotfix" if data["hotfix"] else "release")
        ids = data["items"]
        lane = int(data.get("lane", 0))
        if kind == "release":
            for item_id in ids:
                item = self.items.get(item_id)
                if item is not None and not item.live and item.ready is not None:
                    self._blocked(item, lane, item.ready, t)
            batch = self._batches[subject] = BatchWalk(t, lane, len(ids))
            self._lanes.setdefault(lane, []).append(batch)
            for item_id in ids:
                self._member[item_id] = subject
        waiting = []
        for item_id in ids:
            item = self.items.get(item_id)
            if item is None or item.live:
                continue
            waiting.append(item_id)
            item.batch = subject
            item.ready = None
            self._move(item, t, DEPLOY if kind == "redeploy" else APPROVAL)
        if waiting:
            self._waiting[subject] = waiting

    def _blocked(self, item: ItemWalk, lane: int, ready: float, now: float) -> None:
        """Book the part of ``[ready, now]`` the lane had an earlier release batch in flight
        to the stages that batch was in (the earliest batch first where two overlap)."""
        batches = self._lanes.get(lane)
        if not batches or now <= ready:
            return
        reach = self._longest.get(lane, 0.0)
        pieces: list[tuple[float, float, int, int]] = []
        for order, batch in enumerate(reversed(batches)):
            if batch.done and batch.formed + reach < ready:
                break
            for t0, t1, stage in batch.segments(now):
                lo, hi = max(t0, ready), min(t1, now)
                if hi > lo:
                    pieces.append((lo, hi, -order, stage))
        if not pieces:
            return
        hours = item.hours
        if len(pieces) > 1:
            # Overlapping batches (a train leaving while the last one is still on its way):
            # each moment is booked once, to the batch that formed first.
            cuts = sorted({p for lo, hi, _, _ in pieces for p in (lo, hi)})
            for lo, hi in pairwise(cuts):
                covering = [piece for piece in pieces if piece[0] <= lo and hi <= piece[1]]
                if covering:
                    hours[SLOTS * min(covering, key=lambda piece: piece[2])[3] + BLOCKED] += hi - lo
            return
        lo, hi, _, stage = pieces[0]
        hours[SLOTS * stage + BLOCKED] += hi - lo

    def _approved(self, t: float, subject: int, data: dict[str, Any]) -> None:
        batch = self._batches.get(subject)
        if batch is not None:
            if batch.phases[-1][1] == REGRESSION:  # no event ended the cycle: end it here
                batch.phases.append((t, APPROVAL))
            batch.enter(t, WINDOW, APPROVAL)
        for item_id in self._waiting.get(subject, ()):
            item = self.items[item_id]
            if item.batch == subject and not item.live and item.stage == APPROVAL:
                self._move(item, t, WINDOW)

    def _deployed(self, t: float, subject: int, data: dict[str, Any]) -> None:
        items = data["items"]
        kind = data.get("kind") or ("hotfix" if data["hotfix"] else "release")
        if kind == "release":
            self.releases.append((t, len(items)))
        self._waiting.pop(subject, None)
        batch = self._batches.get(subject)
        if batch is not None and not batch.done:
            if batch.phases[-1][1] == WINDOW:  # an automated deploy: the wait was its own
                batch.phases[-1] = (batch.phases[-1][0], DEPLOY)
            self._done(batch, t)  # in production, or on its way there behind a canary
            for item_id in items:
                self._member.pop(item_id, None)
        for item_id in items:
            item = self.items.get(item_id)
            if item is None or item.live:
                continue
            if item.stage == WINDOW:
                # An automated deploy: no window, no ops queue — the wait since approval
                # was the deploy's (the lane's lock, the pipeline's minutes).
                item.stage = DEPLOY
                self.counts[WINDOW] -= 1
                self.counts[DEPLOY] += 1
            elif item.stage != DEPLOY:
                self._move(item, t, DEPLOY)
            item.batch = None

    def _delivered(self, t: float, subject: int, data: dict[str, Any]) -> None:
        batch = self._batches.get(data.get("batch", -1))
        if batch is not None:
            self._done(batch, t)  # after a canary's bake: the lane was busy until now
        item = self.items.get(subject)
        if item is None or item.live:
            return  # live already: redeployed after a rollback it did not cause
        self._move(item, t, ROLLED)
        self.counts[ROLLED] -= 1
        item.live = True
        item.delivered = t
        self.deliveries.append(Delivery(t, subject, tuple(item.hours)))

    def _returned(self, t: float, subject: int, data: dict[str, Any]) -> None:
        if not data.get("faulty", True):
            return  # taken back with a faulty neighbour: it had reached production
        batch_id = self._member.pop(subject, None)
        batch = None if batch_id is None else self._batches.get(batch_id)
        if batch is not None and not batch.done:
            batch.members -= 1
            batch.end = max(batch.end, t)
            if batch.members <= 0:  # every change taken out: the lane is free again
                self._done(batch, t)
        item = self.items.get(subject)
        if item is None:
            return
        if item.live:
            item.live = False
            item.delivered = None
            self.counts[ROLLED] += 1
        item.batch = None
        self._move(item, t, DEVELOPMENT)

    def _window(self, t: float, subject: int, data: dict[str, Any]) -> None:
        self.warmup_hours = float(data["warmup_hours"])
        self.until_hours = float(data["until_hours"])
