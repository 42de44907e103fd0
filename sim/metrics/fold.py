"""Fold the event log into compact records as it is produced, so sweeps need no raw log.

:class:`MetricsFold` is a :data:`sim.events.Sink`: the runner attaches it to the
:class:`~sim.events.Recorder` and it sees every event once, in time order.  It keeps one
small record per work item, deployment and incident, plus a few step-function breakpoints
(work in progress).  :func:`sim.metrics.summary.compute_metrics` turns those records into
the flat metrics dict for any measurement window, so nothing here depends on the window.

All times are hours since the start of the run (t = 0 is Monday 00:00), like the log.

Contract choices where the event table leaves room (see :mod:`sim.events`):

* An item's *delivered* time is its first ``delivered`` event since it was last taken
  back as faulty.  A ``returned`` event with ``faulty`` true (or without ``faulty``) after
  delivery makes the item undelivered again until the next ``delivered``; while
  undelivered a demand item counts as work in progress again.  A ``returned`` event with
  ``faulty`` false (rolled back together with a faulty change) changes nothing: the item
  had reached production, and its redeployment's ``delivered`` is not a new delivery.
* *Committed* is the **first** ``committed`` event (later ones are rework commits).
  DORA's lead time runs from the commit that reached production: the latest
  ``committed`` before the item's first ``delivered`` (a change caught by a test or a
  canary ships as its rework commit).
* A queue wait is ``started.t - queued.t`` for the same item and ``stage``; a ``started``
  with no pending ``queued`` records no wait.
* Events about subjects that never ``arrived`` / were never ``incident_opened`` still
  update a record (created on first sight) rather than raising: a fold must not stop a run.
* Without a ``window`` event the window is unknown (``None``); the summary then uses
  ``[0, last event time]``.
* A ``deployed`` event without ``kind`` is a ``"hotfix"`` if its ``hotfix`` flag says so,
  else a ``"release"``; without ``lane`` it is lane 0.  Without a ``services`` event the
  organisation has one service.
* An incident's impact is ``users`` (share of *all* users) when the payload has it, else
  ``share``; it hits service ``service`` (0 if absent).
* The *backlog* is work waiting for a person: an item ``queued`` at a people stage
  (:data:`PEOPLE_STAGES`) and not yet ``started`` there.  It is read from the completed
  queue waits and the pending queue entries when a metric needs it (:meth:`backlog_at`),
  so it costs the fold nothing per event.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from operator import itemgetter
from typing import Any, NamedTuple, Self

from sim.events import Event, Kind

_new = tuple.__new__
_time = itemgetter(0)

DEMAND = "demand"
"""The ``origin`` of customer demand (the items customer lead time and WIP are about)."""

PEOPLE_STAGES = frozenset({"development", "manual_test"})
"""Stages where one change waits for one person: the queues that grow without bound when
an organisation has too few people for its demand."""


class ItemRecord:
    """What the metrics need to know about one work item.  Times in hours, ``None`` = never."""

    __slots__ = (
        "active_hours",
        "arrived",
        "committed",
        "delivered",
        "first_delivered",
        "kind",
        "lead_start",
        "origin",
    )

    def __init__(
        self, arrived: float | None = None, origin: str | None = None, kind: str | None = None
    ) -> None:
        self.arrived = arrived
        """Time of the ``arrived`` event."""
        self.origin = origin
        """``"demand"``, ``"hotfix"``, ``"improvement"`` or ``"security"``."""
        self.kind = kind
        """Item kind as given at arrival (e.g. feature, bugfix)."""
        self.committed: float | None = None
        """First ``committed`` time: DORA's start of lead time for changes."""
        self.delivered: float | None = None
        """Delivery time (see the module notes), or ``None`` while not (or no longer) in
        production: the end of customer lead time."""
        self.first_delivered: float | None = None
        """First ``delivered`` time: a commit reached production (DORA's lead time ends),
        whatever happened to it afterwards."""
        self.lead_start: float | None = None
        """The latest ``committed`` time (first or rework), frozen at the first delivery:
        the commit that reached production, where DORA's lead time starts."""
        self.active_hours = 0.0
        """Sum of ``finished`` hours: time someone actively worked on it (flow efficiency)."""

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"ItemRecord({fields})"


class QueueWait(NamedTuple):
    """One wait in a stage queue: work ``started`` at ``t`` after waiting ``hours``."""

    t: float
    hours: float


class DeploymentRecord(NamedTuple):
    """One production deployment (``deployed`` event)."""

    t: float
    """Deployment time, hours."""
    items: int
    """Number of work items in the batch."""
    failed: bool
    """It degraded service or needed remediation (counts towards change failure rate)."""
    hotfix: bool
    """An unplanned fix for a production incident."""
    cause: Any
    """The model's failure cause (``None`` or a label), kept for breakdowns."""
    kind: str = "release"
    """``"release"`` (new work), ``"hotfix"`` (a fix-forward patch) or ``"redeploy"``
    (changes rolled back with a faulty one, deployed again): only releases count in the
    deployment frequency; the other two are remediation (rework rate)."""
    lane: int = 0
    """The release lane (service) deployed to."""


class IncidentRecord:
    """One incident's life: opened → detected → diagnosis → restored, and its impact."""

    __slots__ = (
        "cause",
        "change",
        "detected",
        "diagnosis_started",
        "impact",
        "opened",
        "restored",
        "service",
        "severity",
        "share",
        "weight",
    )

    def __init__(
        self,
        opened: float | None = None,
        cause: Any = None,
        change: bool = False,
        severity: Any = None,
        share: float = 0.0,
        service: int = 0,
        weight: float = 1.0,
    ) -> None:
        self.opened = opened
        """Time the failure started (``incident_opened``), hours."""
        self.cause = cause
        """What caused it (model label)."""
        self.change = change
        """Caused by a change (a failed deployment): counts for time to restore."""
        self.severity = severity
        """Severity as emitted (1–4, or a label such as ``"sev2"``)."""
        self.share = share
        """Share of *all* users affected when opened, 0–1."""
        self.service = service
        """The service (release lane) it hits; impact is capped per service."""
        self.weight = weight
        """The service's share of all users (1 / services when it opened): its cap."""
        self.detected: float | None = None
        """First ``incident_detected`` time."""
        self.diagnosis_started: float | None = None
        """First ``diagnosis_started`` time: someone is working on it (out-of-hours)."""
        self.restored: float | None = None
        """First ``incident_restored`` time."""
        self.impact: list[tuple[float, float]] = [] if opened is None else [(opened, share)]
        """``(t, share from t on)`` changes; restored appends ``(t, 0.0)``."""

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"IncidentRecord({fields})"


class EventFold:
    """A sink that dispatches each event to a handler by kind: the shape of every fold.

    Subclasses fill :attr:`handlers` (``kind -> handler(t, subject, data)``) in their
    ``__init__``; kinds without a handler cost one dict lookup.  Call the fold with every
    event in time order (``fold(event)``), or build one from a whole log with
    :meth:`from_events`.
    """

    handlers: dict[str, Callable[[float, int, dict[str, Any]], None]]
    last_t: float

    @classmethod
    def from_events(cls, events: Iterable[Event]) -> Self:
        """Fold a whole log (e.g. a :class:`~sim.events.ListSink`'s ``events``)."""
        fold = cls()
        for event in events:
            fold(event)
        return fold

    def __call__(self, event: Event) -> None:
        """Fold one event; kinds without a handler are skipped."""
        t, kind, subject, data = event
        self.last_t = t
        handler = self.handlers.get(kind)
        if handler is not None:
            handler(t, subject, data)


class MetricsFold(EventFold):
    """A sink that folds events into per-item, per-deployment and per-incident records.

    Call it with every event in time order (``fold(event)``), or build one from a whole
    log with :meth:`from_events`.  Dispatch is one dict lookup on ``event.kind``; kinds the
    metrics ignore cost only that lookup.
    """

    def __init__(self) -> None:
        self.items: dict[int, ItemRecord] = {}
        """Work items by id."""
        self.deployments: list[DeploymentRecord] = []
        """Production deployments in time order."""
        self.incidents: dict[int, IncidentRecord] = {}
        """Incidents by id."""
        self.queue_waits: dict[str, list[QueueWait]] = {}
        """Completed queue waits by stage name, in time order."""
        self.stages: set[str] = set()
        """Every stage named by a ``queued`` or ``started`` event."""
        self.wip_levels: list[tuple[float, int]] = []
        """Demand WIP after each step ``(t, level)``, in time order: windows bisect into it."""
        self._wip = 0
        self.services_levels: list[tuple[float, int]] = []
        """Services (release lanes) in use after each ``services`` event ``(t, count)``."""
        self.deliveries: list[tuple[float, int]] = []
        """Every new delivery ``(t, item)`` in time order (an item taken back as faulty
        repeats)."""
        self.demand_arrivals: list[float] = []
        """Arrival times of demand items, in time order."""
        self.weaknesses_live: list[float] = []
        """Times security weaknesses reached production."""
        self.weaknesses_exploited: list[float] = []
        """Times weaknesses were exploited."""
        self.warmup_hours: float | None = None
        """Start of the measurement window (``window`` event), hours."""
        self.until_hours: float | None = None
        """End of the measurement window (``window`` event), hours."""
        self.last_t = 0.0
        """Time of the latest event seen (any kind), hours: the fallback window end."""
        self._pending: dict[tuple[int, str], float] = {}
        """Queue entry times by (item, stage), until the matching ``started``."""
        self.handlers: dict[str, Callable[[float, int, dict[str, Any]], None]] = {
            Kind.ARRIVED: self._arrived,
            Kind.QUEUED: self._queued,
            Kind.STARTED: self._started,
            Kind.FINISHED: self._finished,
            Kind.COMMITTED: self._committed,
            Kind.DEPLOYED: self._deployed,
            Kind.DELIVERED: self._delivered,
            Kind.RETURNED: self._returned,
            Kind.INCIDENT_OPENED: self._incident_opened,
            Kind.INCIDENT_DETECTED: self._incident_detected,
            Kind.DIAGNOSIS_STARTED: self._diagnosis_started,
            Kind.INCIDENT_RESTORED: self._incident_restored,
            Kind.IMPACT_CHANGED: self._impact_changed,
            Kind.WEAKNESS_LIVE: self._weakness_live,
            Kind.WEAKNESS_EXPLOITED: self._weakness_exploited,
            Kind.WINDOW: self._window,
            Kind.SERVICES: self._services,
        }

    # -- work items --------------------------------------------------------------------

    def _wip_step(self, t: float, delta: int) -> None:
        """Demand WIP changes by ``delta`` at ``t``: arrival or return +1, delivery -1."""
        self._wip += delta
        self.wip_levels.append((t, self._wip))

    def _item(self, subject: int) -> ItemRecord:
        record = self.items.get(subject)
        if record is None:
            record = self.items[subject] = ItemRecord()
        return record

    def _arrived(self, t: float, subject: int, data: dict[str, Any]) -> None:
        origin = data["origin"]
        record = self.items.get(subject)
        if record is None:
            self.items[subject] = ItemRecord(t, origin, data["kind"])
        else:
            record.arrived, record.origin, record.kind = t, origin, data["kind"]
        if origin == DEMAND:
            self.demand_arrivals.append(t)
            self._wip_step(t, 1)

    def _queued(self, t: float, subject: int, data: dict[str, Any]) -> None:
        stage = data["stage"]
        self._pending[(subject, stage)] = t
        self.stages.add(stage)

    def _started(self, t: float, subject: int, data: dict[str, Any]) -> None:
        stage = data["stage"]
        queued = self._pending.pop((subject, stage), None)
        if queued is None:
            self.stages.add(stage)
            return
        waits = self.queue_waits.get(stage)
        if waits is None:
            waits = self.queue_waits[stage] = []
        waits.append(_new(QueueWait, (t, t - queued)))

    def _finished(self, t: float, subject: int, data: dict[str, Any]) -> None:
        record = self.items.get(subject)
        if record is None:
            record = self.items[subject] = ItemRecord()
        record.active_hours += data["hours"]

    def _committed(self, t: float, subject: int, data: dict[str, Any]) -> None:
        record = self._item(subject)
        if record.committed is None:
            record.committed = t
        if record.first_delivered is None:
            record.lead_start = t

    def _delivered(self, t: float, subject: int, data: dict[str, Any]) -> None:
        record = self._item(subject)
        if record.first_delivered is None:
            record.first_delivered = t  # also a new delivery: it is in ``deliveries``
        if record.delivered is not None:
            return  # live already: redeployed after a rollback it did not cause
        if record.origin == DEMAND:
            self._wip_step(t, -1)
        self.deliveries.append((t, subject))
        record.delivered = t

    def _returned(self, t: float, subject: int, data: dict[str, Any]) -> None:
        if not data.get("faulty", True):
            return  # taken back with a faulty neighbour: it had reached production
        record = self.items.get(subject)
        if record is not None and record.delivered is not None:
            record.delivered = None
            if record.origin == DEMAND:
                self._wip_step(t, 1)

    def backlog_at(self, t: float, *, after: bool = True) -> int:
        """Work waiting for a person just after ``t`` (or just before it).

        Counted from the completed waits at people stages whose span covers ``t`` and the
        queue entries still pending; a window opens with the level just before its start
        and closes with the level just after its end.  Linear in the waits that end after
        ``t``: cheap near the end of a run.
        """
        count = 0
        search = bisect_right if after else bisect_left
        for stage in PEOPLE_STAGES:
            waits = self.queue_waits.get(stage)
            if not waits:
                continue
            for started, hours in waits[search(waits, t, key=_time) :]:
                queued = started - hours
                if queued < t or (after and queued == t):
                    count += 1
        for (_, stage), queued in self._pending.items():
            if stage in PEOPLE_STAGES and (queued < t or (after and queued == t)):
                count += 1
        return count

    # -- deployments -------------------------------------------------------------------

    def _deployed(self, t: float, subject: int, data: dict[str, Any]) -> None:
        hotfix = bool(data["hotfix"])
        kind = data.get("kind") or ("hotfix" if hotfix else "release")
        record = (t, len(data["items"]), bool(data["failed"]), hotfix, data["cause"], kind,
                  data.get("lane", 0))  # fmt: skip
        self.deployments.append(_new(DeploymentRecord, record))

    # -- incidents ---------------------------------------------------------------------

    def _incident(self, subject: int) -> IncidentRecord:
        record = self.incidents.get(subject)
        if record is None:
            record = self.incidents[subject] = IncidentRecord()
        return record

    def _incident_opened(self, t: float, subject: int, data: dict[str, Any]) -> None:
        service_share = float(data["share"])
        share = float(data.get("users", service_share))
        weight = share / service_share if service_share > 0 else 1.0
        self.incidents[subject] = IncidentRecord(
            t,
            data["cause"],
            bool(data["change"]),
            data["severity"],
            share,
            int(data.get("service", 0)),
            weight,
        )

    def _incident_detected(self, t: float, subject: int, data: dict[str, Any]) -> None:
        record = self._incident(subject)
        if record.detected is None:
            record.detected = t

    def _diagnosis_started(self, t: float, subject: int, data: dict[str, Any]) -> None:
        record = self._incident(subject)
        if record.diagnosis_started is None:
            record.diagnosis_started = t

    def _incident_restored(self, t: float, subject: int, data: dict[str, Any]) -> None:
        record = self._incident(subject)
        if record.restored is None:
            record.restored = t
        record.impact.append((t, 0.0))

    def _impact_changed(self, t: float, subject: int, data: dict[str, Any]) -> None:
        self._incident(subject).impact.append((t, float(data.get("users", data["share"]))))

    # -- security and window -----------------------------------------------------------

    def _weakness_live(self, t: float, subject: int, data: dict[str, Any]) -> None:
        self.weaknesses_live.append(t)

    def _weakness_exploited(self, t: float, subject: int, data: dict[str, Any]) -> None:
        self.weaknesses_exploited.append(t)

    def _window(self, t: float, subject: int, data: dict[str, Any]) -> None:
        self.warmup_hours = float(data["warmup_hours"])
        self.until_hours = float(data["until_hours"])

    def _services(self, t: float, subject: int, data: dict[str, Any]) -> None:
        self.services_levels.append((t, int(data["services"])))
