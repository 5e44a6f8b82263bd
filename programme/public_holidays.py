"""The days groups do not meet unless an editor opens one: Italy's and Milan's holidays.

Apart from schedule.py because the HolidayMeeting model checks its date with it, and
schedule.py reads the models: a module of its own keeps the imports going one way.
"""

import functools

import holidays


@functools.cache
def _holidays_of(year):
    return holidays.country_holidays("IT", subdiv="MI", years=year)


def is_public_holiday(day):
    """Whether `day` (a date) is an Italian public holiday or Milan's patron day.

    Source: the `holidays` package, country IT, subdivision MI (the national holidays
    of Law 260/1949 and later laws, Easter Monday, and Sant'Ambrogio on 7 December).
    Groups do not meet on these days unless an editor opens one (HolidayMeeting).
    """
    return day in _holidays_of(day.year)


def public_holidays(start, end):
    """The public holidays (see `is_public_holiday`) in [start, end): sorted dates."""
    return sorted(
        day for year in range(start.year, end.year + 1) for day in _holidays_of(year)
        if start <= day < end
    )
