"""Metrics of a run: fold the event log, summarise a window, score DORA tiers.

* :class:`MetricsFold` — a sink that keeps compact records instead of the raw log.
* :func:`compute_metrics` — the flat metrics dict (keys documented in :data:`METRICS`).
* :func:`tier_of` — DORA tiers of those metrics under an edition in :data:`EDITIONS`.
"""

from sim.metrics.definitions import METRICS, MetricDef
from sim.metrics.fold import MetricsFold
from sim.metrics.summary import MetricValue, compute_metrics
from sim.metrics.tiers import EDITIONS, TIER_RANK, Edition, Scale, tier_of

__all__ = [
    "EDITIONS",
    "METRICS",
    "TIER_RANK",
    "Edition",
    "MetricDef",
    "MetricValue",
    "MetricsFold",
    "Scale",
    "compute_metrics",
    "tier_of",
]
