"""Drift rows: one warning per segment, metric and period, and the windows' exact edges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from bot.reporting.drift.check import TICK, DriftWindows
from storage.drift import DriftRecord, claim_drift_alert, respondent_window_counts
from storage.engine import session_scope
from storage.models import Metric
from storage.workspaces import ensure_workspace
from tests.drift_history import people, scored, wave

TEAM = "T0DRIFT"
# 2026-11-20 09:00 UTC: 20,777 days after 1970-01-01, so its 30-day period began on day
# 20,760 (692 × 30), 2026-11-03 00:00 UTC.
RAISED = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
DAYS = 30
LENGTH = timedelta(days=DAYS)


def _record(segment: str = "plan=enterprise", metric: Metric = Metric.NPS) -> DriftRecord:
    return DriftRecord(segment, metric, 100.0, -50.0, 40, 40, 91.0, 100.0, -70.0, -25.0, 80.0)


def _claim(engine: Engine, now: datetime, record: DriftRecord | None = None) -> int | None:
    windows = DriftWindows.ending(now, DAYS)
    with session_scope(engine) as session:
        ensure_workspace(session=session, team_id=TEAM, name=TEAM, now=now)
        return claim_drift_alert(
            session=session, team_id=TEAM, record=record or _record(),
            period_start=windows.period_start, current_start=windows.current_start, now=now,
            quiet_since=now - LENGTH, channel_id="C0ALERTS")


def test_periods_are_fixed_blocks_counted_from_1970() -> None:
    windows = DriftWindows.ending(RAISED, DAYS)
    assert windows.period_start == datetime(2026, 11, 3, tzinfo=UTC)
    assert DriftWindows.ending(datetime(2026, 11, 3, tzinfo=UTC), DAYS).period_start == \
        datetime(2026, 11, 3, tzinfo=UTC)
    assert DriftWindows.ending(datetime(2026, 11, 3, tzinfo=UTC) - TICK, DAYS).period_start == \
        datetime(2026, 10, 4, tzinfo=UTC)


def test_one_warning_per_segment_and_metric_until_a_whole_period_has_passed(
    engine: Engine,
) -> None:
    assert _claim(engine, RAISED) is not None
    assert _claim(engine, RAISED + timedelta(hours=1)) is None  # the same period's row
    # The next period starts on 3 December, but the windows there still hold the answers
    # behind the first warning: none until a whole period after it.
    assert _claim(engine, datetime(2026, 12, 3, tzinfo=UTC)) is None
    assert _claim(engine, RAISED + LENGTH - TICK) is None
    assert _claim(engine, RAISED + LENGTH) is not None


def test_other_segments_and_metrics_are_warned_about_apart(engine: Engine) -> None:
    assert _claim(engine, RAISED) is not None
    assert _claim(engine, RAISED, _record(metric=Metric.CSAT)) is not None
    assert _claim(engine, RAISED, _record(segment="plan=starter")) is not None
    assert _claim(engine, RAISED, _record(segment="all")) is not None
    assert _claim(engine, RAISED, _record(segment="all")) is None


@pytest.mark.parametrize(("offset", "where"), [
    (-TICK, None),  # a tick before the previous window: in neither
    (timedelta(0), "previous"),  # its first instant
    (LENGTH - TICK, "previous"),  # its last
    (LENGTH, "current"),  # the current window's first instant
    (2 * LENGTH, "current"),  # now itself
])
def test_an_answer_counts_in_exactly_one_window(
    engine: Engine, offset: timedelta, where: str | None,
) -> None:
    windows = DriftWindows.ending(RAISED, DAYS)
    # wave() writes its first answer a minute after `when`.
    wave(engine, TEAM, when=windows.previous_start + offset - timedelta(minutes=1),
         answers=scored(people("CUS", 1), [9]))
    with session_scope(engine) as session:
        counts = respondent_window_counts(
            session=session, team_id=TEAM, metric=Metric.NPS,
            previous_start=windows.previous_start, current_start=windows.current_start,
            until=windows.end)
    found = [("current" if c.current else "previous") for c in counts]
    assert found == ([] if where is None else [where])
