# The site writes every date and time one way in each language (readable.dates uses the same
# strings): «30 novembre 2026, 01:08». Django's Italian formats add the weekday and a
# leading zero («Lunedì 30 Novembre 2026 01:08»); formats not set here are Django's.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
