"""The engagement map counted in SQL matches the map built from every answer in Python."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.engagement_map import EngagementMap, build_engagement_map
from bot.insights.engagement import (
    CustomerHistory,
    engagement_mix,
    mix_change,
    promoters_retained,
    retention,
)
from bot.periods import Period, PeriodSpec
from storage.engine import session_scope
from storage.models import Delivery, Metric, Response
from storage.seed import seed_history

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
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


@pytest.mark.parametrize("days", [7, 30, 90, 365])
def test_the_sql_map_equals_the_map_from_every_answer(engine: Engine, days: int) -> None:
    # Waves every ~10 days over 400 days: customers answer several times a period, passives
    # move up and down, and some skip periods, so every rule of the map is exercised.
    report = seed_history(engine, responses=4_000, customers=100, now=NOW, days=400,
                          rng=random.Random(3))
    placed = 0
    for period in (PeriodSpec(days=days).resolve(NOW),
                   PeriodSpec(days=days).resolve(NOW - timedelta(days=days // 2 + 1))):
        with session_scope(engine) as session:
            counted = build_engagement_map(session=session, team_id=report.team_id,
                                           period=period)
            expected = reference_map(session, report.team_id, period)
        assert counted == expected
        placed += counted.mix.placed
    assert placed > 0  # the comparison compared something
