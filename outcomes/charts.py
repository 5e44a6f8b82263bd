"""Accessible bar charts of the figures, drawn on the server as SVG by a template
(templates/outcomes/includes/figure_chart.html): no script, no third party.

One horizontal bar per row of a figure, its value written beside it in text (the bar's
colour carries no meaning of its own), the whole chart an image (`role="img"`) named by
its `<title>` and described by its `<desc>`, which reads out every bar; the table under
it holds the same numbers. What a bar measures:

- COUNT: the row's total (a figure with one column: its value);
- DAYS, PERCENT with one column: the value (none where there is nothing to measure);
- PERCENT with several columns (attendance per month): the rate over all of them,
  weighted by their bases (present records out of all records).

At most MAX_BARS bars: a figure with more rows (every group of the programme) says the
chart shows the first ones and the table has them all.
"""

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .presentation import format_value
from .tables import Kind

MAX_BARS = 25
# The SVG's user units. Each row is its label on a line of its own, then its bar with
# the value beside it: a 360-wide drawing, scaled to the screen's width (viewBox) and
# at most 30rem wide (css), keeps its 14-unit text at 13 px or more on a 375 px phone.
# (A 640-wide drawing with the labels beside the bars was 7 px there: review of
# issue 20.)
WIDTH = 360
LABEL_WIDTH = 0  # where the bars start: the labels are above them
BAR_SPACE = 270  # the longest bar; the value is written after it
BAR_HEIGHT = 16
ROW_HEIGHT = 42
FONT_SIZE = 14
LABEL_CHARACTERS = 46


@dataclass(frozen=True)
class Bar:
    label: str        # as drawn (shortened if long)
    full_label: str
    value_text: str
    width: float      # user units, 0 when there is no value
    y: float

    @property
    def label_y(self):
        return self.y + FONT_SIZE

    @property
    def bar_y(self):
        return self.y + FONT_SIZE + 5

    @property
    def text_y(self):
        return self.bar_y + BAR_HEIGHT * 0.8

    @property
    def value_x(self):
        return LABEL_WIDTH + self.width + (6 if self.width else 0)

    @property
    def svg(self):
        """The bar's `<g>`: its label, its rectangle (none without a value) and its value
        in text, escaped, lengths unlocalized (an Italian decimal comma is no SVG
        length). One string rather than template nodes: nine charts of 25 bars cost
        the dashboard a tenth of its time as nodes."""
        rect = (f'<rect x="{LABEL_WIDTH}" y="{self.bar_y}" width="{self.width}" '
                f'height="{BAR_HEIGHT}" fill="#0066cc"/>' if self.width else "")
        return mark_safe(
            f'<g><text x="{LABEL_WIDTH}" y="{self.label_y}" font-size="{FONT_SIZE}" '
            f'fill="#1a1a1a">{escape(self.label)}</text>{rect}'
            f'<text x="{self.value_x}" y="{self.text_y}" font-size="{FONT_SIZE}" '
            f'fill="#1a1a1a">{escape(self.value_text)}</text></g>')


@dataclass(frozen=True)
class Chart:
    slug: str
    title: str
    description: str
    bars: tuple
    height: int
    truncated: bool
    width: int = WIDTH
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT

    @property
    def title_id(self):
        return f"chart-{self.slug}-title"

    @property
    def desc_id(self):
        return f"chart-{self.slug}-desc"


def _series(table):
    """(label, value) per row: what each bar measures (see the module's docstring)."""
    if table.kind == Kind.COUNT:
        return list(zip(table.rows, table.row_totals(), strict=True)), _("total")
    if len(table.columns) == 1:
        return [(label, cells[0]) for label, cells in zip(table.rows, table.cells,
                                                           strict=True)], table.columns[0]
    series = []
    for label, cells, bases in zip(table.rows, table.cells, table.bases, strict=True):
        measured = sum(base for value, base in zip(cells, bases, strict=True)
                       if value is not None)
        weighted = sum(value * base for value, base in zip(cells, bases, strict=True)
                       if value is not None)
        series.append((label, round(weighted / measured, 1) if measured else None))
    return series, _("whole period")


def _short(label):
    label = str(label)
    return label if len(label) <= LABEL_CHARACTERS else label[:LABEL_CHARACTERS - 1] + "…"


def chart(table):
    """The Chart of `table` (outcomes.tables.Table), with its bars scaled to the largest
    value (100 for percentages)."""
    series, measure = _series(table)
    truncated = len(series) > MAX_BARS
    series = series[:MAX_BARS]
    values = [value for _label, value in series if value is not None]
    top = 100 if table.kind == Kind.PERCENT else max(values, default=0)
    bars = tuple(
        Bar(label=_short(label), full_label=str(label),
            value_text=format_value(value, table.kind),
            width=round(BAR_SPACE * value / top, 1) if value and top else 0,
            y=index * ROW_HEIGHT + 4)
        for index, (label, value) in enumerate(series))
    read_out = "; ".join(f"{bar.full_label}: {bar.value_text}" for bar in bars)
    description = _("Horizontal bar chart, one bar per row of the table (%(measure)s): "
                    "%(values)s.") % {"measure": measure, "values": read_out or "—"}
    if truncated:
        description += " " + _("The chart shows the first %(count)d rows; the table has "
                               "them all.") % {"count": MAX_BARS}
    return Chart(slug=table.slug, title=str(table.title), description=description,
                 bars=bars, height=max(len(bars), 1) * ROW_HEIGHT + 8,
                 truncated=truncated)
