"""Wagtail's revision compare in words a person reads.

Wagtail 7.4 compares a field without a comparison class of its own
(`wagtail.admin.compare.FieldComparison`) by printing the raw values side by side: an
empty date reads «None», and a changed time «10:00:0011:00:00» (the old and the new
value joined with nothing between them). Dates, times, booleans and numbers get a
comparison class here, registered with Wagtail's documented hook
`register_comparison_class`, for every model the admin compares (a group's weekly
meetings, cancelled dates and holidays among them): empty is "—", a time "10:00", a
date as the admin's language writes it («30 novembre 2026»), a boolean «Sì/No».
"""

import datetime

from django.db import models
from django.utils.html import escape
from wagtail.admin.compare import FieldComparison, TextDiff, register_comparison_class

from readable.display import display_value


def readable(value):
    """A stored date, time, boolean or number as text for a person: "—" for empty,
    "10:00" for a time (wall time, minutes), else `readable.display.display_value`."""
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    return str(display_value(value))


class ReadableFieldComparison(FieldComparison):
    """The old and the new value, each as `readable` writes it, a space between them."""

    def htmldiff(self):
        before, after = readable(self.val_a), readable(self.val_b)
        if self.val_a == self.val_b:
            return escape(before)
        return TextDiff([("deletion", before), ("addition", after)], separator=" ").to_html()


READABLE_FIELDS = (models.DateField, models.TimeField, models.BooleanField,
                   models.IntegerField, models.DecimalField, models.FloatField)


def register_readable_comparisons():
    """Register `ReadableFieldComparison` for `READABLE_FIELDS` (and their subclasses,
    DateTimeField and PositiveSmallIntegerField among them). Fields with choices keep
    Wagtail's ChoiceFieldComparison, which Wagtail picks before the registry."""
    for field_class in READABLE_FIELDS:
        register_comparison_class(field_class, comparison_class=ReadableFieldComparison)

