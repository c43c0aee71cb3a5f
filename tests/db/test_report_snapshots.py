"""Snapshots of the map and segments: a kept answer is the live answer of its moment, exactly."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine

from bot.core.config import load_settings
from bot.core.periods import Calendar, PeriodSpec
from bot.core.services import Services
from bot.reporting.engagement_map import build_engagement_map
from bot.reporting.figures import build_segments, segments_from
from bot.reporting.snapshots import (
    answer_from_snapshot,
    map_from,
    map_key,
    refresh_snapshots,
    segment_counts_from,
    segment_key,
    spec_from_key,
    spec_key,
    themes_from,
    themes_key,
)
from bot.reporting.themes import build_themes
from storage.engine import session_scope
from storage.report_snapshots import (
    SnapshotKey,
    due_for_refresh,
    load_snapshot,
    mark_read,
    save_snapshot,
)
from storage.seed import seed_history
from tests.conftest import FakeClock

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
SPECS = [PeriodSpec(days=30), PeriodSpec(days=None, calendar=Calendar.QUARTER),
         PeriodSpec(days=None, since=date(2026, 3, 1))]


def _services(engine: Engine, database_url: str, clock: FakeClock) -> Services:
    settings = load_settings(env_file=None, database_url=database_url,
                             report_snapshot_minutes=5, report_snapshot_slow_ms=0)
    return Services(settings=settings, engine=engine, clock=clock)


@pytest.mark.parametrize("spec", SPECS, ids=spec_key)
def test_kept_answers_are_the_live_answers_of_their_moment(
    engine: Engine, database_url: str, spec: PeriodSpec
) -> None:
    report = seed_history(engine, responses=3_000, customers=120, now=NOW, days=400,
                          rng=random.Random(5))
    clock = FakeClock(NOW)
    services = _services(engine, database_url, clock)
    team = report.team_id
    keys = (map_key(team, spec), segment_key(team, spec, "plan"), themes_key(team, spec))
    for key in keys:
        with session_scope(engine) as session:
            assert answer_from_snapshot(services, session, key, spec).as_of is None  # live
    clock.now = NOW + timedelta(minutes=7)  # served until 10 minutes old

    with session_scope(engine) as session:
        kept_map, kept_segments, kept_themes = (
            answer_from_snapshot(services, session, key, spec) for key in keys)
        period = spec.resolve(NOW)
        expected_map = build_engagement_map(session=session, team_id=team, period=period)
        expected_segments = build_segments(session=session, team_id=team, period=period,
                                           attribute="plan", minimum=5)
        expected_themes = build_themes(session=session, team_id=team, period=period)

    assert {kept.as_of for kept in (kept_map, kept_segments, kept_themes)} == {NOW}
    assert kept_map.period.label == f"{period.label}, as of 12:00 UTC"
    assert map_from(kept_map.payload, period) == expected_map
    assert segments_from(segment_counts_from(kept_segments.payload), attribute="plan",
                         minimum=5) == expected_segments
    assert themes_from(kept_themes.payload, period) == expected_themes
    # something was compared
    assert expected_map.mix.placed > 0
    assert expected_segments.shown
    assert expected_themes.overall


def test_the_leader_drops_what_nobody_read_for_a_day(engine: Engine, database_url: str) -> None:
    clock = FakeClock(NOW)
    services = _services(engine, database_url, clock)
    read, unread = SnapshotKey("T0A", "map", "90d"), SnapshotKey("T0A", "map", "7d")
    for key in (read, unread):
        with session_scope(engine) as session:
            save_snapshot(session, key, period_start=NOW - timedelta(days=90), period_end=NOW,
                          computed_at=NOW - timedelta(days=2), compute_ms=0.0, payload={})
    with session_scope(engine) as session:
        mark_read(session, read, now=NOW - timedelta(hours=1))

    refresh_snapshots(services, team_id="T0A")

    with session_scope(engine) as session:
        assert load_snapshot(session, unread) is None
        assert load_snapshot(session, read) is not None


def test_an_older_computation_never_replaces_a_newer_one(engine: Engine) -> None:
    """Two replicas refreshing at once: the one that started later wins whichever ends last."""
    key = SnapshotKey("T0A", "map", "90d")
    for at, payload in ((NOW, {"n": 2}), (NOW - timedelta(minutes=1), {"n": 1})):
        with session_scope(engine) as session:
            save_snapshot(session, key, period_start=at - timedelta(days=90), period_end=at,
                          computed_at=at, compute_ms=900.0, payload=payload)
    with session_scope(engine) as session:
        kept = load_snapshot(session, key)
    assert kept is not None
    assert kept.computed_at == NOW
    assert kept.payload == {"n": 2}


def test_snapshots_stay_with_their_workspace(engine: Engine) -> None:
    mine, theirs = SnapshotKey("T0A", "map", "90d"), SnapshotKey("T0B", "map", "90d")
    with session_scope(engine) as session:
        save_snapshot(session, mine, period_start=NOW - timedelta(days=90), period_end=NOW,
                      computed_at=NOW, compute_ms=900.0, payload={"n": 1})
    later = NOW + timedelta(minutes=6)
    with session_scope(engine) as session:
        assert load_snapshot(session, theirs) is None

        def due(team_id: str | None, slower_than_ms: float = 200) -> list[SnapshotKey]:
            return due_for_refresh(session, team_id=team_id, computed_before=later,
                                   read_since=NOW, slower_than_ms=slower_than_ms, limit=4)

        assert due("T0B") == []
        assert due("T0A") == [mine]
        assert due(None) == [mine]
        assert due("T0A", slower_than_ms=1000) == []  # fast ones are computed live, not kept


@pytest.mark.parametrize("spec", [*SPECS, PeriodSpec(), PeriodSpec(days=7),
                                  PeriodSpec(days=None, calendar=Calendar.YEAR)], ids=spec_key)
def test_the_period_asked_for_survives_its_key(spec: PeriodSpec) -> None:
    assert spec_from_key(spec_key(spec)) == spec
