"""Units and calendar constants.  The model's clock runs in hours of calendar time.

t = 0 is Monday 00:00.  Durations of people's work are given in *person-days of effort*
and converted to calendar hours with :func:`effort_hours` (people work
``work_days_per_week`` days a week, so one person-day of effort takes 24·7/5 = 33.6
calendar hours at the default of 5).  Everything else is stated in the unit in its name.
"""

HOURS_PER_DAY = 24.0
DAYS_PER_WEEK = 7.0
HOURS_PER_WEEK = HOURS_PER_DAY * DAYS_PER_WEEK
MINUTES_PER_HOUR = 60.0
DAYS_PER_YEAR = 365.0


def effort_hours(person_days: float, work_days_per_week: float) -> float:
    """Calendar hours one person needs for ``person_days`` of effort.

    A person who works ``work_days_per_week`` days out of 7 turns one day of effort into
    ``24 * 7 / work_days_per_week`` calendar hours on average.  This is a fluid
    approximation: work progresses smoothly rather than stopping at 17:00 on Friday.
    """
    return person_days * HOURS_PER_DAY * DAYS_PER_WEEK / work_days_per_week
