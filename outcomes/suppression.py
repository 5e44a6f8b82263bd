"""Statistical disclosure control of the public figures: which cells of a table the page
"Il programma in numeri" may show (issue 20, "Outcomes").

The rule (the threshold of 10 is issue 20's; the method, primary and secondary cell
suppression of tables with their margins, is the one described in the ESSnet's
*Handbook on Statistical Disclosure Control*, Hundepool et al., 2010, written for
Eurostat):

- Primary suppression: every count under `THRESHOLD` (10) is not shown, zeros included
  (a zero tells exactly how many people are in a cell, and the issue asks for every
  count under 10). Row totals, column totals and the grand total are cells like the
  others: a total under 10 is suppressed too.
- Secondary (complementary) suppression: the totals are shown, so a lone hidden cell in
  a row or column would be its total minus the cells shown. More cells are hidden, the
  smallest first, until (1) every row and column of the table *with its margins* that
  hides a cell hides at least two, and (2) no hidden cell can be worked out from what is
  shown and what the page says about hidden cells (a "< 10" cell lies in 0–9, any other
  hidden cell is at least 10). (2) is checked exactly: with every line of the table and
  its margins summing to zero (totals taken with a minus sign), the values consistent
  with the page differ from the true ones by circulations on the table's row/column
  graph; a hidden cell can take another value if and only if it lies on a cycle of
  hidden cells each of which has room to move in the needed direction (the constraint
  matrix is totally unimodular, so a fractional move implies an integer one).
- Medians and rates (Kind.DAYS, Kind.PERCENT) have no totals: a value drawn from fewer
  than 10 requests, places or records (`Table.bases`) is not shown.

Functions are pure: they take a `outcomes.tables.Table` (or plain lists) and return
which cells to hide; `suppress` returns a `SuppressedTable` for templates and CSV.
"""

from collections import deque
from dataclasses import dataclass

from outcomes.tables import Kind

THRESHOLD = 10

# Why a cell is hidden (`Cell.status`).
SHOWN = "shown"
PRIMARY = "primary"      # under the threshold: shown as "< 10"
SECONDARY = "secondary"  # at least the threshold, hidden so a primary cannot be derived
EMPTY = "empty"          # a median or rate with nothing to measure (None)


@dataclass(frozen=True)
class Cell:
    """One value as the public sees it: `value` is None unless `status` is SHOWN."""

    value: object
    status: str

    @property
    def shown(self):
        return self.status == SHOWN


@dataclass(frozen=True)
class SuppressedTable:
    """A table after suppression. `cells`: rows × columns of Cell; for COUNT tables
    `row_totals` (one Cell a row), `column_totals` (one a column) and `grand_total`,
    else empty tuples and None. `table` is the original (never show its cells)."""

    table: object
    cells: tuple
    row_totals: tuple = ()
    column_totals: tuple = ()
    grand_total: Cell | None = None

    @property
    def hidden_count(self):
        every = [cell for row in self.cells for cell in row] + list(self.row_totals)
        every += list(self.column_totals) + ([self.grand_total] if self.grand_total else [])
        return sum(1 for cell in every if cell.status in (PRIMARY, SECONDARY))


def augmented(cells):
    """The (r+1) × (c+1) grid of `cells` (r × c counts) with each row's total as the last
    column, each column's total as the last row and the grand total in the corner."""
    rows = [list(row) + [sum(row)] for row in cells]
    width = len(rows[0]) if rows else 1
    rows.append([sum(row[j] for row in rows) for j in range(width)])
    return rows


def primary_cells(grid, threshold=THRESHOLD):
    """The positions (i, j) of `grid` (augmented counts) under `threshold`, zeros too."""
    return {(i, j) for i, row in enumerate(grid) for j, value in enumerate(row)
            if value < threshold}


def _sign(grid, i, j):
    """+1 for inner cells and the grand total, -1 for row and column totals: with these
    signs every row and column of the augmented grid sums to zero."""
    last_row, last_column = len(grid) - 1, len(grid[0]) - 1
    return -1 if (i == last_row) != (j == last_column) else 1


def _bounds(status, threshold):
    """What the page tells about a hidden count: 0..threshold-1 or at least threshold."""
    return (0, threshold - 1) if status == PRIMARY else (threshold, None)


def movable(grid, hidden, threshold=THRESHOLD, among=None):
    """The hidden positions that can take another value consistent with what is shown.

    grid: augmented counts; hidden: {(i, j): PRIMARY or SECONDARY}; among: the hidden
    positions to check (default all). Returns a set of positions; a checked position
    missing from it would be disclosed.

    Hiding one more cell only adds arcs to the graph below and removes none, so a
    position found movable stays movable as more cells are hidden: suppression_pattern
    checks each position until it is found movable, not again."""
    # Residual graph on row nodes ("r", i) and column nodes ("c", j): an arc r->c for a
    # hidden cell whose signed value z may grow, c->r for one whose z may shrink.
    arcs = {}
    for (i, j), status in hidden.items():
        sign = _sign(grid, i, j)
        low, high = _bounds(status, threshold)
        z = sign * grid[i][j]
        z_low, z_high = (low, high) if sign > 0 else (
            None if high is None else -high, -low)
        if z_high is None or z < z_high:
            arcs.setdefault(("r", i), []).append((("c", j), (i, j)))
        if z_low is None or z > z_low:
            arcs.setdefault(("c", j), []).append((("r", i), (i, j)))

    def reaches(start, goal, without):
        seen, queue = {start}, deque([start])
        while queue:
            node = queue.popleft()
            if node == goal:
                return True
            for target, position in arcs.get(node, ()):
                if position != without and target not in seen:
                    seen.add(target)
                    queue.append(target)
        return False

    result = set()
    for (i, j) in (hidden if among is None else among):
        own = arcs.get(("r", i), ())
        can_grow = any(position == (i, j) for _t, position in own)
        own = arcs.get(("c", j), ())
        can_shrink = any(position == (i, j) for _t, position in own)
        # Growing (i, j) needs a way back from its column to its row through other cells.
        if (can_grow and reaches(("c", j), ("r", i), (i, j))) or (
                can_shrink and reaches(("r", i), ("c", j), (i, j))):
            result.add((i, j))
    return result


def _line_of(grid, i, j):
    return [(i, k) for k in range(len(grid[0]))], [(k, j) for k in range(len(grid))]


def _smallest(grid, candidates, hidden):
    """The unhidden candidate with the smallest count (inner cells before totals, then
    reading order), or None."""
    last_row, last_column = len(grid) - 1, len(grid[0]) - 1
    free = [(grid[i][j], i == last_row or j == last_column, i, j)
            for (i, j) in candidates if (i, j) not in hidden]
    return (min(free)[2], min(free)[3]) if free else None


def suppression_pattern(cells, threshold=THRESHOLD, forced=()):
    """Which cells of a count table to hide.

    cells: r × c non-negative integers; forced: positions of the augmented grid to hide
    whatever their value (a count another figure hides, see suppress_linked). Returns
    {(i, j): PRIMARY | SECONDARY} over the augmented grid (`augmented(cells)`: row
    totals in column c, column totals in row r, the grand total at (r, c)).
    Deterministic: same table, same pattern."""
    grid = augmented(cells)
    hidden = dict.fromkeys(primary_cells(grid, threshold), PRIMARY)
    for position in forced:
        hidden.setdefault(position, SECONDARY)
    if not hidden:
        return hidden
    height, width = len(grid), len(grid[0])
    lines = [[(i, j) for j in range(width)] for i in range(height)]
    lines += [[(i, j) for i in range(height)] for j in range(width)]
    settled = set()  # found movable: they stay so (see movable)
    while True:
        # (1) at least two hidden cells in every line that hides one, smallest first.
        changed = True
        while changed:
            changed = False
            for line in lines:
                if sum(1 for position in line if position in hidden) == 1:
                    extra = _smallest(grid, line, hidden)
                    if extra is not None:
                        hidden[extra] = SECONDARY
                        changed = True
        # (2) no hidden cell pinned by the others and the bounds the page gives.
        unsettled = set(hidden) - settled
        settled |= movable(grid, hidden, threshold, among=unsettled)
        pinned = sorted(unsettled - settled)
        if not pinned:
            return hidden
        i, j = pinned[0]
        row, column = _line_of(grid, i, j)
        extra = _smallest(grid, row + column, hidden)
        if extra is None:
            # Everything around it is hidden already: hide anything else left.
            extra = _smallest(grid, [(a, b) for a in range(height) for b in range(width)],
                              hidden)
            if extra is None:
                return hidden
        hidden[extra] = SECONDARY


def suppress(table, threshold=THRESHOLD, forced=()):
    """`table` (outcomes.tables.Table) as the public may see it: a SuppressedTable.
    `forced`: positions of a count table's augmented grid to hide too."""
    if table.kind != Kind.COUNT:
        bases = table.bases or tuple(tuple(0 for _ in row) for row in table.cells)
        cells = tuple(
            tuple(Cell(None, EMPTY) if value is None
                  else Cell(None, PRIMARY) if (base or 0) < threshold
                  else Cell(value, SHOWN)
                  for value, base in zip(row, base_row, strict=False))
            for row, base_row in zip(table.cells, bases, strict=False))
        return SuppressedTable(table=table, cells=cells)
    values = [list(row) for row in table.cells]
    if not values or not values[0]:
        return SuppressedTable(table=table, cells=tuple(() for _ in values))
    grid = augmented(values)
    hidden = suppression_pattern(values, threshold, forced)

    def cell(i, j):
        status = hidden.get((i, j), SHOWN)
        return Cell(grid[i][j] if status == SHOWN else None, status)

    height, width = len(values), len(values[0])
    return SuppressedTable(
        table=table,
        cells=tuple(tuple(cell(i, j) for j in range(width)) for i in range(height)),
        row_totals=tuple(cell(i, width) for i in range(height)),
        column_totals=tuple(cell(height, j) for j in range(width)),
        grand_total=cell(height, width),
    )


def suppress_linked(tables, links, threshold=THRESHOLD):
    """{slug: SuppressedTable} of `tables` (outcomes.tables.Table), each suppressed as by
    `suppress`, and the counts that two figures share kept hidden together.

    Two figures of one page may publish the same count (the month totals of requests by
    source and by status) or counts whose sums are equal (the referrals' grand total is
    the partner and union columns' totals of requests by source). A count hidden in one
    and shown in the other is disclosed, and so is one worked out from the other's
    shown sum. `links`: [(side, side)], each side a list of (slug, (i, j)) positions of
    the augmented grids whose counts sum to the other side's. For each link: when one
    side hides a count, the other side hides one too (its smallest), and each table is
    suppressed again with what it must hide, until nothing changes.

    Within each table the exact check of suppression_pattern holds; across tables this
    rule closes the equalities a reader can read off the page (the attack of the review
    of issue 20), not every combination of them."""
    tables = {table.slug: table for table in tables}
    forced = {slug: set() for slug in tables}
    results = {slug: suppress(table, threshold) for slug, table in tables.items()}
    while True:
        extra = {}
        for left, right in links:
            sides = [[(slug, position) for slug, position in side
                      if slug in results and results[slug].row_totals]  # a count table
                     for side in (left, right)]                         # with cells
            if not all(sides):
                continue
            hides = [any(_hidden_at(results[slug], position) for slug, position in side)
                     for side in sides]
            for side, hides_one, other_hides in ((sides[0], hides[0], hides[1]),
                                                 (sides[1], hides[1], hides[0])):
                if other_hides and not hides_one:
                    slug, position = min(side, key=lambda item: (
                        _count_at(tables[item[0]], item[1]), item))
                    extra.setdefault(slug, set()).add(position)
        changed = {slug for slug, positions in extra.items() if positions - forced[slug]}
        if not changed:
            return results
        for slug in changed:
            forced[slug] |= extra[slug]
            results[slug] = suppress(tables[slug], threshold, forced[slug])


def _hidden_at(result, position):
    i, j = position
    height, width = len(result.cells), len(result.cells[0]) if result.cells else 0
    if i < height and j < width:
        cell = result.cells[i][j]
    elif i < height:
        cell = result.row_totals[i]
    elif j < width:
        cell = result.column_totals[j]
    else:
        cell = result.grand_total
    return cell is not None and cell.status in (PRIMARY, SECONDARY)


def _count_at(table, position):
    i, j = position
    return augmented([list(row) for row in table.cells])[i][j]
