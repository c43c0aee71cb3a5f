"""The engagement map counted in SQL matches the map built from every answer in Python."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from bot.core.periods import PeriodSpec
from bot.insights.engagement import PLACED_SEGMENTS
from bot.reporting.continuum import period_standings
from bot.reporting.engagement_map import build_engagement_map
from storage.engagement_counts import counted as counted_standings
from storage.engine import session_scope
from storage.models import OutcomeKind, Respondent
from storage.outcome_imports import ImportedOutcome, store_imported_outcomes
from storage.seed import seed_history
from tests.db.map_reference import reference_map

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


@pytest.mark.parametrize("days", [7, 30, 90, 365])
def test_the_sql_map_equals_the_map_from_every_answer(engine: Engine, days: int) -> None:
    # Waves every ~10 days over 400 days: customers answer several times a period, passives
    # move up and down, and some skip periods, so every rule of the map is exercised.
    report = seed_history(engine, responses=4_000, customers=100, now=NOW, days=400,
                          rng=random.Random(3))
    _add_outcomes(engine, report.team_id, random.Random(5))
    placed = decided = 0
    for period in (PeriodSpec(days=days).resolve(NOW),
                   PeriodSpec(days=days).resolve(NOW - timedelta(days=days // 2 + 1))):
        with session_scope(engine) as session:
            counted = build_engagement_map(session=session, team_id=report.team_id,
                                           period=period)
            expected = reference_map(session, report.team_id, period)
            # As the map's snapshot and report --json build it: from each customer's standing.
            standings = period_standings(session=session, team_id=report.team_id, period=period)
            per_customer = build_engagement_map(
                session=session, team_id=report.team_id, period=period,
                counts=counted_standings(row.standing for row in standings))
        assert counted == expected
        assert per_customer == expected
        placed += counted.mix.placed
        decided += sum(counted.places[s].renewed + counted.places[s].churned
                       for s in PLACED_SEGMENTS)
    assert placed > 0  # the comparison compared something
    if days >= 30:
        assert decided > 0  # and customers who renewed or churned, in a month or more


def _add_outcomes(engine: Engine, team_id: str, rng: random.Random) -> None:
    """Renewals, churn and other events for most customers, some on one day (both a renewal
    and a churn: read as a churn), spread over the history."""
    kinds = [OutcomeKind.RENEWED, OutcomeKind.CHURNED, OutcomeKind.EXPANDED]
    with session_scope(engine) as session:
        people = [p for p in session.exec(
            select(Respondent.id).where(Respondent.team_id == team_id)
            .order_by(col(Respondent.id))).all() if p is not None]
        records = []
        for who in people[: len(people) * 3 // 4]:
            for _ in range(rng.randint(1, 3)):
                day = (NOW - timedelta(days=rng.randint(0, 400))).date()
                kind = rng.choice(kinds)
                records.append(ImportedOutcome(who, kind, day, 1000.0))
                if rng.random() < 0.1:
                    other = (OutcomeKind.CHURNED if kind is OutcomeKind.RENEWED
                             else OutcomeKind.RENEWED)
                    records.append(ImportedOutcome(who, other, day))
        # The same customer, event and day drawn twice is one event: the first drawn.
        first = {r.key: r for r in reversed(records)}
        store_imported_outcomes(session=session, team_id=team_id, now=NOW,
                                outcomes=list(first.values()))
