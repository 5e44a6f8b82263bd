"""Spreadsheet exports of what people sent us, as staff read them in Excel.

Used by every export of personal data in the admin (participation requests, contact
messages), on top of Wagtail's SpreadsheetExportMixin:

- a cell is never run as a formula, and a control character someone typed cannot break
  the file (openpyxl refuses to write them: the export would fail);
- the CSV file starts with a UTF-8 byte-order mark: without it Excel reads the file in
  the machine's legacy code page and «lunedì», «Città» come out garbled; it is written
  in the reader's language, like the XLSX file, with that language's list separator
  (`CSV_DELIMITERS`: Excel opens a CSV with the separator of the machine's region, «;»
  in Italy, where the comma is the decimal separator; a comma-separated file lands in
  column A) (all of this for every Wagtail export: `apply_to_every_wagtail_export`);
- what a person reads, never a stored code: choice fields as their labels, booleans as
  «Sì»/«No» ("Yes"/"No"), nothing for an empty value (never `None`), a month a person
  gave as «novembre 2025» (`month_year_fields`), phone numbers as «+39 02 8844 7502»
  (spaced: Excel keeps them as text, a bare +390288447502 becomes a number);
- instants in Milan's local time (readable.dates), to the minute: CSV as text in the
  reader's language («30 novembre 2026, 01:08»), XLSX as a real date-time cell without
  a zone (Excel has none: Wagtail wrote UTC), formatted as a date and time.

What an export costs does not grow with the list beyond its rows: the foreign keys a
list's columns read are joined in the one query (`export_queryset`), rows are read
EXPORT_CHUNK_SIZE at a time (`export_rows`), the CSV file is streamed and the XLSX file
written by openpyxl's write-only mode. A list of more than EXPORT_BACKGROUND_THRESHOLD
rows is not written within the request at all: it is counted, queued for the background
worker and the staff member sent to its progress page (exports.background).
"""

import codecs
import csv
import datetime
import re

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.dispatch import Signal
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.text import capfirst

from readable.dates import local_date, local_datetime, month_year, naive_local_datetime
from readable.display import EMPTY, is_language_field, language_name, yes_no
from typed_text.characters import without_control_characters
from typed_text.phones import readable_phone

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# "+39 02 1234567" or "-3" starts like a formula but is only a number: left readable.
PLAIN_NUMBER = re.compile(r"[+-]?\d[\d ]*")
# Excel's list separator in each language's region; "," elsewhere.
CSV_DELIMITERS = {"it": ";"}


def csv_delimiter(language):
    """The field separator Excel expects in a CSV file for readers of `language`."""
    return CSV_DELIMITERS.get((language or "").split("-")[0], ",")


def neutralise_formula(value):
    """A cell a spreadsheet would run as a formula is exported as plain text instead."""
    if (isinstance(value, str) and value.startswith(FORMULA_PREFIXES)
            and not PLAIN_NUMBER.fullmatch(value)):
        return "'" + value
    return value


def _model_field(item, name):
    meta = getattr(item, "_meta", None)
    if meta is None or "." in name:
        return None
    try:
        return meta.get_field(name)
    except FieldDoesNotExist:
        return None


# Rows an export reads from the database at a time: memory stays flat however long the
# list, and a background export records its progress once per chunk.
EXPORT_CHUNK_SIZE = 1000


def relation_path(model, name):
    """The select_related() path of the foreign keys `name` (a list_export entry,
    dotted paths allowed: "group.venue.name") walks through from `model`, or "" when it
    reads no foreign key. `name` is read as far as it names fields of the models."""
    path = []
    for part in name.split("."):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            break
        if not (field.is_relation and field.concrete and (field.many_to_one
                                                          or field.one_to_one)):
            break
        path.append(part)
        model = field.related_model
    return "__".join(path)


def export_queryset(view, queryset):
    """`queryset` with every foreign key `view.list_export` reads joined in, plus the
    view's own `export_select_related` and `export_prefetch_related`: one query for the
    rows (and one per chunk and prefetched relation), never one per row. A list, or a
    queryset of values, is returned as it is."""
    if not isinstance(queryset, QuerySet) or queryset._fields is not None:
        return queryset
    related = {relation_path(queryset.model, name) for name in view.list_export
               if isinstance(name, str)}
    related = sorted((related | set(getattr(view, "export_select_related", ()))) - {""})
    if related:
        queryset = queryset.select_related(*related)
    prefetch = getattr(view, "export_prefetch_related", ())
    if prefetch:
        queryset = queryset.prefetch_related(*prefetch)
    return queryset


def export_rows(view, queryset):
    """Each item of `queryset` once, in its order, read EXPORT_CHUNK_SIZE rows at a time
    (a queryset already read is not read again). When the view has an
    `export_progress(rows_done)` (a background export), it is called after each chunk
    and once at the end."""
    progress = getattr(view, "export_progress", None)
    if (isinstance(queryset, QuerySet) and queryset._result_cache is None
            and not queryset.query.is_sliced and not queryset.query.combinator):
        items = _in_chunks(queryset)
    else:
        items = iter(queryset)
    done = 0
    for item in items:
        yield item
        done += 1
        if progress is not None and done % EXPORT_CHUNK_SIZE == 0:
            progress(done)
    if progress is not None:
        progress(done)


def _in_chunks(queryset):
    """The rows of `queryset` in its order: their keys first (one query), then each
    EXPORT_CHUNK_SIZE of them by key (one query each, with the queryset's joins and
    prefetches). No read stays open between two chunks: on SQLite a write on a
    connection with an open read fails at once ("database is locked") when another
    connection wrote meanwhile, and a background export records its progress between
    chunks while staff keep working. The keys are taken once, so a request received
    during the export neither shifts nor repeats a row."""
    keys = list(queryset.values_list("pk", flat=True))
    for start in range(0, len(keys), EXPORT_CHUNK_SIZE):
        chunk = keys[start:start + EXPORT_CHUNK_SIZE]
        rows = {row.pk: row for row in queryset.filter(pk__in=chunk)}
        yield from (rows[key] for key in chunk if key in rows)


def _in_language(language, rows):
    """`rows` (a generator) produced with `language` active, one row at a time."""
    while True:
        with translation.override(language):
            row = next(rows, None)
        if row is None:
            return
        yield row


def apply_to_every_wagtail_export():
    """Wagtail's own exports (the reports: site history, pages by age, workflows, locked
    pages; every listing with export buttons) follow the rules above for instants and
    CSV files. Called once, from HomeConfig.ready().

    Wagtail has no setting for either. `custom_value_preprocess` is its documented hook
    for value types (it wrote XLSX instants in UTC and CSV ones as
    "2026-11-30 00:08:36.667626+00:00"); the CSV stream is wrapped so the file starts
    with the byte-order mark and is written in the reader's language (it streams after
    the admin has put back the request's language: an English admin got Italian).
    """
    from wagtail.admin.views.mixins import Echo
    from wagtail.admin.views.mixins import SpreadsheetExportMixin as Base

    if getattr(Base, "readable_by_people", False):
        return
    Base.custom_value_preprocess = {
        **Base.custom_value_preprocess,
        datetime.datetime: {Base.FORMAT_XLSX: naive_local_datetime,
                            Base.FORMAT_CSV: local_datetime},
    }
    wagtail_write_csv_response = Base.write_csv_response

    def write_csv_response(self, queryset):
        self.export_language = translation.get_language()
        return wagtail_write_csv_response(self, queryset)

    def csv_rows(self, queryset, language):
        # Wagtail's stream_csv, with the reader's separator.
        writer = csv.DictWriter(Echo(), fieldnames=self.list_export,
                                delimiter=csv_delimiter(language))
        yield writer.writerow(
            {field: self.get_heading(queryset, field) for field in self.list_export})
        for item in export_rows(self, queryset):
            yield self.write_csv_row(writer, self.to_row_dict(item))

    def stream_csv(self, queryset):
        yield codecs.BOM_UTF8
        language = getattr(self, "export_language", None) or translation.get_language()
        yield from _in_language(language, csv_rows(self, queryset, language))

    def write_xlsx(self, queryset, output):
        # Wagtail's write_xlsx, with the sheet named for what it holds, in the reader's
        # language («Richieste di partecipazione»), not "Sheet1".
        from openpyxl import Workbook
        from wagtail.admin.views.mixins import ExcelDateFormatter

        workbook = Workbook(write_only=True, iso_dates=True)
        worksheet = workbook.create_sheet(title=sheet_title(self))
        worksheet.append(self.get_heading(queryset, field) for field in self.list_export)
        date_format = ExcelDateFormatter().get()
        for item in export_rows(self, queryset):
            worksheet.append(self.generate_xlsx_row(
                worksheet, self.to_row_dict(item), date_format=date_format))
        workbook.save(output)

    Base.write_csv_response = write_csv_response
    Base.stream_csv = stream_csv
    Base.write_xlsx = write_xlsx
    Base.readable_by_people = True


# Characters Excel refuses in a sheet's name, and its length limit.
SHEET_NAME_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))
SHEET_NAME_MAX = 31


def sheet_title(view):
    """A spreadsheet's sheet name for `view`'s export (str, at most 31 characters, none
    of []:*?/\\): the model's plural name, else the report's title, in the active
    language; "Dati"/"Data" when the view has neither."""
    model = getattr(view, "model", None)
    name = model._meta.verbose_name_plural if model is not None else None
    name = name or getattr(view, "page_title", None) or translation.gettext("Data")
    name = " ".join(capfirst(str(name)).translate(SHEET_NAME_FORBIDDEN).split())
    return name[:SHEET_NAME_MAX].strip() or translation.gettext("Data")


# Sent once for each export made through SafeSpreadsheetExportMixin, before the file
# is written: sender the view's class, `request`, `model` (what was exported), `rows`
# (int), `export_format` ("csv" or "xlsx"). The audit trail (privacy) listens; the
# views exporting personal data need not know of it.
spreadsheet_exported = Signal()


def _row_count(rows):
    return len(rows) if isinstance(rows, list | tuple) else rows.count()


class SafeSpreadsheetExportMixin:
    """Mix into a view using Wagtail's SpreadsheetExportMixin (first in the bases); the
    byte-order mark and the reader's language come from `apply_to_every_wagtail_export`.
    Each export is announced (`spreadsheet_exported`) when its file is delivered: here
    for a file written within the request, on download for a background one.

    A list of more than settings.EXPORT_BACKGROUND_THRESHOLD rows is queued
    (exports.background.queue_export) and the response is a redirect to its progress
    page; the worker replays this view with the same address and user, and then
    `request.export_job` is set and the file is written to disk instead.
    """

    # DateFields that hold a month as the person gave it (stored as its first day).
    month_year_fields = ()
    # Relations the export reads beyond list_export's foreign keys (export_queryset).
    export_select_related = ()
    export_prefetch_related = ()

    def get_context_data(self, **kwargs):
        if not getattr(self, "is_export", False):
            return super().get_context_data(**kwargs)
        # A file needs the filtered rows, not the screen around them: Wagtail's listing
        # context reads the whole list once more to count it (len(object_list)).
        queryset = kwargs.get("object_list", self.object_list)
        context = {"view": self, "object_list": queryset}
        name = self.get_context_object_name(queryset)
        if name:
            context[name] = queryset
        return context

    def as_spreadsheet(self, queryset, spreadsheet_format):
        from exports import background

        model = getattr(queryset, "model", None) or self.model
        queryset = export_queryset(self, queryset)
        job = getattr(self.request, "export_job", None)
        if job is not None:
            return background.write_job_file(self, queryset, spreadsheet_format, job)
        rows = _row_count(queryset)
        if rows > settings.EXPORT_BACKGROUND_THRESHOLD:
            return background.queue_export(
                self.request, model=model, rows=rows, export_format=spreadsheet_format,
                title=sheet_title(self), file_name=str(self.get_filename()))
        spreadsheet_exported.send(sender=type(self), request=self.request, model=model,
                                  rows=rows, export_format=spreadsheet_format)
        return super().as_spreadsheet(queryset, spreadsheet_format)

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        for name, value in row.items():
            if value is None:
                continue
            if name in self.month_year_fields:
                row[name] = month_year(value)
                continue
            field = _model_field(item, name)
            if field is not None and field.choices:
                # A choice left unanswered (a referral's "heard from") reads as "—".
                if value == "":
                    row[name] = EMPTY
                elif is_language_field(field):
                    row[name] = language_name(value)  # «Inglese», as on the screens
                else:
                    row[name] = self.choice_label(field, value)
        return row

    def choice_label(self, field, value):
        """`value`'s label among `field`'s choices in the active language, as
        get_FOO_display() gives it; the choices read once per export, not once per
        cell (Django's builds and hashes every lazy label on each call)."""
        labels = self.__dict__.setdefault("_choice_labels", {})
        if field not in labels:
            labels[field] = dict(field.flatchoices)
        return force_str(labels[field].get(value, value), strings_only=True)

    def preprocess_field_value(self, field, value, export_format):
        if value is None:
            return ""
        if isinstance(value, bool):
            return yes_no(value)
        if isinstance(value, datetime.datetime):
            if export_format == self.FORMAT_XLSX:
                return naive_local_datetime(value)
            return local_datetime(value)
        if isinstance(value, datetime.date) and export_format == self.FORMAT_CSV:
            return local_date(value)
        value = super().preprocess_field_value(field, value, export_format)
        if isinstance(value, str):
            value = readable_phone(without_control_characters(value))
            if export_format == self.FORMAT_CSV:
                # XLSX cells are written as text already (Wagtail sets their type).
                value = neutralise_formula(value)
        return value
