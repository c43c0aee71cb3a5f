"""The digest chart's grain: weekly only when a customer can be asked again within a week."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.digests.chart_points import Asking, chart_granularity, chart_window, reask_gap

NOW = datetime(2026, 12, 7, 21, 0, tzinfo=UTC)  # a Monday


@pytest.mark.parametrize(
    ("gaps", "granularity"),
    [
        ([timedelta(days=7) - timedelta(seconds=1)], "weekly"),
        ([timedelta(days=7)], "monthly"),  # at most one answer per customer a week
        ([timedelta(days=90), timedelta(days=3)], "weekly"),  # one pulse asking often is enough
        ([], "monthly"),  # no pulse asks NPS: the rhythm of imported answers is unknown
    ],
)
def test_weekly_points_only_below_a_week_between_asks(
    gaps: list[timedelta], granularity: str
) -> None:
    assert chart_granularity(gaps) == granularity


@pytest.mark.parametrize(
    ("asking", "gap"),
    [
        (Asking(90, None), timedelta(days=90)),  # by hand: only the fatigue window
        (Asking(0, None), timedelta(0)),  # by hand, no window: could ask again at once
        (Asking(0, "0 9 * * MON"), timedelta(days=7)),
        (Asking(30, "0 9 * * MON"), timedelta(days=30)),  # the window outlasts the schedule
        (Asking(0, "0 9 * * MON,THU"), timedelta(days=3)),  # the shorter of uneven gaps
        (Asking(0, "0 9 1 1,4,7,10 *"), timedelta(days=90)),  # 1 Jan to 1 Apr 2027
        (Asking(0, "0 9 * * MON", "Europe/Paris"), timedelta(days=7)),
    ],
)
def test_a_pulse_can_ask_again_after_the_longer_of_window_and_schedule(
    asking: Asking, gap: timedelta
) -> None:
    assert reask_gap(asking, now=NOW) == gap


def test_weekly_points_cover_12_weeks_and_monthly_ones_6_calendar_months() -> None:
    weekly, monthly = chart_window(NOW, "weekly"), chart_window(NOW, "monthly")

    assert (weekly.start, weekly.end) == (NOW - timedelta(weeks=12), NOW)
    assert (monthly.start, monthly.end) == (datetime(2026, 7, 1, tzinfo=UTC), NOW)
    assert chart_window(datetime(2027, 2, 3, tzinfo=UTC), "monthly").start == datetime(
        2026, 9, 1, tzinfo=UTC)
