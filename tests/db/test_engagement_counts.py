"""The engagement map counted in SQL matches the map built from every answer in Python."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from bot.core.periods import PeriodSpec
from bot.reporting.engagement_map import build_engagement_map
from storage.engine import session_scope
from storage.seed import seed_history
from tests.db.map_reference import reference_map

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


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
