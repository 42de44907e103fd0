"""Clock arithmetic on the model's calendar (hours since Monday 00:00).

Used for things that happen at set times: CAB meetings, maintenance windows, release
trains, and for telling working hours from out-of-hours work.
"""

from __future__ import annotations

import math

from .units import HOURS_PER_DAY, HOURS_PER_WEEK


def next_weekly_slot(now: float, weekday: int, hour: float, interval_days: float) -> float:
    """The first meeting at or after ``now`` for a meeting every ``interval_days``.

    Meetings fall on ``weekday`` (0 = Monday) at ``hour`` in the first week and then every
    ``interval_days`` after that.
    """
    first = weekday * HOURS_PER_DAY + hour
    step = interval_days * HOURS_PER_DAY
    if now <= first:
        return first
    return first + math.ceil((now - first) / step - 1e-12) * step


def next_window(now: float, window: str) -> float:
    """Start of the next deployment window at or after ``now``.

    ``weekend``: Saturday 02:00; ``nightly``: 22:00 on a weekday (Mon–Fri);
    ``none``: now.
    """
    if window == "none":
        return now
    if window == "weekend":
        return next_weekly_slot(now, 5, 2.0, 7.0)
    day = math.floor(now / HOURS_PER_DAY)
    while True:
        start = day * HOURS_PER_DAY + 22.0
        if (day % 7) < 5 and start >= now:
            return start
        day += 1


def is_working_time(t: float, start_hour: float, end_hour: float, work_days: int = 5) -> bool:
    """Whether ``t`` falls on a working day between ``start_hour`` and ``end_hour``."""
    in_week = t % HOURS_PER_WEEK
    day = int(in_week // HOURS_PER_DAY)
    hour = in_week - day * HOURS_PER_DAY
    return day < work_days and start_hour <= hour < end_hour
