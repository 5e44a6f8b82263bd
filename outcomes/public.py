"""The figures of the public page "Il programma in numeri" (outcomes.models.OutcomesPage):
the dashboard's figures (outcomes.figures.all_figures) for the last 12 complete months,
every cell suppressed by outcomes.suppression, as rows ready for the template.

Freshness: the period ends with the last complete month, so the figures change once a
month; they are computed at most once a day per language (Django's default cache, keyed
by the day) and never read older than that day. The page cache (pagecache, at most
PAGE_CACHE_SECONDS) sits on top; a publication clears it, not the day's figures.
"""

import csv
import dataclasses
import datetime
import io

from django.conf import settings
from django.core.cache import cache
from django.utils import formats, timezone, translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from exports.spreadsheets import csv_delimiter, neutralise_formula
from outcomes import charts, suppression
from outcomes.presentation import format_value
from outcomes.tables import Kind

CACHE_SECONDS = 24 * 60 * 60
PUBLIC_MONTHS = 12


@dataclasses.dataclass(frozen=True)
class PublicCell:
    """A cell as printed: `value` (int, float) when shown, else None; `status` one of
    suppression.SHOWN, PRIMARY, SECONDARY, EMPTY; `kind` the table's Kind."""

    value: object
    status: str
    kind: str

    @property
    def html(self):
        """The cell's content in the active language: the value as format_value writes
        it ("1.234", "81,3 %"; its unlocalized number in `data-value`), or the mark
        of a hidden cell with its words for screen readers ("< 10" and "fewer than 10",
        "*", "too few cases", "—"). Built here rather than by a template include per
        cell, which cost the page most of its time on 300 groups
        (benchmarks/outcomes_dashboard.py)."""
        if self.status == suppression.SHOWN:
            # As the chart, the CSV and the dashboard write it: counts grouped by three,
            # one decimal for days and percentages.
            text = format_value(self.value, self.kind)
            return mark_safe(f'<span data-value="{formats.localize(self.value, use_l10n=False)}">'
                             f"{text}</span>")
        if self.status == suppression.PRIMARY:
            if self.kind == Kind.COUNT:
                words = escape(_("fewer than 10"))  # outside the f-string: xgettext
                return mark_safe(                    # does not read inside one
                    f'<span data-suppressed="primary"><span aria-hidden="true">'
                    f"&lt; {suppression.THRESHOLD}</span>"
                    f'<span class="visually-hidden">{words}</span></span>')
            words = escape(_("too few cases"))
            return mark_safe(f'<span data-suppressed="base">{words}</span>')
        if self.status == suppression.SECONDARY:
            words = escape(_("not shown, so that counts under 10 cannot be worked out"))
            return mark_safe('<span data-suppressed="secondary"><span aria-hidden="true">*'
                             f'</span><span class="visually-hidden">{words}</span></span>')
        words = escape(_("nothing to measure"))
        return mark_safe('<span aria-hidden="true">—</span><span class="visually-hidden">'
                         f"{words}</span>")


@dataclasses.dataclass(frozen=True)
class PublicRow:
    label: str
    cells: tuple
    total: PublicCell | None = None

    @property
    def html(self):
        """The whole `<tr>`: the row's heading, its cells and (counts) its total; one
        string per row, as the dashboard's rows (outcomes.presentation.DisplayRow)."""
        cells = "".join(f'<td class="text-end">{cell.html}</td>' for cell in self.cells)
        total = ("" if self.total is None else
                 f'<td class="text-end fw-semibold" data-total="row">{self.total.html}</td>')
        return mark_safe(f'<tr><th scope="row">{escape(self.label)}</th>{cells}{total}</tr>')


@dataclasses.dataclass(frozen=True)
class PublicFigure:
    """One figure after suppression: the table's texts, its rows (PublicRow) and, for
    counts, the totals row. No hidden value is kept here."""

    slug: str
    title: str
    description: str
    row_heading: str
    columns: tuple
    rows: tuple
    kind: str
    notes: tuple
    column_totals: tuple = ()
    grand_total: PublicCell | None = None
    chart: charts.Chart | None = None

    @property
    def has_totals(self):
        return self.kind == Kind.COUNT

    @property
    def is_empty(self):
        return not self.rows or not self.columns


@dataclasses.dataclass(frozen=True)
class PublicFigures:
    """What the page shows: the period (first and last day), the day the figures were
    computed, the threshold and the figures (PublicFigure)."""

    start: datetime.date
    end: datetime.date
    computed_on: datetime.date
    threshold: int
    figures: tuple


def _cell(cell, kind):
    return PublicCell(cell.value if cell.shown else None, cell.status, kind)


def public_figure(table, result=None):
    """`table` (outcomes.tables.Table) suppressed (`result`, a SuppressedTable, default
    suppression.suppress(table)), as a PublicFigure."""
    result = result or suppression.suppress(table)
    kind = table.kind
    rows = []
    for index, label in enumerate(table.rows):
        total = _cell(result.row_totals[index], kind) if result.row_totals else None
        rows.append(PublicRow(label=str(label),
                              cells=tuple(_cell(c, kind) for c in result.cells[index]),
                              total=total))
    figure = PublicFigure(
        slug=table.slug, title=str(table.title), description=str(table.description),
        row_heading=str(table.row_heading), columns=tuple(str(c) for c in table.columns),
        rows=tuple(rows), kind=kind, notes=tuple(str(n) for n in table.notes),
        column_totals=tuple(_cell(c, kind) for c in result.column_totals),
        grand_total=_cell(result.grand_total, kind) if result.grand_total else None,
    )
    return dataclasses.replace(figure, chart=public_chart(figure))


def compute(language, today):
    """PublicFigures for `today` (a date in Milan) in `language` ("it", "en")."""
    from outcomes.figures import OutcomeFilters, all_figures

    filters = OutcomeFilters.last_months(today, months=PUBLIC_MONTHS)
    with translation.override(language):
        tables = all_figures(filters)
        results = suppression.suppress_linked(tables, shared_counts(tables))
        figures = tuple(public_figure(table, results[table.slug]) for table in tables)
    return PublicFigures(start=filters.start, end=filters.end, computed_on=today,
                         threshold=suppression.THRESHOLD, figures=figures)


BY_SOURCE = "requests-by-month-and-source"
BY_STATUS = "requests-by-month-and-status"
REFERRALS = "referrals-by-organisation"


def shared_counts(tables):
    """The counts two public figures share, as suppression.suppress_linked's links:

    - requests by month and source, and by month and status: the same requests, so the
      same total for each month and the same grand total;
    - the referrals' grand total is the requests referred by an organisation: the
      totals of the partner and union columns of requests by source
      (programme.referrals.referral_source gives a referral one of the two)."""
    from programme.models import ParticipationRequest

    shapes = {table.slug: (len(table.rows), len(table.columns)) for table in tables}
    links = []
    if BY_SOURCE in shapes and BY_STATUS in shapes:
        (months, sources), (_months, statuses) = shapes[BY_SOURCE], shapes[BY_STATUS]
        links += [([(BY_SOURCE, (i, sources))], [(BY_STATUS, (i, statuses))])
                  for i in range(months + 1)]  # each month's total, then the grand total
    if BY_SOURCE in shapes and REFERRALS in shapes:
        months, _sources = shapes[BY_SOURCE]
        organisations, outcomes = shapes[REFERRALS]
        Source = ParticipationRequest.Source
        columns = [list(Source.values).index(source)
                   for source in (Source.PARTNER_REFERRAL, Source.TRADE_UNION)]
        links.append(([(BY_SOURCE, (months, j)) for j in columns],
                      [(REFERRALS, (organisations, outcomes))]))
    return links


def public_figures(language, today=None):
    """The page's PublicFigures in `language`, computed once a day (cached until the
    day changes in Milan; `today` a date, default today)."""
    today = today or timezone.localdate()
    key = f"outcomes:public:{language}:{today.isoformat()}"
    found = cache.get(key)
    if found is None:
        found = compute(language, today)
        cache.set(key, found, CACHE_SECONDS)
    return found


# --- The charts: drawn from the suppressed cells only --------------------------------------


def cell_text(cell):
    """A PublicCell as the chart and the CSV write it: the value formatted in the active
    language; "< 10" for a count under 10, "*" for a count hidden by secondary
    suppression, "too few cases" for a rate or median drawn from fewer than 10, "—"
    where there is nothing to measure."""
    if cell.status == suppression.SHOWN:
        return format_value(cell.value, cell.kind)
    if cell.status == suppression.PRIMARY:
        if cell.kind == Kind.COUNT:
            return f"< {suppression.THRESHOLD}"
        return _("too few cases")
    if cell.status == suppression.SECONDARY:
        return "*"
    return format_value(None, cell.kind)


def _chart_series(figure):
    """(label, PublicCell) per bar and what the bars measure, or None when the figure
    has no value per row on the page (a rate per month and group: its rate over the
    whole period is not published, so it is not drawn either)."""
    if figure.kind == Kind.COUNT:
        return [(row.label, row.total) for row in figure.rows], _("total")
    if len(figure.columns) == 1:
        return [(row.label, row.cells[0]) for row in figure.rows], figure.columns[0]
    return None


def public_chart(figure):
    """The outcomes.charts.Chart of `figure` (a PublicFigure), drawn by
    templates/outcomes/includes/figure_chart.html, or None (see _chart_series).

    One bar per row: the row's total (counts) or its value (a median, a rate). A hidden
    cell gets no bar and reads as in the table ("< 10", "*", "too few cases"): its
    value is not in the PublicFigure, so nothing of it can reach the SVG. Bars are
    scaled to the largest value shown (100 for percentages); a figure whose every bar
    would be hidden gets no chart (its table says the same)."""
    found = _chart_series(figure)
    if found is None or figure.is_empty:
        return None
    series, measure = found
    truncated = len(series) > charts.MAX_BARS
    series = series[:charts.MAX_BARS]
    shown = [cell.value for _label, cell in series if cell.status == suppression.SHOWN]
    if not shown:  # every bar hidden: a chart of "*" and "< 10" would show nothing
        return None
    top = 100 if figure.kind == Kind.PERCENT else max(shown, default=0)
    bars = tuple(
        charts.Bar(label=charts._short(label), full_label=str(label),
                   value_text=cell_text(cell),
                   width=round(charts.BAR_SPACE * cell.value / top, 1)
                   if cell.status == suppression.SHOWN and cell.value and top else 0,
                   y=index * charts.ROW_HEIGHT + 4)
        for index, (label, cell) in enumerate(series))
    read_out = "; ".join(f"{bar.full_label}: {bar.value_text}" for bar in bars)
    description = _("Horizontal bar chart, one bar per row of the table (%(measure)s): "
                    "%(values)s.") % {"measure": measure, "values": read_out or "—"}
    marks = {cell.status for _label, cell in series}
    if suppression.PRIMARY in marks or suppression.SECONDARY in marks:
        # What "< 10" and "*" mean, for whoever hears the description (review of
        # issue 20: "dicembre 2025: *" said nothing).
        description += " " + _("“< 10”: fewer than 10; “*”: not shown, so that counts "
                               "under 10 cannot be worked out; “too few cases”: a rate "
                               "or median from fewer than 10.")
    if truncated:
        description += " " + _("The chart shows the first %(count)d rows; the table has "
                               "them all.") % {"count": charts.MAX_BARS}
    return charts.Chart(slug=figure.slug, title=figure.title, description=description,
                        bars=bars, height=max(len(bars), 1) * charts.ROW_HEIGHT + 8,
                        truncated=truncated)


# --- The CSV files ---------------------------------------------------------------------------

# The file names' stems: the dashboard's (outcomes.dashboard.FILE_NAMES, translated by the
# catalogue), None for every figure in one file.
ALL_FIGURES = None


def _stems():
    from outcomes.dashboard import ALL_FILE_NAME, FILE_NAMES

    return {**FILE_NAMES, ALL_FIGURES: ALL_FILE_NAME}


def csv_stem(slug, language):
    """The file name stem of figure `slug` (None: every figure) in `language`
    ("liste-di-attesa", "waiting-list")."""
    with translation.override(language):
        return str(_stems()[slug])


def find_stem(stem, language):
    """(slug, language of the stem) for a file name stem, the page's `language` first;
    None when no figure has it."""
    languages = [language] + [code for code, _name in settings.LANGUAGES if code != language]
    for code in languages:
        for slug in _stems():
            if csv_stem(slug, code) == stem:
                return slug, code
    return None


def csv_file_name(slug, language, outcomes):
    """"liste-di-attesa-2025-01-2025-12.csv": the stem and the period of `outcomes`."""
    return f"{csv_stem(slug, language)}-{outcomes.start:%Y-%m}-{outcomes.end:%Y-%m}.csv"


def _csv_cell(cell):
    if cell is None:
        return ""
    if cell.status == suppression.SHOWN:
        value = cell.value
        if cell.kind != Kind.COUNT:
            text = f"{float(value):.1f}"
            return text.replace(".", ",") if translation.get_language() == "it" else text
        return str(value)
    if cell.status == suppression.EMPTY:
        return ""
    return cell_text(cell)


def csv_rows(figure):
    """The rows of a PublicFigure's CSV: a heading row, one row per table row and, for
    counts, the totals row; hidden cells as on the page ("< 10", "*", "too few
    cases"), cells with nothing to measure empty. No base (count behind a rate) is
    written: the page does not show them."""
    heading = [figure.row_heading, *figure.columns]
    if figure.has_totals:
        heading.append(_("Total"))
    rows = [heading]
    for row in figure.rows:
        cells = [row.label, *(_csv_cell(cell) for cell in row.cells)]
        if figure.has_totals:
            cells.append(_csv_cell(row.total))
        rows.append(cells)
    if figure.has_totals:
        rows.append([_("Total"), *(_csv_cell(cell) for cell in figure.column_totals),
                     _csv_cell(figure.grand_total)])
    return rows


def _legend():
    return [
        [_("< %(threshold)s: fewer than %(threshold)s, not shown")
         % {"threshold": suppression.THRESHOLD}],
        [_("*: not shown, so that counts under 10 cannot be worked out")],
        [_("too few cases: a rate or median computed on fewer than %(threshold)s cases, "
           "not shown") % {"threshold": suppression.THRESHOLD}],
    ]


def csv_file(figures, language):
    """`figures` (PublicFigure, one or more) as CSV bytes in `language`: UTF-8 with a
    byte-order mark, «;» and the decimal comma in Italian, «,» and the decimal point in
    English (exports.spreadsheets' rules, no formulas); several figures each under its
    title, a blank line between them; the legend of the hidden cells last."""
    out = io.StringIO()
    with translation.override(language):
        writer = csv.writer(out, delimiter=csv_delimiter(language), lineterminator="\r\n")
        rows = []
        for index, figure in enumerate(figures):
            if len(figures) > 1:
                if index:
                    rows.append([])
                rows.append([figure.title])
            rows += csv_rows(figure)
        rows += [[], *_legend()]
        writer.writerows([[neutralise_formula(str(value)) for value in row] for row in rows])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
