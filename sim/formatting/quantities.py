"""The unit rules: durations, frequencies, shares and counts, each decided once.

A duration given in hours is written in minutes, hours or days by its size
(:func:`format_hours`: every surface that shows a duration, from the scorecard to the
game's incident feed and the value-stream table, calls it); a rate per day per day, week
or month (:func:`format_per_day`); a share as a percentage; a count as an integer.  The
sizes of a day, a week and a month come from :mod:`sim.units`.
"""

from __future__ import annotations

from typing import NamedTuple

from sim.units import DAYS_PER_MONTH, DAYS_PER_WEEK, HOURS_PER_DAY, MINUTES_PER_HOUR

from .numbers import MISSING, Interval, half_width, with_error

MINUTE = 1.0 / MINUTES_PER_HOUR
"""One minute, in hours: the scale of a duration shown in minutes."""


class Shown(NamedTuple):
    """How a value is shown: divide by ``scale``, write ``decimals``, add the unit."""

    scale: float
    symbol: str
    """The unit in text (``/ day``, ``h``)."""
    words: str
    """The unit spelt out for a chart (``per day``, ``hours``)."""
    decimals: int | None
    """Fixed decimals, or None for about three significant figures."""


def duration_unit(hours: float) -> Shown:
    """The unit of a duration given in hours: minutes below 1 h, hours below 24 h, days."""
    size = abs(hours)
    if size < 1.0:
        return Shown(MINUTE, "min", "min", 0)
    if size < HOURS_PER_DAY:
        return Shown(1.0, "h", "hours", None)
    return Shown(HOURS_PER_DAY, "days", "days", None)


def frequency_unit(per_day: float) -> Shown:
    """The unit of a rate given per day: per day from 1, per week from 1/7, else per month."""
    if per_day >= 1.0:
        return Shown(1.0, "/ day", "per day", None)
    if per_day >= 1.0 / DAYS_PER_WEEK:
        return Shown(1.0 / DAYS_PER_WEEK, "/ week", "per week", None)
    return Shown(1.0 / DAYS_PER_MONTH, "/ month", "per month", None)


# --------------------------------------------------------------------------- values


def format_hours(value: float | None, interval: Interval = None, *, zero: str | None = None) -> str:
    """A duration given in hours, as minutes (< 1 h), hours (< 24 h) or days.

    ``zero`` is the text of a duration of exactly 0 hours: ``None`` writes it as any
    other (``0 min``); a table passes ``""`` so that only the cells where time passed
    catch the eye (the value stream's stages).
    """
    if value is None:
        return MISSING
    if zero is not None and value == 0:
        return zero
    half = half_width(interval)
    if half is None and 0 < value < 0.5 * MINUTE:
        return "< 1 min"  # "0 min" would read as "instant", which nothing is
    unit = duration_unit(value)
    return with_error(value, half, unit.scale, unit.symbol, unit.decimals)


def format_per_day(value: float | None, interval: Interval = None) -> str:
    """A rate given per day, per day (>= 1), per week (>= 1 a week) or per month (30 days)."""
    if value is None:
        return MISSING
    unit = frequency_unit(value)
    return with_error(value, half_width(interval), unit.scale, unit.symbol)


def format_share(value: float | None, interval: Interval = None, decimals: int = 1) -> str:
    """A share 0–1 as a percentage."""
    if value is None:
        return MISSING
    return with_error(value, half_width(interval), 0.01, "%", decimals)


def format_number(
    value: float | None, interval: Interval = None, unit: str = "", decimals: int | None = None
) -> str:
    """A plain number (a count or a rate already in its unit)."""
    if value is None:
        return MISSING
    return with_error(value, half_width(interval), 1.0, unit, decimals)


def format_count(value: float | None, interval: Interval = None) -> str:
    """A count: an integer; a mean over replications (or a fraction) keeps one decimal."""
    if value is None:
        return MISSING
    decimals = 0 if interval is None and float(value).is_integer() else 1
    return format_number(value, interval, "", decimals)


# --------------------------------------------------------------------------- differences


def diff_share(size: float, half: float | None, decimals: int) -> str:
    """The size of a difference of two shares, in percentage points."""
    return with_error(size, half, 0.01, "pp", decimals, keep_small=True)


def _around(size: float, half: float | None) -> Interval:
    return None if half is None else [size - half, size + half]


def diff_hours(size: float, half: float | None) -> str:
    """The size of a difference of durations (no ``< 1 min``: it reads badly after a sign)."""
    if size < 1.0:
        return with_error(size, half, MINUTE, "min", 0, keep_small=True)
    return format_hours(size, _around(size, half))


def diff_per_day(size: float, half: float | None) -> str:
    """The size of a difference of frequencies, in the unit its size calls for."""
    return format_per_day(size, _around(size, half))
