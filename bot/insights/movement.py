"""Movement between two periods: where each customer's NPS class went, as pure functions.

Each customer who gave an NPS answer in either period is classed by their latest answer in
each: promoter (9–10), passive (7–8), detractor (0–6), or silent (no answer in that period).
Up and down are along promoter > passive > detractor only. A move from or to silent is neither:
nobody knows what a silent customer thinks, so counting "promoter → silent" as a fall would
call a customer who skipped one survey unhappy.

The table is published with its lines' totals (what each class became and came from, how
many moved up, down or stayed), and those totals can be counted elsewhere (answers of either
period), so a hidden cell must not be recoverable from them: see `suppress`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations

from bot.insights.metrics import nps_class
from bot.insights.suppression import protected

PROMOTER, PASSIVE, DETRACTOR, SILENT = "promoter", "passive", "detractor", "silent"
STANDINGS = (PROMOTER, PASSIVE, DETRACTOR, SILENT)
_RANK = {PROMOTER: 2, PASSIVE: 1, DETRACTOR: 0}

Cell = tuple[str, str]  # (standing in the previous period, standing in the current one)
CELLS: tuple[Cell, ...] = tuple((a, b) for a in STANDINGS for b in STANDINGS)
# Nobody is silent in both periods: such a customer is not in the table at all.
EMPTY: Cell = (SILENT, SILENT)


def standing(score: int | None) -> str:
    """A customer's class in one period from their latest answer there (None: no answer)."""
    return SILENT if score is None else nps_class(score)


def direction(cell: Cell) -> int:
    """+1 moved up, −1 moved down, 0 stayed or moved from or to silent."""
    before, after = cell
    if before == SILENT or after == SILENT:
        return 0
    return (_RANK[after] > _RANK[before]) - (_RANK[after] < _RANK[before])


UP: tuple[Cell, ...] = tuple(c for c in CELLS if direction(c) > 0)
DOWN: tuple[Cell, ...] = tuple(c for c in CELLS if direction(c) < 0)
STAYED: tuple[Cell, ...] = tuple((s, s) for s in STANDINGS if s != SILENT)


@dataclass(frozen=True)
class MovementTable:
    """Customers per (previous, current) standing; every cell present, EMPTY always 0."""

    counts: Mapping[Cell, int]

    @property
    def customers(self) -> int:
        return sum(self.counts.values())

    @property
    def up(self) -> int:
        return sum(self.counts[c] for c in UP)

    @property
    def down(self) -> int:
        return sum(self.counts[c] for c in DOWN)

    @property
    def net(self) -> int:
        return self.up - self.down

    def previous_total(self, before: str) -> int:
        return sum(self.counts[(before, after)] for after in STANDINGS)

    def current_total(self, after: str) -> int:
        return sum(self.counts[(before, after)] for before in STANDINGS)


def movement_table(latest: Iterable[tuple[int | None, int | None, int]]) -> MovementTable:
    """From (latest score in the previous period, latest in the current one, customers)."""
    counts = dict.fromkeys(CELLS, 0)
    for before, after, customers in latest:
        cell = (standing(before), standing(after))
        if cell == EMPTY:
            raise ValueError("a customer silent in both periods has no place in the table")
        if customers < 0:
            raise ValueError(f"a count cannot be negative: {customers}")
        counts[cell] += customers
    return MovementTable(counts)


# The totals a reader knows (shown beside the table, or counted from either period's answers):
# each class before and after, and how many moved up, down or stayed.
LINES: tuple[tuple[Cell, ...], ...] = (
    *(tuple((s, t) for t in STANDINGS if (s, t) != EMPTY) for s in STANDINGS),
    *(tuple((s, t) for s in STANDINGS if (s, t) != EMPTY) for t in STANDINGS),
    UP,
    DOWN,
    STAYED,
)


@dataclass(frozen=True)
class ShownTable:
    table: MovementTable
    hidden: frozenset[Cell]
    minimum: int
    complementary: int  # of `hidden`, cells at or above the minimum hidden to protect the rest

    def cell(self, cell: Cell) -> int | None:
        """The count, or None when it is hidden."""
        return None if cell in self.hidden else self.table.counts[cell]


def suppress(table: MovementTable, minimum: int) -> ShownTable:
    """Hide every cell of 1 to minimum − 1 customers, and the fewest others that keep them
    from being worked out.

    Every line of LINES is a total a reader may know. On each, the hidden cells must be at
    least two and hold at least `minimum` customers between them, unless the whole line is
    hidden (the rule of bot.insights.suppression, on one total); and no hidden cell may follow
    from the totals taken together (row minus column arithmetic across lines): see `_pinned`.
    The search tries every choice of one more cell, then two, …, and keeps the one hiding the
    fewest customers: at most 2^15 choices, most of them refused by the line rule before any
    arithmetic, and hiding everything always passes. A cell of 0 is shown: it points at nobody.
    """
    counts = table.counts
    cells = [c for c in CELLS if c != EMPTY]
    primary = frozenset(c for c in cells if 0 < counts[c] < minimum)
    others = [c for c in cells if c not in primary]
    for extra in range(len(others) + 1):
        safe = [
            (sum(counts[c] for c in chosen), [CELLS.index(c) for c in chosen], hidden)
            for chosen in combinations(others, extra)
            if _safe(counts, hidden := primary | frozenset(chosen), minimum)
        ]
        if safe:
            return ShownTable(table, min(safe)[2], minimum, extra)
    raise AssertionError("hiding every cell is always safe")  # pragma: no cover


def _safe(counts: Mapping[Cell, int], hidden: frozenset[Cell], minimum: int) -> bool:
    return (all(protected({c: counts[c] for c in line}, hidden, minimum) for line in LINES)
            and not _pinned(hidden))


# A prime larger than any minor of a 0/1 matrix of at most 12 rows (Hadamard's bound for 12 × 12
# is about 4,200): ranks, and so what the totals pin down, come out the same modulo it as over
# the rationals, with plain integer arithmetic.
_PRIME = 2_147_483_647


def _pinned(hidden: frozenset[Cell]) -> list[Cell]:
    """The hidden cells that the known totals pin down exactly.

    Each total minus its shown cells is a known sum over its hidden cells: a system A·x = b. A
    cell is pinned down exactly when its unit vector lies in the row space of A: in A's reduced
    row echelon form, when some row is that unit vector.
    """
    order = [c for c in CELLS if c in hidden]
    matrix = [[int(c in line) for c in order] for line in LINES]
    rank = 0
    for column in range(len(order)):
        pivot = next((r for r in range(rank, len(matrix)) if matrix[r][column]), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        inverse = pow(matrix[rank][column], _PRIME - 2, _PRIME)
        matrix[rank] = [value * inverse % _PRIME for value in matrix[rank]]
        for r in range(len(matrix)):
            if r != rank and matrix[r][column]:
                factor = matrix[r][column]
                matrix[r] = [(a - factor * b) % _PRIME
                             for a, b in zip(matrix[r], matrix[rank], strict=True)]
        rank += 1
    return [order[row.index(1)] for row in matrix[:rank] if sum(1 for v in row if v) == 1]
