"""What the comparison charts draw of one variant, taken from its log once.

A comparison chart overlays several variants (:mod:`sim.plots.compare`).  Each needs a
few series of one variant's run -- delivered items over time, measured lead times,
weekly throughput, the cumulative user impact of incidents -- which are functions of its
event log (:mod:`sim.plots.data`).  :class:`VariantSeries` holds them: taken from the log
once (not once per chart), and small, so a worker process that ran the simulation can
hand them over instead of a year's event log (the workshop debrief does).  All times
are hours, as in the log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..events import Event
from . import data

IMPACT_POINTS = 1000
"""Points of the cumulative-impact curve, evenly spaced from 0 to the end of the run."""


@dataclass(frozen=True)
class VariantSeries:
    """One variant of a comparison, as its charts draw it (hours throughout)."""

    label: str
    document: dict[str, Any]
    """The variant's ``run --json``-shaped document (metrics, tiers) for the scorecard."""
    warmup: float
    """The measurement window's start (end of warm-up), hours."""
    end: float
    """End of the run (:func:`sim.plots.data.log_end`), hours."""
    delivered: tuple[list[float], list[int]]
    """:func:`sim.plots.data.cumulative_delivered`: step times and counts."""
    lead_times: list[float]
    """:func:`sim.plots.data.measured_lead_times`: lead times in the window, hours."""
    weekly: list[int]
    """:func:`sim.plots.data.weekly_throughput`: items delivered per complete week."""
    incidents_opened: list[float]
    """When each incident opened, in order, hours."""
    impact_times: list[float]
    """The times of :attr:`impact`: :data:`IMPACT_POINTS` from 0 to :attr:`end`."""
    impact: list[float]
    """Cumulative user impact at each of :attr:`impact_times` (share-weighted hours)."""
    impact_at_opened: list[float]
    """Cumulative user impact at each of :attr:`incidents_opened`."""

    @classmethod
    def from_log(cls, label: str, log: Sequence[Event], document: dict[str, Any]) -> VariantSeries:
        """The series of one variant's event log (one replication)."""
        log = list(log)
        flow = data.Flow(log)
        end = flow.end
        opened = [incident.opened for incident in data.incidents(log)]
        times = np.linspace(0.0, end, IMPACT_POINTS).tolist() if end > 0 else [0.0]
        curve = data.impact_curve(log, [*times, *opened])
        return cls(
            label=label,
            document=document,
            warmup=flow.warmup,
            end=end,
            delivered=flow.cumulative_delivered(),
            lead_times=flow.measured_lead_times(),
            weekly=flow.weekly_throughput(),
            incidents_opened=opened,
            impact_times=times,
            impact=curve[: len(times)],
            impact_at_opened=curve[len(times) :],
        )
