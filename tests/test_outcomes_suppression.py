"""Statistical suppression of the public figures (outcomes.suppression): every count under
10 hidden, and an attacker who reads the shown cells and totals cannot recover any hidden
one. The attack is independent of the code under test: an exact linear programme over
the rationals (simplex, Bland's rule) gives each hidden cell's minimum and maximum given
the shown cells, the totals and the bounds the page states ("< 10": 0–9; any other hidden
count: at least 10). The constraint matrix is totally unimodular, so min < max over the
reals means two integer values are possible too."""

import random
from fractions import Fraction

import pytest

from outcomes import suppression
from outcomes.suppression import PRIMARY, SECONDARY, SHOWN, THRESHOLD
from outcomes.tables import Kind, Table

# --- The attack ---------------------------------------------------------------------------

def _pivot(tableau, basis, row, column, objective=None):
    pivot = tableau[row][column]
    tableau[row] = [value / pivot for value in tableau[row]]
    pivot_line = tableau[row]
    for other, line in enumerate(tableau):
        if other != row and line[column] != 0:
            factor = line[column]
            tableau[other] = [a - factor * b if b else a
                              for a, b in zip(line, pivot_line, strict=True)]
    if objective is not None and objective[column] != 0:
        factor = objective[column]
        objective[:] = [a - factor * b if b else a
                        for a, b in zip(objective, pivot_line, strict=True)]
    basis[row] = column


def _run(tableau, basis, cost, columns):
    """Minimise cost over the tableau (Bland's rule). Returns the optimum, or None when
    unbounded below."""
    width = len(tableau[0])
    objective = list(cost) + [Fraction(0)] * (width - len(cost))
    for b, line in zip(basis, tableau, strict=False):  # reduced costs: zero on the basis
        if objective[b] != 0:
            factor = objective[b]
            objective = [a - factor * v for a, v in zip(objective, line, strict=False)]
    while True:
        entering = next((k for k in columns if objective[k] < 0), None)
        if entering is None:
            return -objective[-1]
        best = None
        for i, line in enumerate(tableau):
            if line[entering] > 0:
                ratio = line[-1] / line[entering]
                if best is None or (ratio, basis[i]) < best[0]:
                    best = ((ratio, basis[i]), i)
        if best is None:
            return None
        _pivot(tableau, basis, best[1], entering, objective)


def feasible_tableau(matrix, rhs, n):
    """Phase one: a feasible basis of matrix·y = rhs, y >= 0 (AssertionError if none;
    the true table is always feasible). Returns (tableau, basis) without artificials."""
    m = len(matrix)
    rows = []
    for line, value in zip(matrix, rhs, strict=False):
        line, value = [Fraction(v) for v in line], Fraction(value)
        if value < 0:
            line, value = [-v for v in line], -value
        rows.append((line, value))
    tableau = [line + [Fraction(int(k == i)) for k in range(m)] + [value]
               for i, (line, value) in enumerate(rows)]
    basis = [n + i for i in range(m)]
    phase_one = [Fraction(0)] * n + [Fraction(1)] * m
    assert _run(tableau, basis, phase_one, range(n + m)) == 0, "infeasible"
    for i in range(len(tableau)):
        if basis[i] >= n:
            for k in range(n):
                if tableau[i][k] != 0:
                    _pivot(tableau, basis, i, k)
                    break
    keep = [i for i in range(len(tableau)) if basis[i] < n]
    return [tableau[i][:n] + [tableau[i][-1]] for i in keep], [basis[i] for i in keep]


def lp_minimum(start, cost):
    """min cost·y from the feasible (tableau, basis) `start` (not changed). Fraction, or
    None if unbounded below."""
    tableau, basis = [list(line) for line in start[0]], list(start[1])
    return _run(tableau, basis, [Fraction(c) for c in cost], range(len(cost)))


def feasible_ranges(shown, hidden, threshold=THRESHOLD):
    """shown: {(i, j): count} of the augmented grid as published; hidden: {(i, j):
    PRIMARY | SECONDARY}; the grid is (r+1) × (c+1) with totals last. Returns {(i, j):
    (min, max)} of each hidden cell (max None when unbounded)."""
    height = 1 + max(i for i, _ in list(shown) + list(hidden))
    width = 1 + max(j for _, j in list(shown) + list(hidden))
    variables = sorted(hidden)
    index = {position: k for k, position in enumerate(variables)}
    lows = {p: 0 if hidden[p] == PRIMARY else threshold for p in variables}
    highs = {p: threshold - 1 if hidden[p] == PRIMARY else None for p in variables}
    bounded = [p for p in variables if highs[p] is not None]
    n = len(variables) + len(bounded)
    matrix, rhs = [], []
    lines = [([(i, j) for j in range(width - 1)], (i, width - 1)) for i in range(height)]
    lines += [([(i, j) for i in range(height - 1)], (height - 1, j)) for j in range(width)]
    for parts, total in lines:
        terms = [(p, 1) for p in parts] + [(total, -1)]
        if not any(p in hidden for p, _ in terms):
            continue
        line, value = [0] * n, 0
        for p, sign in terms:
            if p in hidden:  # x = low + y
                line[index[p]] += sign
                value -= sign * lows[p]
            else:
                value -= sign * shown[p]
        matrix.append(line)
        rhs.append(value)
    for k, p in enumerate(bounded):  # y + slack = high - low
        line = [0] * n
        line[index[p]] = 1
        line[len(variables) + k] = 1
        matrix.append(line)
        rhs.append(highs[p] - lows[p])
    start = feasible_tableau(matrix, rhs, n)
    ranges = {}
    for p in variables:
        cost = [0] * n
        cost[index[p]] = 1
        low = lp_minimum(start, cost) + lows[p]
        cost[index[p]] = -1
        negative = lp_minimum(start, cost)
        ranges[p] = (low, None if negative is None else lows[p] - negative)
    return ranges


def assert_not_derivable(shown, hidden, truth=None):
    """Every hidden cell has at least two possible values; the truth is among them."""
    for position, (low, high) in feasible_ranges(shown, hidden).items():
        assert high is None or low < high, f"cell {position} is derivable: {low}..{high}"
        if truth is not None:
            value = truth[position[0]][position[1]]
            assert low <= value and (high is None or value <= high)


def published(cells):
    """What the page shows of a count table: ({position: count}, {position: status})."""
    grid = suppression.augmented(cells)
    hidden = suppression.suppression_pattern(cells)
    shown = {(i, j): grid[i][j] for i in range(len(grid)) for j in range(len(grid[0]))
             if (i, j) not in hidden}
    return grid, shown, hidden


# --- Generated tables -------------------------------------------------------------------

def _table(seed):
    """A deterministic table for `seed`: shapes 1×n, n×1, square and wide, with zeros,
    all-small, all-nine and large counts mixed."""
    chooser = random.Random(seed)
    shapes = [(1, 1), (1, 2), (1, 5), (2, 1), (6, 1), (2, 2), (3, 3), (4, 5), (6, 3),
              (2, 7), (5, 4)]
    height, width = shapes[seed % len(shapes)]
    style = (seed // len(shapes)) % 5
    if style == 0:
        values = [[chooser.choice([0, 1, 3, 9, 10, 12, 40, 150]) for _ in range(width)]
                  for _ in range(height)]
    elif style == 1:
        values = [[0] * width for _ in range(height)]
    elif style == 2:
        values = [[chooser.randint(0, 9) for _ in range(width)] for _ in range(height)]
    elif style == 3:
        values = [[9] * width for _ in range(height)]
    else:
        values = [[chooser.randint(10, 60) if chooser.random() < 0.8 else
                   chooser.randint(1, 9) for _ in range(width)] for _ in range(height)]
    return values


SEEDS = list(range(55))


@pytest.mark.parametrize("seed", SEEDS)
def test_no_suppressed_cell_can_be_recovered_from_the_totals(seed):
    cells = _table(seed)
    grid, shown, hidden = published(cells)
    for position, value in shown.items():
        assert value >= THRESHOLD, f"{position} shows {value}"
    for position, status in hidden.items():
        value = grid[position[0]][position[1]]
        assert (status == PRIMARY) == (value < THRESHOLD)
    if hidden:
        assert_not_derivable(shown, hidden, truth=grid)


@pytest.mark.parametrize("seed", SEEDS + [1000, 1001])
def test_every_hidden_cell_is_movable_when_checked_again_from_scratch(seed):
    """suppression_pattern checks a cell until it is found movable, never again (see
    movable): the final pattern, checked whole, must agree. Seeds 1000 and up are
    tables the size of the referrals' (200 organisations × 5 outcomes)."""
    if seed >= 1000:
        chooser = random.Random(seed)
        cells = [[chooser.choice([0, 1, 2, 5, 9, 10, 14, 30]) for _ in range(5)]
                 for _ in range(200)]
    else:
        cells = _table(seed)
    grid = suppression.augmented(cells)
    hidden = suppression.suppression_pattern(cells)
    assert suppression.movable(grid, hidden) == set(hidden)


@pytest.mark.parametrize("cells, why", [
    ([[9, 9]], "two nines and their total 18 would pin both"),
    ([[0, 25], [30, 40]], "a lone small cell next to its totals"),
    ([[5, 50, 60], [70, 80, 90], [100, 3, 110]], "two small cells far apart"),
    ([[3]], "one cell alone"),
    ([[12, 15], [20, 3]], "one small cell in a 2×2 table"),
    ([[15, 3, 12, 30]], "one row: column totals repeat the cells"),
])
def test_known_traps(cells, why):
    grid, shown, hidden = published(cells)
    assert hidden, why
    assert_not_derivable(shown, hidden, truth=grid)


def test_nothing_hidden_when_every_count_and_total_is_ten_or_more():
    assert suppression.suppression_pattern([[10, 20], [30, 40]]) == {}


def test_secondary_cells_are_the_smallest_available():
    hidden = suppression.suppression_pattern([[4, 11, 50], [60, 70, 80], [90, 95, 99]])
    assert hidden[(0, 0)] == PRIMARY
    # The smallest other cell of its row (11) and of its column (60) are hidden with it.
    assert hidden[(0, 1)] == SECONDARY and hidden[(1, 0)] == SECONDARY
    assert (2, 2) not in hidden


def test_the_attack_finds_a_cell_left_alone():
    """The attack itself works: a naive pattern that hides only the small cell is caught."""
    grid = suppression.augmented([[3, 20], [30, 40]])
    shown = {(i, j): grid[i][j] for i in range(3) for j in range(3) if (i, j) != (0, 0)}
    with pytest.raises(AssertionError, match="derivable"):
        assert_not_derivable(shown, {(0, 0): PRIMARY})


def test_two_nines_caught_by_the_attack_without_secondary_suppression():
    grid = suppression.augmented([[9, 9]])
    hidden = {(0, 0): PRIMARY, (0, 1): PRIMARY, (1, 0): PRIMARY, (1, 1): PRIMARY}
    shown = {(i, j): grid[i][j] for i in range(2) for j in range(3) if (i, j) not in hidden}
    with pytest.raises(AssertionError, match="derivable"):
        assert_not_derivable(shown, hidden)


def _count_table(cells):
    return Table(slug="t", title="T", description="", row_heading="Row",
                 rows=tuple(f"r{i}" for i in range(len(cells))),
                 columns=tuple(f"c{j}" for j in range(len(cells[0]))),
                 cells=tuple(tuple(row) for row in cells))


def test_suppress_returns_cells_and_totals_with_their_status():
    result = suppression.suppress(_count_table([[4, 11, 50], [60, 70, 80]]))
    assert result.cells[0][0].status == PRIMARY and result.cells[0][0].value is None
    assert result.cells[1][2] == suppression.Cell(80, SHOWN)
    assert len(result.row_totals) == 2 and len(result.column_totals) == 3
    assert result.grand_total == suppression.Cell(275, SHOWN)
    every = [c for row in result.cells for c in row] + list(result.row_totals)
    every += list(result.column_totals) + [result.grand_total]
    assert all(c.value is None for c in every if not c.shown)


def test_rates_and_medians_hidden_when_their_base_is_under_ten():
    table = Table(slug="rate", title="Rate", description="", row_heading="Group",
                  rows=("a", "b", "c"), columns=("Rate",),
                  cells=((80.0,), (50.0,), (None,)), kind=Kind.PERCENT,
                  bases=((10,), (9,), (0,)))
    result = suppression.suppress(table)
    assert result.cells[0][0] == suppression.Cell(80.0, SHOWN)
    assert result.cells[1][0].status == PRIMARY and result.cells[1][0].value is None
    assert result.cells[2][0].status == suppression.EMPTY
    assert result.row_totals == () and result.grand_total is None
