"""The engagement map for a period: each customer's loyalty × satisfaction, how it moved, and
in each place stated loyalty (NPS) beside revealed loyalty (renewals; bot.insights.revealed)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from bot.core.periods import Period
from bot.insights.continuum import ContinuumMovement
from bot.insights.engagement import (
    PLACED_SEGMENTS,
    Mix,
    Retention,
    Segment,
    counted_mix,
    is_promoter,
    mix_change,
    place,
    promoters_retained_share,
)
from bot.insights.revealed import PlaceCounts, PlaceLoyalty, place_loyalty
from bot.reporting.continuum import movement_from_counts, standing_before, standing_now
from storage.engagement_counts import StandingCount, standing_counts

# The configured default (ANONYMITY_MINIMUM): callers that know the workspace's pass theirs.
DEFAULT_MINIMUM = 5


@dataclass(frozen=True)
class EngagementMap:
    period: Period
    mix: Mix
    previous: Mix
    change: dict[Segment, float] | None
    retention: Retention
    promoters_retained: float | None
    # Who moved between places since the previous period; None from a snapshot kept before
    # the map carried it.
    movement: ContinuumMovement | None = None
    # Per placed segment: its customers' latest NPS answers and what they did in the period.
    places: dict[Segment, PlaceCounts] = field(default_factory=dict)
    minimum: int = DEFAULT_MINIMUM  # below it a place's stated or revealed figure is hidden

    def loyalty(self, segment: Segment) -> PlaceLoyalty:
        """Stated beside revealed loyalty in one place, hidden under the minimum."""
        return place_loyalty(self.places.get(segment, PlaceCounts()), self.minimum)


def _places(counts: list[StandingCount]) -> dict[Segment, PlaceCounts]:
    places = {segment: PlaceCounts() for segment in PLACED_SEGMENTS}
    for c in counts:
        where = place(standing_now(c)) if c.in_current else Segment.UNPLACED
        if where in places and c.now_latest_nps is not None:
            places[where] = places[where].plus(c.now_latest_nps, c.outcome, c.customers)
    return places


def _mixes(counts: list[StandingCount]) -> tuple[Mix, Mix]:
    """This period's mix (its customers, on their history since the previous period began)
    and the previous period's (the same, one period further back)."""
    now = counted_mix((standing_now(c), c.customers) for c in counts if c.in_current)
    before = counted_mix((standing_before(c), c.customers) for c in counts if c.in_previous)
    return now, before


def _retention(counts: list[StandingCount]) -> tuple[Retention, float | None]:
    def customers(*, previous: bool = False, current: bool = False) -> int:
        return sum(c.customers for c in counts
                   if (c.in_previous or not previous) and (c.in_current or not current))

    def promoters(*, kept: bool) -> int:
        return sum(c.customers for c in counts
                   if is_promoter(c.previous_latest_nps)
                   and (is_promoter(c.current_latest_nps) or not kept))

    kept = Retention(customers(previous=True), customers(current=True),
                     customers(previous=True, current=True))
    return kept, promoters_retained_share(promoters(kept=False), promoters(kept=True))


def build_engagement_map(
    *, session: Session, team_id: str, period: Period, minimum: int = DEFAULT_MINIMUM,
    counts: list[StandingCount] | None = None,
) -> EngagementMap:
    """`counts`: the period's standings counted already (by a caller that reads them per
    customer for the continuum views too); read here otherwise."""
    if counts is None:
        previous = period.previous()
        counts = standing_counts(session=session, team_id=team_id,
                                 earlier=previous.previous().start, previous=previous.start,
                                 current=period.start, until=period.end)
    mix, previous_mix = _mixes(counts)
    kept, promoters_kept = _retention(counts)
    return EngagementMap(
        period=period,
        mix=mix,
        previous=previous_mix,
        change=mix_change(mix, previous_mix),
        retention=kept,
        promoters_retained=promoters_kept,
        movement=movement_from_counts(counts),
        places=_places(counts),
        minimum=minimum,
    )
