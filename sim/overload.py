"""Overload: the verdict the four keys cannot give.

The DORA four keys start at commit.  An organisation whose demand exceeds its capacity
builds a backlog of work waiting for people that grows without bound, while what it does
ship may still look elite: the wait happens before the clock starts.  The metrics flag
such a run (``overloaded``, see :mod:`sim.metrics.definitions`); this module turns that
flag into one verdict every report shares -- the CLI scorecard, the ``run --json``
document, the comparison table, the charts and the game -- so no report calls an
overloaded organisation "as expected".
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

OVERLOADED_AT = 0.5
"""Share of overloaded runs from which a result counts as overloaded: for one run the
flag itself (0 or 1), for replications the majority of the runs."""

EXPLANATION = "demand exceeds capacity; the four keys start at commit and cannot show it"
"""Why an overloaded run needs its own verdict, in one line for under a table."""


def overload_share(metrics: Mapping[str, Any]) -> float | None:
    """The ``overloaded`` metric: 0 or 1 for one run, the share of overloaded runs for a
    mean over replications; None when the run had no demand (or the key is missing)."""
    return as_number(metrics.get("overloaded"))


def is_overloaded(metrics: Mapping[str, Any]) -> bool:
    """Whether a result (one run, or a mean over replications) is overloaded.

    A mean counts when at least half the runs were overloaded, so a verdict never rests
    on a minority of unlucky futures.
    """
    share = overload_share(metrics)
    return share is not None and share >= OVERLOADED_AT


def backlog_growth(metrics: Mapping[str, Any]) -> float | None:
    """Backlog growth in items per week (None when unknown): the size of the overload."""
    return as_number(metrics.get("backlog_growth_per_week"))


def as_number(value: Any) -> float | None:
    """A metric value as a float; None for a missing, non-numeric, NaN or infinite value
    (a document read back from JSON or a mean over no runs), so callers need not care."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) or math.isinf(number) else number
