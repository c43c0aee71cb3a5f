"""The engagement map for a period: each customer's loyalty × satisfaction, and how it moved."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from bot.insights.engagement import (
    Mix,
    Retention,
    Segment,
    Standing,
    counted_mix,
    is_promoter,
    mix_change,
    promoters_retained_share,
)
from bot.periods import Period
from storage.engagement_counts import StandingCount, standing_counts


@dataclass(frozen=True)
class EngagementMap:
    period: Period
    mix: Mix
    previous: Mix
    change: dict[Segment, float] | None
    retention: Retention
    promoters_retained: float | None


def _mix(counts: list[StandingCount]) -> Mix:
    """The mix of the customers who answered after the split (in the period itself)."""
    return counted_mix(
        (
            Standing(c.latest_nps, c.nps_before, c.latest_csat,
                     answered_previous_period=c.answered_before_split,
                     answered_this_period=True),
            c.customers,
        )
        for c in counts
        if c.answered_after_split
    )


def _retention(counts: list[StandingCount]) -> tuple[Retention, float | None]:
    def total(*, before: bool = False, after: bool = False) -> int:
        return sum(c.customers for c in counts
                   if (c.answered_before_split or not before)
                   and (c.answered_after_split or not after))

    def promoters(*, kept: bool) -> int:
        return sum(c.customers for c in counts
                   if is_promoter(c.latest_nps_before_split)
                   and (is_promoter(c.latest_nps_after_split) or not kept))

    kept = Retention(total(before=True), total(after=True), total(before=True, after=True))
    return kept, promoters_retained_share(promoters(kept=False), promoters(kept=True))


def build_engagement_map(*, session: Session, team_id: str, period: Period) -> EngagementMap:
    previous = period.previous()
    earlier = previous.previous()
    # This period placed against its history since the previous one began; the previous
    # period the same way, one period further back. The first also gives retention.
    now = standing_counts(session=session, team_id=team_id, since=previous.start,
                          split=period.start, until=period.end, include_until=True)
    before = standing_counts(session=session, team_id=team_id, since=earlier.start,
                             split=previous.start, until=period.start, include_until=False)
    mix, previous_mix = _mix(now), _mix(before)
    kept, promoters_kept = _retention(now)
    return EngagementMap(
        period=period,
        mix=mix,
        previous=previous_mix,
        change=mix_change(mix, previous_mix),
        retention=kept,
        promoters_retained=promoters_kept,
    )
