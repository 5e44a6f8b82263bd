"""Spreadsheet exports of what people sent us, safe to open in a spreadsheet.

Used by every export of personal data in the admin (participation requests, contact
messages): a cell is never run as a formula, and a control character someone typed
cannot break the file (openpyxl refuses to write them: the export would fail).
"""

import re

from .text import without_control_characters

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# "+39 02 1234567" or "-3" starts like a formula but is only a number: left readable.
PLAIN_NUMBER = re.compile(r"[+-]?\d[\d ]*")


def neutralise_formula(value):
    """A cell a spreadsheet would run as a formula is exported as plain text instead."""
    if (isinstance(value, str) and value.startswith(FORMULA_PREFIXES)
            and not PLAIN_NUMBER.fullmatch(value)):
        return "'" + value
    return value


class SafeSpreadsheetExportMixin:
    """Mix into a view using Wagtail's SpreadsheetExportMixin (first in the bases)."""

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        if isinstance(value, str):
            value = without_control_characters(value)
            if export_format == self.FORMAT_CSV:
                # XLSX cells are written as text already (Wagtail sets their type).
                value = neutralise_formula(value)
        return value
