"""`{% load local_dates %}`: readable.dates' formats for templates, mails included.

`{{ request.created_at|local_datetime }}` reads «30 novembre 2026, 01:08» in Milan's time
whatever time zone the rendering process has; `|local_date` and `|month_year` likewise.
"""

from django import template

from readable import dates

register = template.Library()

register.filter("local_datetime", dates.local_datetime)
register.filter("local_date", dates.local_date)
register.filter("month_year", dates.month_year)
