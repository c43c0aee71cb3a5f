"""The engagement map for a period: each customer's loyalty × satisfaction, and how it moved."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from bot.insights.engagement import (
    CustomerHistory,
    Mix,
    Retention,
    Segment,
    engagement_mix,
    mix_change,
    promoters_retained,
    retention,
)
from bot.periods import Period
from storage.models import Metric
from storage.reporting import AnswerRow, answers_by_respondent


@dataclass(frozen=True)
class EngagementMap:
    period: Period
    mix: Mix
    previous: Mix
    change: dict[Segment, float] | None
    retention: Retention
    promoters_retained: float | None


def _histories(rows: list[AnswerRow], *, current: Period) -> dict[int, CustomerHistory]:
    """Histories of the customers who answered in `current`, from `rows` (this period and the
    one before, oldest first)."""
    nps: dict[int, list[tuple[date, int]]] = defaultdict(list)
    csat: dict[int, list[tuple[date, int]]] = defaultdict(list)
    before: set[int] = set()
    now: set[int] = set()
    for row in rows:
        target = nps if row.metric is Metric.NPS else csat
        target[row.respondent_id].append((row.answered_at.date(), row.score))
        (now if row.answered_at >= current.start else before).add(row.respondent_id)
    return {
        who: CustomerHistory(nps[who], csat[who], who in before, who in now)
        for who in now
    }


def _latest_promoters(rows: list[AnswerRow]) -> set[int]:
    latest: dict[int, int] = {}
    for row in rows:  # oldest first, so the last NPS answer wins
        if row.metric is Metric.NPS:
            latest[row.respondent_id] = row.score
    return {who for who, score in latest.items() if score >= 9}


def build_engagement_map(*, session: Session, team_id: str, period: Period) -> EngagementMap:
    previous = period.previous()
    earlier = previous.previous()
    rows = answers_by_respondent(
        session=session, team_id=team_id, since=earlier.start, until=period.end
    )
    in_current = [r for r in rows if r.answered_at >= period.start]
    in_previous = [r for r in rows if previous.start <= r.answered_at < period.start]
    current_histories = _histories(
        [r for r in rows if r.answered_at >= previous.start], current=period
    )
    previous_histories = _histories(
        [r for r in rows if r.answered_at < period.start], current=previous
    )
    mix = engagement_mix(current_histories.values())
    before = engagement_mix(previous_histories.values())
    return EngagementMap(
        period=period,
        mix=mix,
        previous=before,
        change=mix_change(mix, before),
        retention=retention(
            {str(r.respondent_id) for r in in_previous}, {str(r.respondent_id) for r in in_current}
        ),
        promoters_retained=promoters_retained(
            {str(w) for w in _latest_promoters(in_previous)},
            {str(w) for w in _latest_promoters(in_current)},
        ),
    )
