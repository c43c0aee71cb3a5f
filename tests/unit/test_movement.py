"""Movement between periods: classes, up and down, the table's counts and what it hides."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.insights.movement import (
    CELLS,
    DETRACTOR,
    EMPTY,
    LINES,
    PASSIVE,
    PROMOTER,
    SILENT,
    STANDINGS,
    MovementTable,
    direction,
    movement_table,
    standing,
    suppress,
)


@pytest.mark.parametrize(("score", "expected"), [
    (None, SILENT), (0, DETRACTOR), (6, DETRACTOR), (7, PASSIVE), (8, PASSIVE), (9, PROMOTER),
    (10, PROMOTER),
])
def test_a_period_is_classed_by_its_latest_score_or_silent(score: int | None,
                                                           expected: str) -> None:
    assert standing(score) == expected


def test_up_and_down_run_along_promoter_passive_detractor_and_silent_is_neither() -> None:
    assert direction((DETRACTOR, PASSIVE)) == direction((PASSIVE, PROMOTER)) == 1
    assert direction((DETRACTOR, PROMOTER)) == 1
    assert direction((PROMOTER, PASSIVE)) == direction((PASSIVE, DETRACTOR)) == -1
    assert direction((PROMOTER, DETRACTOR)) == -1
    for s in STANDINGS:
        assert direction((s, s)) == 0
        assert direction((s, SILENT)) == direction((SILENT, s)) == 0


def test_a_table_counted_on_paper() -> None:
    # Twelve customers, (latest score before, latest score now); None = silent:
    #   A 10→9 promoter→promoter    B 9→3 promoter→detractor   C 10→7 promoter→passive
    #   D 8→10 passive→promoter     E 7→6 passive→detractor    F 2→9 detractor→promoter
    #   G 4→8 detractor→passive     J 3→2 detractor→detractor  N 6→7 detractor→passive
    #   H 9→–  promoter→silent      I –→6 silent→detractor     K –→10 silent→promoter
    table = movement_table([
        (10, 9, 1), (9, 3, 1), (10, 7, 1), (8, 10, 1), (7, 6, 1), (2, 9, 1), (4, 8, 1),
        (3, 2, 1), (6, 7, 1), (9, None, 1), (None, 6, 1), (None, 10, 1),
    ])

    counts = table.counts
    assert counts[(PROMOTER, PROMOTER)] == counts[(PROMOTER, PASSIVE)] == 1
    assert counts[(PROMOTER, DETRACTOR)] == counts[(PROMOTER, SILENT)] == 1
    assert counts[(PASSIVE, PROMOTER)] == counts[(PASSIVE, DETRACTOR)] == 1
    assert counts[(PASSIVE, PASSIVE)] == counts[(PASSIVE, SILENT)] == 0
    assert counts[(DETRACTOR, PASSIVE)] == 2  # G and N
    assert counts[(DETRACTOR, PROMOTER)] == counts[(DETRACTOR, DETRACTOR)] == 1
    assert counts[(SILENT, PROMOTER)] == counts[(SILENT, DETRACTOR)] == 1
    assert counts[EMPTY] == 0
    assert table.customers == 12
    # Up: D, F, G, N = 4. Down: B, C, E = 3. H, I and K moved from or to silent: neither.
    assert (table.up, table.down, table.net) == (4, 3, 1)
    # Rows: promoter 4 (A B C H), passive 2, detractor 4, silent 2; columns: promoter 4
    # (A D F K), passive 3 (C G N), detractor 4 (B E J I), silent 1 (H).
    assert [table.previous_total(s) for s in STANDINGS] == [4, 2, 4, 2]
    assert [table.current_total(s) for s in STANDINGS] == [4, 3, 4, 1]


def test_nobody_is_silent_in_both_periods() -> None:
    with pytest.raises(ValueError, match="silent in both"):
        movement_table([(None, None, 1)])


def _table(**cells: int) -> MovementTable:
    """Cells named like promoter_detractor=3; the rest 0."""
    counts = dict.fromkeys(CELLS, 0)
    for name, n in cells.items():
        before, after = name.split("_")
        counts[(before, after)] = n
    return MovementTable(counts)


def test_a_table_of_large_cells_hides_nothing() -> None:
    table = _table(**{f"{a}_{b}": 20 for a, b in CELLS if (a, b) != EMPTY})

    shown = suppress(table, 5)

    assert shown.hidden == frozenset()
    assert shown.cell((PROMOTER, DETRACTOR)) == 20


@pytest.mark.parametrize(("small", "hidden"), [(4, True), (5, False), (6, False)])
def test_a_cell_is_hidden_below_the_minimum_and_shown_from_it(small: int, hidden: bool) -> None:
    cells = {f"{a}_{b}": 20 for a, b in CELLS if (a, b) != EMPTY}
    cells["promoter_detractor"] = small

    shown = suppress(_table(**cells), 5)

    assert ((PROMOTER, DETRACTOR) in shown.hidden) is hidden
    assert (shown.cell((PROMOTER, DETRACTOR)) is None) is hidden


def test_an_empty_cell_is_shown_it_points_at_nobody() -> None:
    cells = {f"{a}_{b}": 20 for a, b in CELLS if (a, b) != EMPTY}
    cells["promoter_detractor"] = 0

    assert suppress(_table(**cells), 5).hidden == frozenset()


def test_one_small_cell_takes_the_fewest_others_with_it() -> None:
    # promoter→detractor 3, every other cell 20. Its row, its column and the "down" line each
    # know their total, so each needs a second hidden cell, and together they must not let
    # row minus column arithmetic pin one down. Hiding promoter→passive (row, down), and
    # silent→passive and silent→detractor (closing the rectangle through two silent cells, in
    # no up/down/stayed line) leaves a = promoter→passive, b = promoter→detractor,
    # c = silent→passive, d = silent→detractor with only a + b, c + d, a + c, b + d known
    # (and a + b again from "down"): rank 3 of 4 unknowns, none pinned. No choice of one or
    # two more cells works (each would leave a line with one hidden cell).
    cells = {f"{a}_{b}": 20 for a, b in CELLS if (a, b) != EMPTY}
    cells["promoter_detractor"] = 3

    shown = suppress(_table(**cells), 5)

    assert shown.hidden == {(PROMOTER, PASSIVE), (PROMOTER, DETRACTOR), (SILENT, PASSIVE),
                            (SILENT, DETRACTOR)}
    assert shown.complementary == 3
    _assert_protected(shown.table.counts, set(shown.hidden), 5)


# No deadline: a table of mostly empty cells takes the search ~0.1 s, more on a loaded machine.
@settings(deadline=None)
@given(st.lists(st.sampled_from([0, 1, 2, 3, 4, 5, 6, 9, 15, 40]), min_size=15, max_size=15),
       st.integers(min_value=3, max_value=10))
def test_no_hidden_cell_can_be_worked_out_from_the_totals(values: list[int],
                                                          minimum: int) -> None:
    counts = dict(zip([c for c in CELLS if c != EMPTY], values, strict=True)) | {EMPTY: 0}
    shown = suppress(MovementTable(counts), minimum)

    for cell in CELLS:
        if cell != EMPTY and 0 < counts[cell] < minimum:
            assert cell in shown.hidden
    assert EMPTY not in shown.hidden
    _assert_protected(counts, set(shown.hidden), minimum)


def _assert_protected(counts: dict[tuple[str, str], int], hidden: set[tuple[str, str]],
                      minimum: int) -> None:
    """Every known total that holds a hidden cell holds two or more, with `minimum` people
    between them (unless the whole total is hidden), and no combination of the totals pins
    one down: no hidden cell's unit vector is a combination of the totals' rows (checked with
    numpy's floating-point rank, independently of the module's exact elimination)."""
    for line in LINES:
        inside = [c for c in line if c in hidden]
        if inside and len(inside) < len(line):
            assert len(inside) >= 2
            assert sum(counts[c] for c in inside) >= minimum
    order = sorted(hidden, key=CELLS.index)
    if not order:
        return
    rows = np.array([[float(c in line) for c in order] for line in LINES])
    rank = np.linalg.matrix_rank(rows)
    for place, cell in enumerate(order):
        unit = np.eye(len(order))[place]
        assert np.linalg.matrix_rank(np.vstack([rows, unit])) > rank, cell


def test_the_lines_are_every_row_every_column_and_up_down_stayed() -> None:
    # 4 rows + 4 columns + up + down + stayed; silent→silent is in none (it is always 0).
    assert len(LINES) == 11
    assert all(EMPTY not in line for line in LINES)
    assert sorted(itertools.chain.from_iterable(LINES[:4])) == sorted(c for c in CELLS
                                                                       if c != EMPTY)
