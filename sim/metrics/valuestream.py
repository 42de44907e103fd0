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
:func:`value_stream` summarises either for a window.  The stages and the layout of a
change's hours are in :mod:`sim.metrics.valuestream_stages`, what the fold remembers per
change and per batch in :mod:`sim.metrics.valuestream_walks`, the fold itself in
:mod:`sim.metrics.valuestream_fold`; this module holds the summary.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from sim.events import Event
from sim.metrics.stats import mean, median
from sim.metrics.valuestream_fold import ValueStreamFold
from sim.metrics.valuestream_stages import (
    BLOCKED,
    RELEASE,
    SLOTS,
    STAGE_COUNT,
    STAGE_INDEX,
    STAGE_KEYS,
    STAGES,
    WAIT,
    WORK,
)
from sim.metrics.valuestream_walks import Delivery

RECENT = 5
"""How many of the latest release sizes :attr:`ValueStream.recent_batches` lists."""


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
        return self.stages[STAGE_INDEX[key]]

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
    totals = [0.0] * (SLOTS * STAGE_COUNT)
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
    waits = means[WAIT::SLOTS]
    works = means[WORK::SLOTS]
    blocks = means[BLOCKED::SLOTS]
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
    worst = max(range(STAGE_COUNT), key=blame.__getitem__)
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


__all__ = [
    "RECENT",
    "STAGES",
    "STAGE_KEYS",
    "Delivery",
    "StageTime",
    "ValueStream",
    "ValueStreamFold",
    "value_stream",
]
