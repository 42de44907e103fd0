"""Summary statistics for the metrics: empty-safe means, percentiles and step integrals.

Durations in a delivery system are right-skewed (a few items wait for weeks), so the
metrics report medians and the 85th percentile besides means.  Every helper returns
``None`` for an empty sample instead of raising or returning NaN, so a quiet run (no
deployments, no incidents) yields ``None`` metrics rather than exceptions.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from operator import attrgetter
from typing import Any

import numpy as np


def mean(values: Sequence[float]) -> float | None:
    """Arithmetic mean, or ``None`` if there are no values."""
    if not values:
        return None
    return float(np.mean(values))


def percentile(values: Sequence[float], q: float) -> float | None:
    """``q``-th percentile (0–100) with numpy's default linear interpolation, or ``None``."""
    if not values:
        return None
    return float(np.percentile(values, q))


def median(values: Sequence[float]) -> float | None:
    """Median (the 50th percentile, linear interpolation), or ``None`` if empty."""
    return percentile(values, 50.0)


def ratio(numerator: float, denominator: float) -> float | None:
    """``numerator / denominator``, or ``None`` when the denominator is not positive."""
    if denominator <= 0:
        return None
    return numerator / denominator


def _first(step: tuple[float, int]) -> float:
    return step[0]


def in_window(records: Sequence[Any], start: float, end: float, key: Any = None) -> Sequence[Any]:
    """The records with ``start <= time <= end`` of a list kept in time order.

    The time is ``record.t`` unless ``key`` says otherwise.  Two binary searches instead of
    a scan: a long game's metrics look at a short window.
    """
    key = key or _time
    lo = bisect_left(records, start, key=key)
    hi = bisect_right(records, end, key=key)
    return records[lo:hi]


_time = attrgetter("t")


def level_integral(levels: Sequence[tuple[float, int]], start: float, end: float) -> float:
    """Exact integral over ``[start, end]`` of a step function given as ``(t, level)``
    points in time order (the level holds from each point to the next; 0 before the first).

    Equal to :func:`step_integral` of the corresponding deltas, but it starts from a binary
    search, so a short window of a long run costs only the points inside it.
    """
    if end <= start:
        return 0.0
    i = bisect_right(levels, start, key=_first)
    level = levels[i - 1][1] if i else 0
    total = 0.0
    previous = start
    for t, after in levels[i:]:
        if t >= end:
            break
        total += level * (t - previous)
        previous, level = t, after
    return total + level * (end - previous)


def step_integral(
    steps: Iterable[tuple[float, int]], start: float, end: float, *, ordered: bool = False
) -> float:
    """Exact integral over ``[start, end]`` of a counter changed by ``(t, delta)`` steps.

    The counter is 0 before the first step and jumps by ``delta`` at each ``t`` (steps may
    come in any order; equal times are fine).  Returns level × hours, e.g. item-hours for a
    work-in-progress counter.  Each constant piece contributes its level times its overlap
    with the window, so steps before ``start`` set the level the window opens with.
    ``ordered=True`` promises the steps are already in time order (a fold appends them as
    events come), which skips the sort.
    """
    if end <= start:
        return 0.0
    in_order = steps if ordered else sorted(steps, key=_first)
    total = 0.0
    level = 0
    previous = start
    for t, delta in in_order:
        if t > start:
            here = min(t, end)
            total += level * (here - previous)
            previous = here
            if t >= end:
                break
        level += delta
    if previous < end:
        total += level * (end - previous)
    return total
