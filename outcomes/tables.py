"""A figure of the outcomes as a table: what the dashboard draws, the CSV holds and the
public page shows after suppression (outcomes.suppression).

Shared by every figure so that one template, one chart and one CSV writer serve them
all. Labels are already in the active language.
"""

from dataclasses import dataclass, field


class Kind:
    """What the cells of a table measure."""

    COUNT = "count"      # people or requests: whole numbers, with row and column totals
    DAYS = "days"        # a duration in days (median), no totals
    PERCENT = "percent"  # a rate, 0–100, no totals


@dataclass(frozen=True)
class Table:
    """One figure.

    slug: ASCII, the CSV's file name stem ("richieste-per-mese" is the translated
        file name; the slug itself is English: "requests-by-month").
    title, description: what the figure shows and how it is counted, in the active
        language (the description names the rule, e.g. "first contact: the first status
        change after New").
    row_heading: the heading of the label column ("Mese").
    rows: the row labels, in order.
    columns: the column labels, in order.
    cells: rows × columns values (int for COUNT; float or None for DAYS and PERCENT,
        None where there is nothing to measure).
    kind: Kind.COUNT, Kind.DAYS or Kind.PERCENT.
    bases: for DAYS and PERCENT, rows × columns of the counts each value is computed
        from (requests measured, places, attendance records), so that the public page
        can suppress a rate or a median drawn from fewer than 10; None for COUNT.
    notes: further remarks shown under the table, in the active language.
    """

    slug: str
    title: str
    description: str
    row_heading: str
    rows: tuple
    columns: tuple
    cells: tuple
    kind: str = Kind.COUNT
    bases: tuple | None = None
    notes: tuple = field(default_factory=tuple)

    @property
    def has_totals(self):
        return self.kind == Kind.COUNT

    def row_totals(self):
        return tuple(sum(row) for row in self.cells)

    def column_totals(self):
        return tuple(sum(column) for column in zip(*self.cells, strict=True)) if self.cells else ()

    def grand_total(self):
        return sum(self.row_totals())
