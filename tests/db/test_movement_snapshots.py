"""Movement and the loop effect from a snapshot: the live answer of its moment, exactly."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from bot.core.config import load_settings
from bot.core.periods import Calendar, PeriodSpec
from bot.core.services import Services
from bot.followups.effect import build_loop_effect, loop_effect_from
from bot.reporting.movement import build_movement, movement_from
from bot.reporting.snapshots import (
    answer_from_snapshot,
    loop_effect_key,
    movement_key,
    refresh_snapshots,
    spec_key,
)
from storage.engine import session_scope
from storage.seed import seed_history
from tests.conftest import FakeClock

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


@pytest.mark.parametrize("spec", [PeriodSpec(days=30),
                                  PeriodSpec(days=None, calendar=Calendar.QUARTER)], ids=spec_key)
def test_kept_answers_are_the_live_answers_of_their_moment(
    engine: Engine, database_url: str, spec: PeriodSpec
) -> None:
    team = seed_history(engine, responses=3_000, customers=120, now=NOW, days=400,
                        rng=random.Random(5)).team_id
    clock = FakeClock(NOW)
    services = Services(settings=load_settings(env_file=None, database_url=database_url,
                                               report_snapshot_minutes=5,
                                               report_snapshot_slow_ms=0),
                        engine=engine, clock=clock)
    keys = (movement_key(team, spec), loop_effect_key(team, spec))
    for key in keys:
        with session_scope(engine) as session:
            assert answer_from_snapshot(services, session, key, spec).as_of is None  # live
    clock.now = NOW + timedelta(minutes=7)  # served until 10 minutes old

    with session_scope(engine) as session:
        kept_movement, kept_effect = (answer_from_snapshot(services, session, key, spec)
                                      for key in keys)
        period = spec.resolve(NOW)
        movement = movement_from(kept_movement.payload, period, session=session, minimum=5,
                                 named=True)
        expected = build_movement(session=session, team_id=team, period=period, minimum=5,
                                  named=True)
        effect = loop_effect_from(kept_effect.payload, period, minimum=5)
        expected_effect = build_loop_effect(session=session, team_id=team, period=period,
                                            minimum=5)

    assert {kept_movement.as_of, kept_effect.as_of} == {NOW}
    assert movement == expected
    assert movement.shown.table.customers > 0
    assert effect == expected_effect
    assert effect.effect.detractor_answers > 0
    assert kept_movement.period.label == f"{period.label}, as of 12:00 UTC"

    clock.now = NOW + timedelta(minutes=8)  # due: the leader recomputes what was read
    assert refresh_snapshots(services, team_id=team) == 2
