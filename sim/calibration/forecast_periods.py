"""Periods, limits and input checks of the history-based forecasts (:mod:`.forecast`).

What a forecast counts in (:data:`Period`, :data:`PERIOD_DAYS`), the most it accepts
(:data:`TRIALS_MAX`, :data:`ITEMS_MAX`, :data:`PERIOD_COUNT_MAX`,
:data:`HISTORY_PERIODS_MAX`, :func:`periods_max`), the checks every input goes through
(each failure one :class:`~sim.errors.ScenarioError` from :data:`SOURCE`), and the
history helpers :func:`periods_between` and :func:`throughput_per_period`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd

from ..errors import ScenarioError
from ..limits import HORIZON_DAYS_MAX
from .binning import counts_per_period

Period = Literal["day", "week"]
"""The unit of a history and of its forecast: one day or one (7-day) week."""

PERIOD_DAYS: dict[str, int] = {"day": 1, "week": 7}
"""Days in each period."""

TRIALS_MAX = 100_000
"""Most trials of one forecast (integer)."""

ITEMS_MAX = 1_000_000_000
"""Most items ``when_done`` can be asked about (integer)."""

PERIOD_COUNT_MAX = 1_000_000
"""Most items finished in one period of history (far above any organisation)."""

HISTORY_PERIODS_MAX = 100_000
"""Most periods of history (274 years of days)."""

SOURCE = "forecast"
"""The ``source`` of every :class:`~sim.errors.ScenarioError` raised here."""


def periods_max(period: Period) -> int:
    """Longest forecast (periods): :data:`~sim.limits.HORIZON_DAYS_MAX` days, as a run."""
    return int(HORIZON_DAYS_MAX // PERIOD_DAYS[period])


def period_length(period: Period) -> pd.Timedelta:
    """One period as a time span: one day or seven days."""
    return pd.Timedelta(days=PERIOD_DAYS[period])


# --------------------------------------------------------------------------- checks


def forecast_error(key: str, problem: str) -> ScenarioError:
    """The one-line error about input ``key`` that every check here raises."""
    return ScenarioError(SOURCE, key, problem)


def check_whole(key: str, value: object, low: int, high: int) -> int:
    """``value`` as an int in ``[low, high]`` (numpy integers accepted, booleans not)."""
    if isinstance(value, np.integer):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise forecast_error(
            key, f"expected a whole number >= {low:,} and <= {high:,}, got {value!r}"
        )
    return value


def check_confidence(value: object) -> int:
    """``value`` as a confidence (% of trials): a whole number from 1 to 100."""
    return check_whole("confidence", value, 1, 100)


def check_period(value: object) -> Period:
    """``value`` as a :data:`Period` (``"day"`` or ``"week"``)."""
    if value not in get_args(Period):
        raise forecast_error("period", f"expected 'day' or 'week', got {value!r}")
    return value  # type: ignore[return-value]


def check_timestamp(key: str, value: object) -> pd.Timestamp | None:
    """``value`` as a timestamp (``None`` stays ``None``), or a one-line error."""
    if value is None:
        return None
    try:
        stamp = pd.Timestamp(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as error:
        raise forecast_error(key, f"expected a date and time, got {value!r} ({error})") from None
    if pd.isna(stamp):
        raise forecast_error(key, "expected a date and time, got no date (NaT)")
    return stamp


def check_history(counts: object) -> np.ndarray:
    """Per-period counts as a read-only int64 array, or a one-line error."""
    try:
        values = np.asarray(counts, dtype=float)
    except (TypeError, ValueError):
        raise forecast_error(
            "history", "expected a sequence of per-period counts (numbers)"
        ) from None
    if values.ndim != 1:
        raise forecast_error(
            "history", f"expected a flat sequence of counts, got shape {values.shape}"
        )
    if values.size == 0:
        raise forecast_error("history", "is empty: at least one period of throughput is needed")
    if values.size > HISTORY_PERIODS_MAX:
        raise forecast_error(
            "history", f"has {values.size:,} periods; at most {HISTORY_PERIODS_MAX:,} are allowed"
        )
    bad = ~np.isfinite(values) | (values < 0) | (values > PERIOD_COUNT_MAX)
    bad |= np.isfinite(values) & (values != np.floor(values))
    if bad.any():
        i = int(np.argmax(bad))
        raise forecast_error(
            f"history[{i}]",
            f"expected a whole number of items >= 0 and <= {PERIOD_COUNT_MAX:,}, "
            f"got {values[i].item()!r}",
        )
    history = values.astype(np.int64)
    history.setflags(write=False)
    return history


def frozen(array: np.ndarray) -> np.ndarray:
    """``array``, made read-only."""
    array.setflags(write=False)
    return array


# --------------------------------------------------------------------------- history


def periods_between(start: object, end: object, period: Period = "week") -> int:
    """Whole periods from ``start`` to ``end`` (rounded down; 0 if ``end`` is earlier).

    For "how many by DATE": ``how_many(h, periods_between(today, date))`` forecasts the
    whole periods before the date, never more days than there are.
    """
    first = check_timestamp("start", start)
    last = check_timestamp("end", end)
    assert first is not None and last is not None
    checked = check_period(period)
    try:
        span = last - first
    except TypeError:
        raise forecast_error(
            "end", "start and end must both have a time zone or both have none"
        ) from None
    return max(0, int(span // period_length(checked)))


def throughput_per_period(
    times: Sequence[Any] | np.ndarray | pd.Series | pd.DatetimeIndex,
    start: pd.Timestamp | np.datetime64 | str,
    end: pd.Timestamp | np.datetime64 | str,
    period: Period = "week",
) -> np.ndarray:
    """Events (e.g. changes' ``deployed_at``) in each whole period from ``start``.

    Period k is ``[start + k·P, start + (k+1)·P)`` for P one day or seven days, for k from
    0 to ``periods_between(start, end) - 1``; events outside those periods and missing
    times (NaT: a change not deployed) are not counted.  A trailing partial period
    ``[start + n·P, end)`` is dropped: it had fewer days to deliver in, and resampled as
    if it were a whole period it would bias every forecast low (a plain "drop").

    ``times``, ``start`` and ``end`` must all carry a time zone (compared as instants) or
    all carry none.  Returns int64 counts, oldest period first.
    """
    checked = check_period(period)
    first = check_timestamp("start", start)
    assert first is not None
    whole = periods_between(first, end, checked)
    if whole < 1:
        raise forecast_error(
            "end", f"expected at least one whole {checked} after start {first}, got end {end}"
        )
    try:
        stamps = pd.DatetimeIndex(pd.to_datetime(times))
    except (TypeError, ValueError) as error:
        raise forecast_error("times", f"expected dates and times ({error})") from None
    try:
        offsets = stamps - first
    except TypeError:
        raise forecast_error(
            "times", "times and start must both have a time zone or both have none"
        ) from None
    return counts_per_period(offsets, period_length(checked), whole)
