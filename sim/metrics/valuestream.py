"""Where the time goes: the value stream of customer lead time, stage by stage.

A player who adopts on-demand releases is promised smaller batches and may still see
deploys of hundreds of changes, because the regression cycle, the CAB and the deployment
window batch the work too.  This module shows *where* a change's lead time is spent: it
splits the **customer lead time** of every demand item delivered in a window (``arrived``
→ delivered, exactly the sample of ``customer_lead_time_hours_mean``; see
:mod:`sim.metrics.definitions`) into the stages of the road from idea to customer, each
split into **waiting** and **working**, and names the **constraint**: the stage where
changes wait longest.

Why customer lead time and not DORA's lead time for changes?  DORA's clock starts at the
commit, so it cannot see the backlog in front of the developers or a change that goes
round the rework loop; the customer waits for all of it.  Every stage after the commit is
part of both, so the stages from *integration and review* on are also where DORA's lead
time goes (for a change that passed its tests the first time).

**Working** is time a person actively worked on the change: the hours of its
``finished`` events (development, manual testing, the regression cycle, a manual deploy),
as in ``flow_efficiency``.  Everything else is **waiting** — in a queue, for a meeting, a
window, a train or a batch, for a hand-off, and also the minutes of automated tests and
automated deploys (machine time, which no event records as someone's work).

Stages, in value-stream order (``key``: what its hours contain):

``development``
    waiting: in the backlog for a developer, the hand-off back for rework, and time the
    developer was pulled off to an incident; working: writing the change (and its rework)
    up to its first commit.
``integration``
    from the first commit to the change's hand-over to testing: merging a long-lived
    branch (working), peer review and the automated suite (waiting).
``testing``
    manual testing of the single change by a tester: the hand-off to QA and the wait for a
    tester (waiting), the test itself (working).
``release``
    passed its checks (``ready``), waiting for its batch to leave (``batch_formed``): the
    next release train, or — on demand — the batch ahead of it to reach production.
``regression``
    the batch's manual regression cycle: provisioning a test environment and waiting for
    testers (waiting), the cycle itself (working; every change in the batch is tested).
``approval``
    after regression (or once the batch formed, without one) until ``approved``: the
    change advisory board's next meeting, or an emergency CAB.  Zero with peer review.
``window``
    after approval until the manual deploy is queued for an ops engineer: the maintenance
    window, a release freeze, or another deployment of the lane in progress.
``deploy``
    the deployment: waiting for an ops engineer and the manual deploy's hours (working),
    or an automated deploy's minutes and any deployment ahead of it; then until the change
    runs for all users (a canary's bake time, a rollback and redeploy of a canary caught
    with a faulty neighbour).
``rolled_back``
    a faulty change that had reached production and was taken back (rollback, flag-off):
    the time it was live before that.  Its rework travels the road again, in the stages
    above.

Fields of :class:`ValueStream` (all durations in hours; ``to_dict`` gives the JSON form):

* ``start``, ``end`` — the window: changes delivered at ``start <= t <= end``.
* ``changes`` — demand items counted (delivered in the window, still delivered).
* ``lead_time_hours`` — their mean customer lead time = the sum of every stage's
  ``waiting_hours + working_hours``.
* ``stages`` — one :class:`StageTime` per stage above, in that order: ``key``, ``name``,
  ``explanation``, ``waiting_hours`` and ``working_hours`` (means over the changes),
  ``share`` of the lead time (0–1), ``blocking_hours`` (the part of the release stage's
  waiting spent behind an earlier release batch of the same lane while that batch was in
  this stage) and ``constraint_hours`` (the waiting this stage is to blame for: its own
  waiting plus its blocking hours; for the release stage its waiting minus all blocking
  hours, the wait for the train itself).
* ``working_hours``, ``waiting_hours`` — their totals; ``flow_efficiency`` = working /
  lead time (a ratio of means; the metric ``flow_efficiency`` is a mean of per-change
  ratios, so the two differ a little).
* ``constraint`` — the key of the stage with the largest ``constraint_hours``: where
  changes wait longest, a wait behind a batch counted for the stage that batch is in.  On
  demand a lane has one release batch in flight, so a ready change waits for the batch
  ahead to clear regression, the CAB, the window and the deploy; that wait makes those
  stages the constraint, not "the release train".  ``None`` without changes or waiting.
  ``constraint_name`` says it in words ("the regression cycle"), ``constraint_hours`` is
  its mean, ``constraint_share`` its share of the lead time.
* ``deployments`` — release deployments in the window (``deployed`` of kind
  ``release``); ``batch_mean``, ``batch_median``, ``batch_max`` — changes per release
  (``batch_mean`` equals the metric ``mean_batch_size``); ``recent_batches`` — the sizes
  of the last :data:`RECENT` releases, oldest first.
* ``in_progress`` — demand changes in each stage at the fold's latest event (not at
  ``end``): the queues a player sees now; keys as ``stages``.

:class:`ValueStreamFold` is a streaming sink like
:class:`~sim.metrics.fold.MetricsFold`: the game, which keeps no full log, attaches it to
the recorder; :meth:`ValueStreamFold.from_events` builds one from a whole log, and
:func:`value_stream` summarises either for a window.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from itertools import pairwise
from typing import Any, NamedTuple

from sim.events import Event, Kind
from sim.metrics.fold import DEMAND, EventFold
from sim.metrics.stats import mean, median

STAGES: tuple[tuple[str, str, str, str], ...] = (
    (
        "development",
        "development",
        "the development backlog",
        "In the backlog for a developer (and back for rework), then writing the change.",
    ),
    (
        "integration",
        "integration and review",
        "integration and review",
        "From the commit: merging the branch, peer review, the automated tests.",
    ),
    (
        "testing",
        "manual testing",
        "manual testing (the hand-off to QA)",
        "Hand-off to QA, waiting for a tester, then testing the single change.",
    ),
    (
        "release",
        "waiting for a release",
        "the release train (waiting for the batch to leave)",
        "Ready, waiting for the next release train, or on demand for the batch ahead.",
    ),
    (
        "regression",
        "regression cycle",
        "the regression cycle",
        "Waiting for a test environment and testers, then regression-testing the batch.",
    ),
    (
        "approval",
        "change approval (CAB)",
        "change approval (CAB)",
        "Waiting for the change advisory board to meet and approve the batch.",
    ),
    (
        "window",
        "deployment window",
        "the deployment window",
        "Approved, waiting for the maintenance window (or a freeze, a deploy ahead).",
    ),
    (
        "deploy",
        "deployment",
        "the deployment",
        "Waiting for an ops engineer, deploying, a canary's bake until all users have it.",
    ),
    (
        "rolled_back",
        "live, then rolled back",
        "failed changes taken back from production",
        "A faulty change's time in production before a rollback took it back for rework.",
    ),
)
"""Every stage: ``(key, name, constraint name, one-line explanation)``, in value-stream
order.  The constraint name is the stage as a sentence names it ("the constraint is the
regression cycle")."""

STAGE_KEYS: tuple[str, ...] = tuple(stage[0] for stage in STAGES)
"""Stage keys in value-stream order."""

RECENT = 5
"""How many of the latest release sizes :attr:`ValueStream.recent_batches` lists."""

_INDEX = {key: index for index, key in enumerate(STAGE_KEYS)}
_N = len(STAGE_KEYS)
DEVELOPMENT, INTEGRATION, TESTING, RELEASE, REGRESSION, APPROVAL, WINDOW, DEPLOY, ROLLED = range(_N)
_WAIT, _WORK, _BLOCKED = 0, 1, 2
_W = 3
"""Per stage an item keeps waiting, working and blocking hours: ``hours[_W * stage + …]``."""

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


class _Item:
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
        self.hours = [0.0] * (_W * _N)
        """Hours so far, per stage waiting, working and blocking (the part of its wait for
        a release spent behind a batch in that stage): ``hours[_W * stage + _WAIT | _WORK |
        _BLOCKED]``."""
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


class _Batch:
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


class ValueStreamFold(EventFold):
    """A sink that walks every demand item through the value-stream stages.

    Call it with every event in time order (``fold(event)``), give it to the recorder as a
    fold (its :attr:`handlers`), or build one from a whole log with :meth:`from_events`.
    Only demand items are followed (27 floats each); release batches are followed too, to
    tell what a change waiting for a release is waiting behind.
    """

    def __init__(self) -> None:
        self.items: dict[int, _Item] = {}
        """Demand items by id."""
        self.deliveries: list[Delivery] = []
        """Every new delivery of a demand item, in time order, with its stage hours."""
        self.releases: list[tuple[float, int]] = []
        """Release deployments ``(t, changes)`` in time order."""
        self.counts = [0] * _N
        """Demand items in each stage now (not delivered)."""
        self.last_t = 0.0
        """Time of the latest event seen (hours)."""
        self.warmup_hours: float | None = None
        self.until_hours: float | None = None
        self._batches: dict[int, _Batch] = {}
        """Release batches by id."""
        self._waiting: dict[int, list[int]] = {}
        """Demand items of each batch (of any kind) not deployed yet."""
        self._lanes: dict[int, list[_Batch]] = {}
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

    def _move(self, item: _Item, t: float, stage: int) -> None:
        """Book the time since ``item.since`` to its stage, as waiting; enter ``stage``."""
        item.hours[_W * item.stage] += t - item.since
        self.counts[item.stage] -= 1
        self.counts[stage] += 1
        item.stage, item.since = stage, t

    def _batch_of(self, subject: int) -> _Batch | None:
        """The release batch a change is in, if it is in one that is not done."""
        batch = self._member.get(subject)
        return None if batch is None else self._batches.get(batch)

    def _done(self, batch: _Batch, t: float) -> None:
        """The batch holds its lane no longer after ``t``."""
        batch.done = True
        batch.end = max(batch.end, t)
        life = batch.end - batch.formed
        if life > self._longest.get(batch.lane, 0.0):
            self._longest[batch.lane] = life

    def _arrived(self, t: float, subject: int, data: dict[str, Any]) -> None:
        if data["origin"] == DEMAND and subject not in self.items:
            self.items[subject] = _Item(t)
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
            hours[_W * DEVELOPMENT] += develop - develop_work
            hours[_W * DEVELOPMENT + _WORK] += develop_work
            hours[_W * INTEGRATION] += merge - merge_work
            hours[_W * INTEGRATION + _WORK] += merge_work
            self.counts[item.stage] -= 1
            self.counts[INTEGRATION] += 1
            item.stage, item.since = INTEGRATION, t
            item.started = item.committed = None
            return
        if item.stage == stage:
            span = t - item.since
            work = min(active, span)
            hours[_W * stage] += span - work
            hours[_W * stage + _WORK] += work
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
            batch = self._batches[subject] = _Batch(t, lane, len(ids))
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

    def _blocked(self, item: _Item, lane: int, ready: float, now: float) -> None:
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
                    hours[_W * min(covering, key=lambda piece: piece[2])[3] + _BLOCKED] += hi - lo
            return
        lo, hi, _, stage = pieces[0]
        hours[_W * stage + _BLOCKED] += hi - lo

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


@dataclass(frozen=True)
class StageTime:
    """Mean hours one counted change spent in a stage (hours, means over the changes)."""

    key: str
    """Stage key (see :data:`STAGES`)."""
    name: str
    """The stage as a player reads it."""
    explanation: str
    """One line on what its hours contain."""
    waiting_hours: float
    """Mean hours waiting in this stage."""
    working_hours: float
    """Mean hours someone worked on the change in this stage."""
    share: float | None
    """(waiting + working) / mean lead time, 0–1; ``None`` without changes."""
    blocking_hours: float
    """Mean hours of the *release* stage's waiting spent behind an earlier batch of the
    same lane while that batch was in this stage (0 for stages before the release)."""
    constraint_hours: float
    """Mean hours of waiting this stage is to blame for: its own waiting plus its
    ``blocking_hours``; for the release stage, its waiting minus every stage's blocking
    hours (the wait for the train itself).  The largest one is the constraint."""

    @property
    def hours(self) -> float:
        """Waiting plus working hours."""
        return self.waiting_hours + self.working_hours


@dataclass(frozen=True)
class ValueStream:
    """Where the lead time of the changes delivered in ``[start, end]`` went (hours).

    Every field is described in the module docstring.
    """

    start: float
    end: float
    changes: int
    lead_time_hours: float | None
    stages: tuple[StageTime, ...]
    waiting_hours: float | None
    working_hours: float | None
    flow_efficiency: float | None
    constraint: str | None
    constraint_name: str | None
    constraint_hours: float | None
    constraint_share: float | None
    deployments: int
    batch_mean: float | None
    batch_median: float | None
    batch_max: int | None
    recent_batches: tuple[int, ...]
    in_progress: dict[str, int]

    def stage(self, key: str) -> StageTime:
        """The stage called ``key``."""
        return self.stages[_INDEX[key]]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form (stages as a list of dicts, in value-stream order)."""
        document = asdict(self)
        document["stages"] = [asdict(stage) for stage in self.stages]
        document["recent_batches"] = list(self.recent_batches)
        return document


def value_stream(
    source: ValueStreamFold | Iterable[Event],
    start: float | None = None,
    end: float | None = None,
) -> ValueStream:
    """The value stream of the demand changes delivered in ``[start, end]`` (hours).

    ``source`` is a :class:`ValueStreamFold` or an event log.  Without ``start`` /
    ``end`` the log's measurement window is used (its ``window`` event), else
    ``[0, last event]``.  A change counts if its delivery (the first ``delivered`` since
    it was last taken back as faulty) lies in the window and it is still delivered: the
    sample of ``customer_lead_time_hours_mean``, whose value is ``lead_time_hours``.
    """
    fold = source if isinstance(source, ValueStreamFold) else ValueStreamFold.from_events(source)
    if start is None:
        start = fold.warmup_hours if fold.warmup_hours is not None else 0.0
    if end is None:
        end = fold.until_hours if fold.until_hours is not None else fold.last_t
    totals = [0.0] * (_W * _N)
    changes = 0
    for delivery in fold.deliveries:
        if not start <= delivery.t <= end:
            continue
        if fold.items[delivery.item].delivered != delivery.t:
            continue  # taken back later, or delivered again: its last delivery counts
        changes += 1
        for index, value in enumerate(delivery.hours):
            totals[index] += value
    means = [value / max(changes, 1) for value in totals]
    waits = means[_WAIT::_W]
    works = means[_WORK::_W]
    blocks = means[_BLOCKED::_W]
    lead = sum(waits) + sum(works) if changes else None
    blame = [wait + block for wait, block in zip(waits, blocks, strict=True)]
    blame[RELEASE] = max(0.0, waits[RELEASE] - sum(blocks))
    stages = tuple(
        StageTime(
            key=key,
            name=name,
            explanation=explanation,
            waiting_hours=waits[index],
            working_hours=works[index],
            share=(waits[index] + works[index]) / lead if lead else None,
            blocking_hours=blocks[index],
            constraint_hours=blame[index],
        )
        for index, (key, name, _, explanation) in enumerate(STAGES)
    )
    worst = max(range(_N), key=blame.__getitem__)
    found = changes > 0 and blame[worst] > 0
    sizes = [size for t, size in fold.releases if start <= t <= end]
    return ValueStream(
        start=start,
        end=end,
        changes=changes,
        lead_time_hours=lead,
        stages=stages,
        waiting_hours=sum(waits) if changes else None,
        working_hours=sum(works) if changes else None,
        flow_efficiency=sum(works) / lead if lead else None,
        constraint=STAGE_KEYS[worst] if found else None,
        constraint_name=STAGES[worst][2] if found else None,
        constraint_hours=blame[worst] if found else None,
        constraint_share=blame[worst] / lead if found and lead else None,
        deployments=len(sizes),
        batch_mean=mean(sizes),
        batch_median=median(sizes),
        batch_max=max(sizes) if sizes else None,
        recent_batches=tuple(sizes[-RECENT:]),
        in_progress=dict(zip(STAGE_KEYS, fold.counts, strict=True)),
    )
