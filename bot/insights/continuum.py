"""Moving customers along the continuum: from at risk, through satisfied or loyal, to engaged
advocate. Where each customer stood last period and stands now, what advocacy they showed, and
the step the team takes with each place.

A customer's place in a period is the engagement map's (bot.insights.engagement.place), read
from their answers up to that period's end; a customer who did not answer in a period, or whose
answers do not place them yet, is "not placed" in it.

Toward and away: at risk (neither loyal nor satisfied) is furthest from engaged advocate (both);
satisfied-not-loyal and loyal-not-satisfied stand between, side by side — a move between those
two is neither toward nor away. A move from or to "not placed" is neither either: nobody can
say where a customer stood without their answers. The shares are of customers placed in both
periods.

Every cell that counts fewer customers than the anonymity minimum (but some) is hidden; then, as
the map already shows how many customers each place holds, any row or column with exactly one
hidden cell hides its next smallest one too (complementary suppression), so no hidden cell can
be worked out from the totals.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.insights.engagement import PLACED_SEGMENTS, Segment

# The map's places and "not placed", in the order tables show them (best first).
PLACES: tuple[Segment, ...] = (*PLACED_SEGMENTS, Segment.UNPLACED)

# How far along the continuum a placed customer is: 2 engaged advocate, 0 at risk.
_RANK = {
    Segment.ENGAGED_ADVOCATE: 2,
    Segment.SATISFIED_NOT_LOYAL: 1,
    Segment.LOYAL_NOT_SATISFIED: 1,
    Segment.AT_RISK: 0,
}

# What a team usually does next with each place, until it chooses its own step.
DEFAULT_STEPS: dict[Segment, str] = {
    Segment.AT_RISK: "follow up",
    Segment.SATISFIED_NOT_LOYAL: "ask what would make them recommend us",
    Segment.LOYAL_NOT_SATISFIED: "fix the top theme",
    Segment.ENGAGED_ADVOCATE: "ask for a referral",
}

Cells = dict[Segment, dict[Segment, int]]
ShownCells = dict[Segment, dict[Segment, int | None]]


def direction(before: Segment, now: Segment) -> int:
    """+1 toward engaged advocate, -1 away from it, 0 neither (same rank, or not placed)."""
    if before not in _RANK or now not in _RANK:
        return 0
    return (_RANK[now] > _RANK[before]) - (_RANK[now] < _RANK[before])


@dataclass(frozen=True)
class ContinuumMovement:
    """Customers counted by their place last period (rows) and this period (columns)."""

    cells: Cells

    @property
    def customers(self) -> int:
        return sum(sum(row.values()) for row in self.cells.values())

    def _moved(self, way: int) -> int:
        return sum(n for before, row in self.cells.items() for now, n in row.items()
                   if direction(before, now) == way)

    @property
    def toward(self) -> int:
        return self._moved(1)

    @property
    def away(self) -> int:
        return self._moved(-1)

    @property
    def placed_both(self) -> int:
        """Customers placed in both periods: the base of the shares."""
        return sum(n for before, row in self.cells.items() for now, n in row.items()
                   if before in _RANK and now in _RANK)

    def share(self, way: int) -> float | None:
        """Percent of customers placed in both periods who moved that way; None without any."""
        base = self.placed_both
        return None if base == 0 else 100 * self._moved(way) / base


def count_movement(pairs: Iterable[tuple[Segment, Segment, int]]) -> ContinuumMovement:
    """The table from (place last period, place now, customers) triples."""
    cells: Cells = {before: dict.fromkeys(PLACES, 0) for before in PLACES}
    for before, now, customers in pairs:
        cells[before][now] += customers
    return ContinuumMovement(cells)


def suppress(cells: Mapping[Segment, Mapping[Segment, int]], minimum: int) -> ShownCells:
    """The cells as shown: None where hidden (see the module's note on suppression)."""
    shown: ShownCells = {b: {n: cells[b][n] for n in PLACES} for b in PLACES}
    for before in PLACES:
        for now in PLACES:
            count = cells[before][now]
            if 0 < count < minimum:
                shown[before][now] = None
    lines = [[(b, n) for n in PLACES] for b in PLACES] + [[(b, n) for b in PLACES] for n in PLACES]
    changed = True
    while changed:
        changed = False
        for line in lines:
            hidden = [key for key in line if shown[key[0]][key[1]] is None]
            if len(hidden) != 1:
                continue
            candidates = [key for key in line if shown[key[0]][key[1]] is not None]
            if not candidates:
                continue
            # The smallest other cell: hiding it costs the reader least. A zero hidden too
            # keeps a lone hidden cell from being the whole row.
            smallest = min(candidates, key=lambda key: (cells[key[0]][key[1]],
                                                         PLACES.index(key[0]),
                                                         PLACES.index(key[1])))
            shown[smallest[0]][smallest[1]] = None
            changed = True
    return shown


def shown_count(count: int, minimum: int) -> int | None:
    """A total as shown: hidden (None) when some but fewer than the minimum."""
    return None if 0 < count < minimum else count


@dataclass(frozen=True)
class PlaceAdvocacy:
    """What customers of one place did for us in the period, beside what they said."""

    place: Segment
    customers: int
    referred: int  # customers with at least one referral in the period
    reviewed: int  # customers with at least one public review or case study
    advocates: int  # customers with either (each counted once)
    promoters: int  # by their latest NPS answer: their stated loyalty
    passives: int
    detractors: int

    def percent(self, count: int) -> float | None:
        return None if self.customers == 0 else 100 * count / self.customers


@dataclass(frozen=True)
class CustomerAdvocacy:
    place: Segment
    latest_nps: int | None
    referred: bool
    reviewed: bool


def advocacy(customers: Iterable[CustomerAdvocacy]) -> dict[Segment, PlaceAdvocacy]:
    """Per place (not placed included): customers, those who referred or reviewed, and the
    classes of their latest NPS answers."""
    tally = {place: [0] * 7 for place in PLACES}
    for customer in customers:
        row = tally[customer.place]
        row[0] += 1
        row[1] += customer.referred
        row[2] += customer.reviewed
        row[3] += customer.referred or customer.reviewed
        score = customer.latest_nps
        if score is not None:
            row[4 if score >= 9 else 6 if score <= 6 else 5] += 1
    return {place: PlaceAdvocacy(place, *row) for place, row in tally.items()}
