"""Working hours on the simulation calendar, for out-of-hours work.

t = 0 is Monday 00:00 and time runs in calendar hours.  The first
``int(work_days_per_week)`` days of every 7-day week are working days (5 → Monday to
Friday), and on a working day the hours ``[work_start_hour, work_end_hour)`` are working
time.  Everything else — nights, weekends — is out of hours.
"""

from __future__ import annotations

import math

from sim.units import DAYS_PER_WEEK, HOURS_PER_DAY, HOURS_PER_WEEK


def working_hours_before(
    t: float, work_start_hour: float, work_end_hour: float, work_days_per_week: float
) -> float:
    """Working hours in ``[0, t]`` (closed form, O(1) for any ``t``; 0 for ``t <= 0``)."""
    if t <= 0:
        return 0.0
    days = min(int(work_days_per_week), int(DAYS_PER_WEEK))
    length = max(0.0, work_end_hour - work_start_hour)
    weeks = math.floor(t / HOURS_PER_WEEK)
    rest = t - weeks * HOURS_PER_WEEK
    day = min(int(rest // HOURS_PER_DAY), int(DAYS_PER_WEEK) - 1)
    total = weeks * days * length + min(day, days) * length
    if day < days:
        into_day = rest - day * HOURS_PER_DAY
        total += min(max(into_day - work_start_hour, 0.0), length)
    return total


def out_of_hours(
    start: float,
    end: float,
    work_start_hour: float,
    work_end_hour: float,
    work_days_per_week: float,
) -> float:
    """Hours of ``[start, end]`` outside working time (0 if ``end <= start``)."""
    if end <= start:
        return 0.0
    working = working_hours_before(
        end, work_start_hour, work_end_hour, work_days_per_week
    ) - working_hours_before(start, work_start_hour, work_end_hour, work_days_per_week)
    return max(0.0, (end - start) - working)
