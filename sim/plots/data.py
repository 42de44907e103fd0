"""Pure data preparation for the charts: functions of the event log, no plotting.

Every function here takes the full event log (a sequence of :class:`sim.events.Event`)
and returns plain numbers in **hours** (the log's unit); the drawing modules convert to
days.  Only demand items (``origin == "demand"`` in their ``arrived`` event) are counted
as flow; improvement, security and hotfix items are ignored.

A demand item is in exactly one state at any time (:data:`STATES`):

* ``backlog`` — arrived, development not started;
* ``development`` — a ``started`` event with stage ``development``, or ``returned``
  (a regression or rollback sends it back) — until the next ``committed``;
* ``testing`` — ``committed`` (development done), not yet ``ready``;
* ``waiting`` — ``ready`` (passed per-item checks), waiting for a release;
* ``delivered`` — ``delivered`` (running in production for all users).  A later
  ``returned`` (rollback) takes it back to ``development``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from ..events import Event, Kind
from ..metrics.fold import MetricsFold
from ..metrics.summary import impact_integrals
from ..units import HOURS_PER_WEEK

DEMAND = "demand"

STATES: tuple[str, ...] = ("backlog", "development", "testing", "waiting", "delivered")
"""Flow states of a demand item, in the order work moves through them."""

OPEN_STATES: tuple[str, ...] = STATES[:-1]
"""States of items not yet delivered (work in progress, including the backlog)."""

STATE_LABELS: dict[str, str] = {
    "backlog": "Arrived / backlog",
    "development": "In development",
    "testing": "Testing & review",
    "waiting": "Waiting for release",
    "delivered": "Delivered",
}

_NEXT_STATE: dict[str, str] = {
    "committed": "testing",
    "ready": "waiting",
    "delivered": "delivered",
    "returned": "development",
}


class Transition(NamedTuple):
    """A demand item moved from ``old`` (``None`` when it arrived) to ``new`` at ``t``."""

    t: float
    item: int
    old: str | None
    new: str


class Delivery(NamedTuple):
    """A demand item in production: arrival and (last) delivery time, hours."""

    item: int
    arrived: float
    delivered: float

    @property
    def lead(self) -> float:
        """Customer lead time (arrival → delivery), hours."""
        return self.delivered - self.arrived


@dataclass
class Incident:
    """One incident as the timeline shows it (times in hours; ``None`` if not yet)."""

    number: int
    cause: str
    severity: object
    share: float
    opened: float
    change: bool
    detected: float | None = None
    restored: float | None = None
    impact: list[tuple[float, float]] = field(default_factory=list)
    """``(t, share of users affected from t on)``; restored appends ``(t, 0.0)``."""


def _ordered(log: Iterable[Event]) -> list[Event]:
    """The log in time order (stable: events at equal times keep their order)."""
    return sorted(log, key=lambda event: event.t)


def window(log: Iterable[Event]) -> tuple[float, float | None]:
    """``(warmup_hours, until_hours)`` from the ``window`` event; ``(0, None)`` without."""
    for event in log:
        if event.kind == "window":
            return float(event.data["warmup_hours"]), float(event.data["until_hours"])
    return 0.0, None


def log_end(log: Sequence[Event]) -> float:
    """End of the run, hours: the window's ``until_hours``, else the last event's time."""
    until = window(log)[1]
    last = max((event.t for event in log), default=0.0)
    return max(until, last) if until is not None else last


def transitions(log: Iterable[Event]) -> list[Transition]:
    """Every state change of every demand item, in time order."""
    state: dict[int, str] = {}
    out: list[Transition] = []
    for event in _ordered(log):
        kind = event.kind
        item = event.subject
        if kind == "arrived":
            if event.data.get("origin") == DEMAND:
                state[item] = "backlog"
                out.append(Transition(event.t, item, None, "backlog"))
            continue
        old = state.get(item)
        if old is None:
            continue
        if kind == "started":
            new = "development" if event.data.get("stage") == "development" else None
        elif kind == "returned" and not event.data.get("faulty", True):
            new = None  # rolled back with a faulty neighbour: it had reached production
        else:
            new = _NEXT_STATE.get(kind)
        if new is not None and new != old:
            state[item] = new
            out.append(Transition(event.t, item, old, new))
    return out


class Flow:
    """The demand items' flow through :data:`STATES` in one log, taken from it once.

    Several charts (and :class:`~sim.plots.series.VariantSeries`) read the same log's
    transitions; each module-level function below takes a log and builds one of these,
    and a caller reading several series of one log builds it once and asks it.
    """

    def __init__(self, log: Sequence[Event]) -> None:
        self.transitions = transitions(log)
        self.warmup, self.until = window(log)
        self.end = log_end(log)
        """End of the run, hours (:func:`log_end`)."""

    def cfd_counts(self, times: Iterable[float]) -> dict[str, list[int]]:
        """See :func:`cfd_counts`."""
        trans = self.transitions
        index = {state: i for i, state in enumerate(STATES)}
        deltas = np.zeros((len(trans) + 1, len(STATES)), dtype=np.int64)
        for row, tr in enumerate(trans, start=1):
            if tr.old is not None:
                deltas[row, index[tr.old]] -= 1
            deltas[row, index[tr.new]] += 1
        levels = np.cumsum(deltas, axis=0)
        stamps = np.array([tr.t for tr in trans], dtype=float)
        at = np.searchsorted(stamps, np.asarray(list(times), dtype=float), side="right")
        counts = levels[at]
        return {state: counts[:, i].tolist() for i, state in enumerate(STATES)}

    def cfd_times(self) -> list[float]:
        """See :func:`cfd_times`."""
        return sorted({0.0, self.end, *(tr.t for tr in self.transitions)})

    def cumulative_delivered(self) -> tuple[list[float], list[int]]:
        """See :func:`cumulative_delivered`."""
        times = [0.0]
        counts = [0]
        level = 0
        for tr in self.transitions:
            step = (tr.new == "delivered") - (tr.old == "delivered")
            if step:
                level += step
                times.append(tr.t)
                counts.append(level)
        if self.end > times[-1]:
            times.append(self.end)
            counts.append(level)
        return times, counts

    def deliveries(self) -> list[Delivery]:
        """See :func:`deliveries`."""
        arrived: dict[int, float] = {}
        delivered: dict[int, float] = {}
        for tr in self.transitions:
            if tr.old is None:
                arrived[tr.item] = tr.t
            if tr.new == "delivered":
                delivered[tr.item] = tr.t
            elif tr.old == "delivered":
                del delivered[tr.item]
        found = [Delivery(item, arrived[item], t) for item, t in delivered.items()]
        return sorted(found, key=lambda d: (d.delivered, d.item))

    def lead_times(self, start: float | None = None, end: float | None = None) -> list[float]:
        """See :func:`lead_times`."""
        lo = -np.inf if start is None else start
        hi = np.inf if end is None else end
        return [d.lead for d in self.deliveries() if lo <= d.delivered <= hi]

    def measured_lead_times(self) -> list[float]:
        """See :func:`measured_lead_times`."""
        return self.lead_times(self.warmup, self.until)

    def weekly_throughput(self, end: float | None = None) -> list[int]:
        """See :func:`weekly_throughput`."""
        end = self.end if end is None else end
        if end <= 0:
            return []
        weeks = max(1, int(end // HOURS_PER_WEEK))
        counts = [0] * weeks
        for d in self.deliveries():
            week = int(d.delivered // HOURS_PER_WEEK)
            if week < weeks:
                counts[week] += 1
        return counts

    def aging_wip(self, at: float | None = None) -> dict[str, list[float]]:
        """See :func:`aging_wip`."""
        at = self.end if at is None else at
        arrived: dict[int, float] = {}
        state: dict[int, str] = {}
        for tr in self.transitions:
            if tr.t > at:
                break
            if tr.old is None:
                arrived[tr.item] = tr.t
            state[tr.item] = tr.new
        ages: dict[str, list[float]] = {s: [] for s in OPEN_STATES}
        for item, current in state.items():
            if current != "delivered":
                ages[current].append(at - arrived[item])
        return ages


def cfd_counts(log: Sequence[Event], times: Iterable[float]) -> dict[str, list[int]]:
    """Demand items in each state at each of ``times`` (hours), after that time's events.

    The counts of the states at one time always add up to the demand items arrived by
    then (conservation).
    """
    return Flow(log).cfd_counts(times)


def cfd_times(log: Sequence[Event]) -> list[float]:
    """Times (hours) at which the CFD changes, plus 0 and the end of the run."""
    return Flow(log).cfd_times()


def cumulative_delivered(log: Sequence[Event]) -> tuple[list[float], list[int]]:
    """Step series ``(times, delivered demand items after that time)``, from t = 0 to the end.

    A rollback after delivery takes one off again, as in the CFD.
    """
    return Flow(log).cumulative_delivered()


def deliveries(log: Sequence[Event]) -> list[Delivery]:
    """Demand items in production at the end of the log, by (last) delivery time."""
    return Flow(log).deliveries()


def lead_times(
    log: Sequence[Event], start: float | None = None, end: float | None = None
) -> list[float]:
    """Customer lead times (hours) of items delivered in ``[start, end]`` (default: all)."""
    return Flow(log).lead_times(start, end)


def measured_lead_times(log: Sequence[Event]) -> list[float]:
    """Customer lead times (hours) of items delivered in the measurement window."""
    return Flow(log).measured_lead_times()


def percentiles(values: Sequence[float], qs: Iterable[float]) -> dict[float, float | None]:
    """``q``-th percentiles (linear interpolation, as the metrics); ``None`` if empty."""
    qs = list(qs)
    if not values:
        return dict.fromkeys(qs)
    return {q: float(np.percentile(values, q)) for q in qs}


def weekly_throughput(log: Sequence[Event], end: float | None = None) -> list[int]:
    """Demand items delivered in each complete week ``[k·168, (k+1)·168)`` h of the run.

    A trailing partial week is left out (it would look like a drop); a run shorter than a
    week gets its one partial week.  An item counts in the week of its last delivery.
    """
    return Flow(log).weekly_throughput(end)


def aging_wip(log: Sequence[Event], at: float | None = None) -> dict[str, list[float]]:
    """Ages (hours since arrival, at time ``at``) of undelivered demand items, by state."""
    return Flow(log).aging_wip(at)


def incidents(log: Iterable[Event]) -> list[Incident]:
    """Incidents in order of opening, with detection, restore and impact changes."""
    found: dict[int, Incident] = {}
    for event in _ordered(log):
        kind = event.kind
        if kind == "incident_opened":
            share = float(event.data.get("users", event.data.get("share", 0.0)))
            found[event.subject] = Incident(
                number=event.subject,
                cause=str(event.data.get("cause")),
                severity=event.data.get("severity"),
                share=share,
                opened=event.t,
                change=bool(event.data.get("change", False)),
                impact=[(event.t, share)],
            )
            continue
        incident = found.get(event.subject)
        if incident is None:
            continue
        if kind == "incident_detected" and incident.detected is None:
            incident.detected = event.t
        elif kind == "incident_restored":
            if incident.restored is None:
                incident.restored = event.t
            incident.impact.append((event.t, 0.0))
        elif kind == "impact_changed":
            share = event.data.get("users", event.data.get("share", 0.0))
            incident.impact.append((event.t, float(share)))
    return sorted(found.values(), key=lambda i: (i.opened, i.number))


_INCIDENT_KINDS = frozenset((Kind.INCIDENT_OPENED, Kind.INCIDENT_DETECTED, Kind.DIAGNOSIS_STARTED,
                             Kind.INCIDENT_RESTORED, Kind.IMPACT_CHANGED))  # fmt: skip
"""The kinds an incident's record is folded from (:class:`MetricsFold`): the rest of a log
is skipped, so a chart of a year's log does not fold every item's events."""


def impact_curve(log: Sequence[Event], times: Iterable[float]) -> list[float]:
    """Cumulative user impact (share-weighted hours since t = 0) at each of ``times``.

    Computed by the ``user_impact_hours`` metric's own code (shares of all users, capped
    per service and in total), so the chart and the metric cannot disagree; one hour with
    25 % of users affected adds 0.25.
    """
    records = list(MetricsFold.from_events(e for e in log if e.kind in _INCIDENT_KINDS)
                   .incidents.values())  # fmt: skip
    points = [float(t) for t in times]
    order = sorted(range(len(points)), key=points.__getitem__)  # any order of times
    values = impact_integrals(records, 0.0, [points[i] for i in order])
    curve = [0.0] * len(points)
    for rank, index in enumerate(order):
        curve[index] = values[rank]
    return curve
