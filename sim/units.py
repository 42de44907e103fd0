"""Units and calendar constants.  The model's clock runs in hours of calendar time.

t = 0 is Monday 00:00.  Durations of people's work are given in *person-days of effort*
and converted to calendar hours with :func:`effort_hours` (people work
``work_days_per_week`` days a week, so one person-day of effort takes 24·7/5 = 33.6
calendar hours at the default of 5).  Everything else is stated in the unit in its name.

This module is the one owner of these sizes: the DORA tier cut-offs
(:mod:`sim.metrics.tiers`) and the way values are written (:mod:`sim.formatting`) read
them from here.
"""

HOURS_PER_DAY = 24.0
DAYS_PER_WEEK = 7.0
HOURS_PER_WEEK = HOURS_PER_DAY * DAYS_PER_WEEK
MINUTES_PER_HOUR = 60.0
DAYS_PER_YEAR = 365.0

DAYS_PER_MONTH = 30.0
"""A month as DORA's tiers and the written rates count it ("monthly", ``/ month``): 30 days.

(Real delivery records are measured in calendar months instead; see
:data:`sim.calibration.measure.DAYS_PER_MONTH`.)"""
HOURS_PER_MONTH = HOURS_PER_DAY * DAYS_PER_MONTH
DAYS_PER_HALF_YEAR = 180.0
"""Six months of :data:`DAYS_PER_MONTH` days, as the 2021 tiers count "6-monthly"."""
HOURS_PER_HALF_YEAR = HOURS_PER_DAY * DAYS_PER_HALF_YEAR


def effort_hours(person_days: float, work_days_per_week: float) -> float:
    """Calendar hours one person needs for ``person_days`` of effort.

    A person who works ``work_days_per_week`` days out of 7 turns one day of effort into
    ``24 * 7 / work_days_per_week`` calendar hours on average.  This is a fluid
    approximation: work progresses smoothly rather than stopping at 17:00 on Friday.
    """
    return person_days * HOURS_PER_DAY * DAYS_PER_WEEK / work_days_per_week
