"""The engagement map computed from every answer in Python: what the SQL map must equal."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from sqlmodel import Session, col, select

from bot.engagement_map import EngagementMap
from bot.insights.engagement import (
    CustomerHistory,
    engagement_mix,
    mix_change,
    promoters_retained,
    retention,
)
from bot.periods import Period
from storage.models import Delivery, Metric, Response

Row = tuple[int, Metric, int, datetime]


def _answers(session: Session, team_id: str, since: datetime, until: datetime) -> list[Row]:
    rows = session.exec(
        select(Delivery.respondent_id, Response.metric, Response.score, Response.answered_at)
        .join(Delivery, col(Delivery.id) == Response.delivery_id)
        .where(Response.team_id == team_id, col(Response.answered_at) >= since,
               col(Response.answered_at) <= until)
        .order_by(col(Response.answered_at), col(Response.id))
    ).all()
    return [(int(r), Metric(m), int(s), a) for r, m, s, a in rows]


def _histories(rows: list[Row], *, current: Period) -> list[CustomerHistory]:
    nps: dict[int, list[tuple[date, int]]] = defaultdict(list)
    csat: dict[int, list[tuple[date, int]]] = defaultdict(list)
    before: set[int] = set()
    now: set[int] = set()
    for who, metric, score, at in rows:
        (nps if metric is Metric.NPS else csat)[who].append((at.date(), score))
        (now if at >= current.start else before).add(who)
    return [CustomerHistory(nps[w], csat[w], w in before, True) for w in now]


def _promoters(rows: list[Row]) -> set[str]:
    latest = {who: score for who, metric, score, _ in rows if metric is Metric.NPS}
    return {str(who) for who, score in latest.items() if score >= 9}


def reference_map(session: Session, team_id: str, period: Period) -> EngagementMap:
    """The map as it was computed before it moved into SQL: every answer read into Python."""
    previous = period.previous()
    rows = _answers(session, team_id, previous.previous().start, period.end)
    in_current = [r for r in rows if r[3] >= period.start]
    in_previous = [r for r in rows if previous.start <= r[3] < period.start]
    mix = engagement_mix(_histories([r for r in rows if r[3] >= previous.start], current=period))
    before = engagement_mix(_histories([r for r in rows if r[3] < period.start],
                                       current=previous))
    return EngagementMap(
        period=period, mix=mix, previous=before, change=mix_change(mix, before),
        retention=retention({str(r[0]) for r in in_previous}, {str(r[0]) for r in in_current}),
        promoters_retained=promoters_retained(_promoters(in_previous), _promoters(in_current)),
    )
