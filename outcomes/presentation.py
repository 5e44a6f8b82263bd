"""A figure (outcomes.tables.Table) as people read it: formatted cells, totals, a CSV.

`display(table)` gives the shape the table include (templates/outcomes/includes/
figure_table.html) renders; the public page builds the same shape from its suppressed
table. `csv_file(tables)` writes one or more figures as a CSV file Excel opens as it is
(exports.spreadsheets' rules: a byte-order mark, «;» and the decimal comma in Italian,
headings in the active language, no formulas).
"""

import csv
import io
from dataclasses import dataclass

from django.utils import translation
from django.utils.formats import get_format, number_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from exports.spreadsheets import csv_delimiter, neutralise_formula

from .tables import Kind

EMPTY = "—"


@dataclass(frozen=True)
class DisplayRow:
    label: str
    cells: tuple  # str, as shown
    total: str | None

    @property
    def cells_html(self):
        """The row's `<td>` cells, escaped: built here rather than by a template loop,
        which cost the dashboard most of its time on 300 groups."""
        return mark_safe("".join(f"<td>{escape(cell)}</td>" for cell in self.cells))

    @property
    def html(self):
        """The whole `<tr>`: its heading cell, its cells and (COUNT) its total, escaped;
        one string per row rather than template nodes (or format_html, twice as slow),
        for the tables of 300 groups."""
        total = "" if self.total is None else f"<td><strong>{escape(self.total)}</strong></td>"
        return mark_safe(f'<tr><th scope="row">{escape(self.label)}</th>{self.cells_html}'
                         f"{total}</tr>")


@dataclass(frozen=True)
class DisplayTable:
    """What the table include renders. `caption_id` names the table for its chart."""

    slug: str
    title: str
    description: str
    row_heading: str
    columns: tuple
    rows: tuple          # DisplayRow
    total_heading: str | None
    column_totals: tuple | None
    grand_total: str | None
    notes: tuple
    unit: str

    @property
    def caption_id(self):
        return f"figure-{self.slug}"


def format_value(value, kind):
    """A cell as shown: thousands grouped, one decimal for days and percentages (with
    «%», after a space in Italian), "—" where there is nothing to measure; a str (e.g.
    "< 10") as it is."""
    if value is None:
        return EMPTY
    if isinstance(value, str):
        return value
    if kind == Kind.COUNT and isinstance(value, int):
        # number_format's result (grouped by three, the language's separator) without
        # its cost, which a dashboard of 1,400 cells paid in full.
        return f"{value:,}".replace(",", get_format("THOUSAND_SEPARATOR"))
    if kind == Kind.COUNT:
        return number_format(value, 0, force_grouping=True)
    text = number_format(value, 1)
    if kind != Kind.PERCENT:
        return text
    # Italian writes a space before the sign («20,0 %»), English none ("20.0%").
    return f"{text} %" if translation.get_language() == "it" else f"{text}%"


def unit_label(kind):
    return {Kind.COUNT: _("people or requests"), Kind.DAYS: _("days (median)"),
            Kind.PERCENT: _("percentage")}[kind]


def display(table):
    """`table` as a DisplayTable; COUNT tables with their row and column totals."""
    totals = table.row_totals() if table.has_totals else (None,) * len(table.rows)
    rows = tuple(
        DisplayRow(str(label), tuple(format_value(value, table.kind) for value in cells),
                   None if total is None else format_value(total, table.kind))
        for label, cells, total in zip(table.rows, table.cells, totals, strict=True))
    return DisplayTable(
        slug=table.slug, title=str(table.title), description=str(table.description),
        row_heading=str(table.row_heading), columns=tuple(str(c) for c in table.columns),
        rows=rows, total_heading=_("Total") if table.has_totals else None,
        column_totals=tuple(format_value(value, table.kind)
                            for value in table.column_totals()) if table.has_totals
        else None,
        grand_total=format_value(table.grand_total(), table.kind) if table.has_totals
        else None,
        notes=tuple(str(note) for note in table.notes), unit=str(unit_label(table.kind)))


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, float) and translation.get_language() == "it":
        return str(value).replace(".", ",")
    return neutralise_formula(str(value))


def csv_rows(table):
    """The rows of `table`'s CSV section: a heading row, its rows, then (COUNT) the
    totals; DAYS and PERCENT figures add, per column, its base (the count it is drawn
    from)."""
    heading = [str(table.row_heading), *(str(column) for column in table.columns)]
    if table.has_totals:
        heading.append(_("Total"))
    elif table.bases is not None:
        heading += [_("%(column)s: base") % {"column": column} for column in table.columns]
    rows = [heading]
    for index, (label, cells) in enumerate(zip(table.rows, table.cells, strict=True)):
        row = [str(label), *cells]
        if table.has_totals:
            row.append(sum(cells))
        elif table.bases is not None:
            row += list(table.bases[index])
        rows.append([_csv_value(value) for value in row])
    if table.has_totals:
        rows.append([_("Total"), *table.column_totals(), table.grand_total()])
    return rows


def csv_file(tables):
    """`tables` (one or more Table) as CSV bytes: UTF-8 with a byte-order mark, the
    active language's separator; several figures each under its title, a blank line
    between them."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=csv_delimiter(translation.get_language()),
                        lineterminator="\r\n")
    for index, table in enumerate(tables):
        if len(tables) > 1:
            if index:
                writer.writerow([])
            writer.writerow([neutralise_formula(str(table.title))])
        writer.writerows([[_csv_value(value) for value in row] for row in csv_rows(table)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
