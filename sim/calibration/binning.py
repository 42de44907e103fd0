"""Counting events per whole period: the one weekly (or daily) binning of calibration.

A record's weekly deployments and changes (:mod:`.measure`), the week-to-week variation
of its commits and of a model run's (:func:`.fit.weekly_cv`) and a forecast's history of
throughput (:func:`.forecast_periods.throughput_per_period`) all count events in periods
``[k·P, (k+1)·P)`` from the start of a span, for ``k`` from 0 to ``periods - 1``: events
before the start, after the last whole period (a trailing partial period is dropped) or
missing (NaN, NaT) are not counted.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def counts_per_period(offsets: Any, width: Any, periods: int) -> np.ndarray:
    """Events in each of ``periods`` whole periods of length ``width`` from the start.

    ``offsets`` are the events' times since the start and ``width`` the period in the same
    unit: floats (hours or days) and a float, or a :class:`pandas.TimedeltaIndex` and a
    :class:`pandas.Timedelta` (floored exactly, to the nanosecond).  Returns int64 counts,
    one per period, oldest first.
    """
    index = np.asarray(offsets // width, dtype=float)
    inside = np.isfinite(index) & (index >= 0) & (index < periods)
    return np.bincount(index[inside].astype(np.int64), minlength=periods).astype(np.int64)


__all__ = ["counts_per_period"]
