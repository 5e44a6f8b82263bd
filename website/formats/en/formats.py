# The site writes every date and time one way in each language (readable.dates uses the same
# strings): "30 November 2026, 01:08", day first and a 24-hour clock as in Italy, where
# the service is. Django's English formats are American ("Nov. 30, 2026, 1:08 a.m.").
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
MONTH_DAY_FORMAT = "j F"
FIRST_DAY_OF_WEEK = 1  # Monday
