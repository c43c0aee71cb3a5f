"""When digests fall due and which days they cover."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.digests.content import representative
from bot.digests.schedule import GRACE, digest_period, due_fire, latest_fire
from storage.models import DigestCadence, Metric
from storage.reporting import CommentRow

WEEKLY, MONTHLY = DigestCadence.WEEKLY, DigestCadence.MONTHLY


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2026-11-23T09:00", "2026-11-23T09:00"),  # Monday, on the dot
        ("2026-11-23T08:59", "2026-11-16T09:00"),  # a minute early: last Monday's
        ("2026-11-29T23:00", "2026-11-23T09:00"),  # Sunday night
    ],
)
def test_weekly_fires_on_mondays(now: str, expected: str) -> None:
    assert latest_fire(WEEKLY, "09:00", "UTC", _at(now)) == _at(expected)


def test_the_send_time_is_read_in_the_subscriptions_time_zone() -> None:
    # 09:00 in Tokyo on Monday 23 November is 00:00 UTC that day.
    assert latest_fire(WEEKLY, "09:00", "Asia/Tokyo", _at("2026-11-23T01:00")) == _at(
        "2026-11-23T00:00"
    )


def test_monthly_fires_on_the_first_across_a_year_end() -> None:
    assert latest_fire(MONTHLY, "08:00", "UTC", _at("2027-01-01T07:00")) == _at(
        "2026-12-01T08:00"
    )
    assert latest_fire(MONTHLY, "08:00", "UTC", _at("2027-01-01T08:30")) == _at(
        "2027-01-01T08:00"
    )


def test_a_digest_is_due_within_the_grace_period_only_and_never_before_it_existed() -> None:
    monday = _at("2026-11-23T09:00")
    created = _at("2026-11-20T12:00")
    assert due_fire(WEEKLY, "09:00", "UTC", now=monday, since=created) == monday
    assert due_fire(WEEKLY, "09:00", "UTC", now=monday + GRACE + timedelta(minutes=1),
                    since=created) is None
    assert due_fire(WEEKLY, "09:00", "UTC", now=monday, since=monday + timedelta(hours=1)) is None


def test_a_weekly_digest_covers_monday_to_sunday_before_it() -> None:
    period = digest_period(WEEKLY, _at("2026-11-23T09:00"), "UTC")
    assert period.start == _at("2026-11-16T00:00")
    assert period.end == _at("2026-11-22T23:59:59.999999")
    assert period.label == "week of 16 November 2026"


def test_a_monthly_digest_covers_the_calendar_month_before_it() -> None:
    period = digest_period(MONTHLY, _at("2026-12-01T09:00"), "UTC")
    assert (period.start, period.label) == (_at("2026-11-01T00:00"), "November 2026")


def _row(text: str, polarity: float | None, minutes: int) -> CommentRow:
    return CommentRow(text, Metric.NPS, 5, None, polarity,
                      _at("2026-11-20T09:00") - timedelta(minutes=minutes))


def test_representative_comments_are_the_worst_the_best_then_the_newest() -> None:
    rows = [_row("newest", 0.0, 1), _row("best", 0.9, 2), _row("worst", -0.8, 3),
            _row("old", 0.1, 4)]
    assert [r.comment for r in representative(rows)] == ["worst", "best", "newest"]
    assert representative([]) == []
    assert [r.comment for r in representative([_row("only", None, 1)])] == ["only"]
