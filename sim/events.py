"""The typed, append-only event log: the single source of truth of a run.

Every fact the model establishes is one :class:`Event`.  Metrics are functions of the
log (see :mod:`sim.metrics`), so a run can be re-analysed, replayed and compared without
re-running the model.  Processes only call :meth:`Recorder.emit`; they never format,
print or aggregate.  Which sinks receive the events is chosen by the runner, not by the
scenario: a :class:`ListSink` keeps the full log (TUI, reports, tests), a fold such as
:class:`sim.metrics.fold.MetricsFold` keeps only what the metrics need (sweeps).

Times are hours of simulated calendar time since the start of the run (t = 0 is a Monday
00:00).  ``subject`` is the id of the thing the event is about: a work item, a batch, an
incident, or -1 for organisation-wide events.

Event kinds and their ``data`` payload (all keys always present):

========================  =========  ==========================================================
kind                      subject    data
========================  =========  ==========================================================
``arrived``               item       ``{"kind", "effort_hours", "team", "origin"}``
``queued``                item       ``{"stage", "pool"}`` — joined the queue of a stage
``started``               item       ``{"stage", "pool"}`` — work began (a person took it)
``finished``              item       ``{"stage", "hours"}`` — active work done; hours = duration
``committed``             item       ``{"rework": bool}`` — development done (DORA commit time)
``test_failed``           item       ``{"test"}`` — a test found a latent defect or weakness
``ready``                 item       ``{}`` — passed per-item checks, waiting for a release
``batch_formed``          batch      ``{"items": [ids], "lane", "hotfix": bool}``
``approved``              batch      ``{"by": "cab"|"peer_review"|"emergency_cab"}``
``deployed``              batch      ``{"items", "failed": bool, "cause", "hotfix": bool,
                                      "canary": bool}`` — one production deployment
``delivered``             item       ``{"kind", "batch"}`` — running in production for all users
``returned``              item       ``{"reason", "faulty"}`` — taken out of a batch or out of
                                     production (rollback, flag-off, regression); ``faulty``
                                     false: rolled back with a faulty neighbour
``incident_opened``       incident   ``{"cause", "severity", "share", "batch", "change": bool}``
``incident_detected``     incident   ``{"by": "customer"|"threshold"|"observability"|"canary"}``
``diagnosis_started``     incident   ``{"pool"}``
``diagnosed``             incident   ``{}``
``incident_restored``     incident   ``{"method", "share"}``
``impact_changed``        incident   ``{"share"}`` — share of users affected from now on
``weakness_live``         item       ``{}`` — a security weakness reached production
``weakness_exploited``    item       ``{"incident"}``
``weakness_closed``       item       ``{"by"}``
``learning``              -1         ``{"level", "multiplier"}`` — an improvement took effect
``adoption``              -1         ``{"practice", "value", "effort_person_days", "ramp_days"}``
``command``               -1         ``{"command": {...}}`` — a live control, for replay
``window``                -1         ``{"warmup_hours", "until_hours"}`` — measurement window
``services``              -1         ``{"services"}`` — services (release lanes) in use from now
========================  =========  ==========================================================
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum
from typing import Any, NamedTuple, Protocol


class Kind(StrEnum):
    """What an :class:`Event` records.  Values are the strings written to JSONL."""

    ARRIVED = "arrived"
    QUEUED = "queued"
    STARTED = "started"
    FINISHED = "finished"
    COMMITTED = "committed"
    TEST_FAILED = "test_failed"
    READY = "ready"
    BATCH_FORMED = "batch_formed"
    APPROVED = "approved"
    DEPLOYED = "deployed"
    DELIVERED = "delivered"
    RETURNED = "returned"
    INCIDENT_OPENED = "incident_opened"
    INCIDENT_DETECTED = "incident_detected"
    DIAGNOSIS_STARTED = "diagnosis_started"
    DIAGNOSED = "diagnosed"
    INCIDENT_RESTORED = "incident_restored"
    IMPACT_CHANGED = "impact_changed"
    WEAKNESS_LIVE = "weakness_live"
    WEAKNESS_EXPLOITED = "weakness_exploited"
    WEAKNESS_CLOSED = "weakness_closed"
    LEARNING = "learning"
    ADOPTION = "adoption"
    COMMAND = "command"
    WINDOW = "window"
    SERVICES = "services"


class Event(NamedTuple):
    """One fact: at time ``t`` (hours), ``kind`` happened to ``subject``, with ``data``."""

    t: float
    kind: Kind
    subject: int
    data: dict[str, Any]


_new = tuple.__new__

Sink = Callable[[Event], None]
"""A sink receives every event in order.  It must not mutate the event or its payload:
payload dicts may be shared between events."""


class ListSink:
    """Keeps the full log in memory, for the TUI, reports, tests and replays."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def __call__(self, event: Event) -> None:
        self.events.append(event)


Handler = Callable[[float, int, dict[str, Any]], None]


class Fold(Protocol):
    """A sink that reads events by kind: ``handlers[kind](t, subject, data)``.

    The recorder calls a fold's handler directly, without building an :class:`Event`,
    which keeps the streaming path of sweeps cheap.  Kinds without a handler are skipped.
    """

    handlers: Mapping[str, Handler]


class Recorder:
    """The model's only output channel: appends to the log and feeds the runner's sinks.

    ``log`` (a list, or None for no log), ``folds`` (by-kind handlers) and plain ``sinks``
    (callables taking an :class:`Event`) are chosen by the runner, never by the model.
    :attr:`emit` is chosen once for that combination: the common ones (one fold, with or
    without the log; several folds without a log; no plain sink) run without building an
    :class:`Event` or testing per event, because ``emit`` runs about ten times for every
    change a model simulates.
    """

    __slots__ = ("_count", "_env", "_folds", "_log", "_sinks", "emit")

    def __init__(
        self,
        env: Any,
        sinks: Iterable[Sink] = (),
        *,
        log: list[Event] | None = None,
        folds: Iterable[Fold] = (),
    ) -> None:
        self._env = env
        self._sinks: tuple[Sink, ...] = tuple(sinks)
        self._log = log
        self._folds = tuple(fold.handlers for fold in folds)
        self._count = [0]
        self.emit: Callable[[Kind, int, dict[str, Any]], None] = self._choose()
        """Record ``kind`` for ``subject`` with ``data`` at the current simulated time."""

    @property
    def count(self) -> int:
        """Events recorded so far."""
        return self._count[0]

    def _choose(self) -> Callable[[Kind, int, dict[str, Any]], None]:
        env, log, count = self._env, self._log, self._count
        if self._sinks or not self._folds or (log is not None and len(self._folds) != 1):
            return self._emit_any
        if len(self._folds) > 1:  # the game: metrics, the board's tracker, the value stream
            gets = tuple(handlers.get for handlers in self._folds)

            def emit_folds(kind: Kind, subject: int, data: dict[str, Any]) -> None:
                count[0] += 1
                t = env._now
                for get_handler in gets:
                    handler = get_handler(kind)
                    if handler is not None:
                        handler(t, subject, data)

            return emit_folds
        get = self._folds[0].get
        if log is None:

            def emit_fold(kind: Kind, subject: int, data: dict[str, Any]) -> None:
                count[0] += 1
                handler = get(kind)
                if handler is not None:
                    handler(env._now, subject, data)  # SimPy's ``now``, without the property

            return emit_fold
        append = log.append

        def emit_log_fold(kind: Kind, subject: int, data: dict[str, Any]) -> None:
            count[0] += 1
            t = env._now
            append(_new(Event, (t, kind, subject, data)))
            handler = get(kind)
            if handler is not None:
                handler(t, subject, data)

        return emit_log_fold

    def _emit_any(self, kind: Kind, subject: int, data: dict[str, Any]) -> None:
        """Any combination of log, folds and plain sinks."""
        t = self._env._now
        self._count[0] += 1
        if self._log is not None:
            self._log.append(_new(Event, (t, kind, subject, data)))
        for handlers in self._folds:
            handler = handlers.get(kind)
            if handler is not None:
                handler(t, subject, data)
        if self._sinks:
            event = _new(Event, (t, kind, subject, data))
            for sink in self._sinks:
                sink(event)


def event_to_json(event: Event) -> str:
    """One JSONL line; floats keep full precision so a log hash is exact."""
    return json.dumps(
        {"t": event.t, "kind": event.kind.value, "subject": event.subject, "data": event.data},
        sort_keys=True,
        separators=(",", ":"),
    )


def log_hash(events: Iterable[Event]) -> str:
    """SHA-256 of the log's JSONL form: equal hashes mean identical runs."""
    digest = hashlib.sha256()
    for event in events:
        digest.update(event_to_json(event).encode())
        digest.update(b"\n")
    return digest.hexdigest()
