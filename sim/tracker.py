"""What the board follows of one simulation, as it runs: the feed and per-week series.

:class:`Tracker` is a fold of the game's events (one per simulation, the player's and the
ghost's): the incident and action feed (:class:`FeedEntry`), and per bucket (a week) the
lead times of delivered changes, incidents opened and restore times.  It only reads
events: every number of the game is what it would be without it.  Durations in the feed
are written as everywhere else (:func:`sim.formatting.format_hours`).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any

from .describe import describe_command, describe_structure
from .events import Kind
from .formatting import format_hours
from .metrics.fold import EventFold
from .model.commands import STRUCTURE_KEY, SetPractice
from .units import HOURS_PER_WEEK


@dataclass(frozen=True)
class FeedEntry:
    """One line of the incident and action feed."""

    t: float
    text: str
    severity: int | None
    kind: str


class Tracker(EventFold):
    """Folds one simulation's events into the feed and the per-bucket series the board draws.

    A fold (:class:`~sim.metrics.fold.EventFold`): the recorder hands it each event of the
    kinds it reads as it is emitted, so the board never rescans the log, and memory grows
    by a few numbers per delivery and incident only.
    """

    def __init__(self, start: float, bucket_hours: float = HOURS_PER_WEEK) -> None:
        self.start = start
        self.bucket_hours = bucket_hours
        self.feed: list[FeedEntry] = []
        self.delivered: list[list[float]] = []
        """Per bucket: DORA lead times (hours) of demand changes delivered in it."""
        self.incidents: list[int] = []
        self.restores: list[list[float]] = []
        self.delivered_total = 0
        self.reorganised: tuple[float, float] | None = None
        """(hours, learning days) of the last reorganisation, for its learning progress."""
        self._arrived: dict[int, str] = {}
        self._committed: dict[int, float] = {}
        self._batch_size: dict[int, int] = {}
        self._incident: dict[int, tuple[float, int, str, bool]] = {}
        self.last_t = 0.0
        self.handlers = {
            Kind.ARRIVED: self._arrived_item,
            Kind.COMMITTED: self._committed_item,
            Kind.DELIVERED: self._delivered,
            Kind.DEPLOYED: self._deployed,
            Kind.INCIDENT_OPENED: self._opened,
            Kind.INCIDENT_DETECTED: self._detected,
            Kind.INCIDENT_RESTORED: self._restored,
            Kind.ADOPTION: self._adoption,
            Kind.LEARNING: self._learning,
            Kind.WEAKNESS_EXPLOITED: self._exploited,
        }

    def _bucket(self, t: float) -> int:
        index = max(0, int((t - self.start) // self.bucket_hours))
        while len(self.incidents) <= index:
            self.delivered.append([])
            self.incidents.append(0)
            self.restores.append([])
        return index

    def _arrived_item(self, t: float, subject: int, data: dict[str, Any]) -> None:
        self._arrived[subject] = data["origin"]

    def _committed_item(self, t: float, subject: int, data: dict[str, Any]) -> None:
        self._committed.setdefault(subject, t)

    def _delivered(self, t: float, subject: int, data: dict[str, Any]) -> None:
        if self._arrived.pop(subject, None) == "demand":
            self.delivered_total += 1
            if t >= self.start:
                lead = t - self._committed.get(subject, t)
                self.delivered[self._bucket(t)].append(lead)
        self._committed.pop(subject, None)

    def _deployed(self, t: float, subject: int, data: dict[str, Any]) -> None:
        self._batch_size[subject] = len(data["items"])

    def _detected(self, t: float, subject: int, data: dict[str, Any]) -> None:
        opened = self._incident.get(subject)
        if opened and t >= self.start:
            after = format_hours(t - opened[0])
            self._add(t, f"  #{subject} detected by {data['by']} after {after}", opened[1],
                      "detected")  # fmt: skip

    def _restored(self, t: float, subject: int, data: dict[str, Any]) -> None:
        opened = self._incident.pop(subject, None)
        if opened and t >= self.start:
            method = str(data["method"]).replace("_", " ")
            self._add(t, f"  #{subject} restored by {method} after {format_hours(t - opened[0])}",
                      opened[1], "restored")  # fmt: skip
            if opened[3]:
                self.restores[self._bucket(t)].append(t - opened[0])

    def _adoption(self, t: float, subject: int, data: dict[str, Any]) -> None:
        if data["practice"] == STRUCTURE_KEY:
            self.reorganised = (t, float(data["ramp_days"]))
            if t >= self.start:
                what = describe_structure(data["value"])
                self._add(t, f"Reorganising into {what} — {data['effort_person_days']:g} "
                             f"person-days, people learn the new teams over "
                             f"{data['ramp_days']:g} days", None, "adoption")  # fmt: skip
        elif t >= self.start:
            what = describe_command(SetPractice(data["practice"], data["value"]))
            self._add(t, f"Adopting: {what} — {data['effort_person_days']:g} person-days, ramps in "
                         f"over {data['ramp_days']:g} days", None, "adoption")  # fmt: skip

    def _learning(self, t: float, subject: int, data: dict[str, Any]) -> None:
        if t >= self.start:
            self._add(t, f"Postmortem action delivered: failure risk x{data['multiplier']:.2f}",
                      None, "learning")  # fmt: skip

    def _exploited(self, t: float, subject: int, data: dict[str, Any]) -> None:
        if t >= self.start:
            self._add(t, "Security weakness exploited in production", 2, "security")

    def _opened(self, t: float, subject: int, data: dict[str, Any]) -> None:
        severity = int(data["severity"])
        cause = data["cause"]
        self._incident[subject] = (t, severity, cause, bool(data["change"]))
        if t < self.start:
            return
        self.incidents[self._bucket(t)] += 1
        share = f"{data['share']:.0%} of users"
        if data["change"]:
            size = self._batch_size.get(data["batch"], 1)
            what = {
                "defect": "an escaped defect",
                "deploy_error": "a botched deploy",
                "config": "environment drift",
            }.get(cause, cause)
            text = (f"Incident #{subject} sev{severity}: {what} in deploy {data['batch']} "
                    f"({size} change{'s' if size != 1 else ''}), {share}")  # fmt: skip
        else:
            what = {
                "background": "infrastructure failure (no change behind it)",
                "security": "security breach",
                "injected": "facilitator's incident",
            }.get(cause, cause)
            text = f"Incident #{subject} sev{severity}: {what}, {share}"
        self._add(t, text, severity, "incident")

    def _add(self, t: float, text: str, severity: int | None, kind: str) -> None:
        self.feed.append(FeedEntry(t, text, severity, kind))

    def series(self, prefix: str = "") -> dict[str, list[float | None]]:
        """Per-bucket throughput, median lead time, incidents and median restore time.

        A median of an empty bucket (nothing delivered or restored) is None, not zero.
        """
        return {
            f"{prefix}throughput": [float(len(b)) for b in self.delivered],
            f"{prefix}lead_time_hours": [_median(b) for b in self.delivered],
            f"{prefix}incidents": [float(n) for n in self.incidents],
            f"{prefix}time_to_restore_hours": [_median(b) for b in self.restores],
        }


def _median(values: list[float]) -> float | None:
    """The median of a bucket, or None for an empty one."""
    return statistics.median(values) if values else None
