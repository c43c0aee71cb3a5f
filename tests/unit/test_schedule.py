"""Schedules: presets, crontab validation, time zones, and which fire is due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.pulses.definition import InvalidField, validate_policy
from bot.pulses.schedule import (
    InvalidSchedule,
    check_local_time,
    check_timezone,
    due_fire_time,
    local_send_time,
    next_fire_time,
    normalise_schedule,
    schedule_text,
    trigger_for,
)
from storage.models import Metric

MONDAY_0800_UTC = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # 09:00 in Paris (UTC+1)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("weekly", "0 9 * * MON"),
        ("Monthly", "0 9 1 * *"),
        ("quarterly", "0 9 1 1,4,7,10 *"),
        (" 30 8 * * 1-5 ", "30 8 * * 1-5"),
    ],
)
def test_presets_and_crontab_lines(text: str, line: str) -> None:
    assert normalise_schedule(text) == line


@pytest.mark.parametrize("text", ["", "every day", "61 * * * *", "* * * *", "0 9 * * FUNDAY"])
def test_bad_schedules_say_what_to_write(text: str) -> None:
    with pytest.raises(InvalidSchedule, match="crontab"):
        normalise_schedule(text)


def test_the_due_fire_is_read_in_the_pulses_time_zone() -> None:
    assert due_fire_time("weekly", "Europe/Paris", now=MONDAY_0800_UTC) == MONDAY_0800_UTC
    assert due_fire_time("weekly", "UTC", now=MONDAY_0800_UTC) is None  # 09:00 UTC not yet
    assert next_fire_time("weekly", "UTC", now=MONDAY_0800_UTC) == MONDAY_0800_UTC + timedelta(
        hours=1
    )


def test_missed_fires_coalesce_into_the_latest_within_the_grace_period() -> None:
    now = datetime(2026, 11, 30, 12, 0, 30, tzinfo=UTC)
    hourly = "0 * * * *"
    assert due_fire_time(hourly, "UTC", now=now, grace=timedelta(hours=6)) == now.replace(
        second=0
    )
    assert due_fire_time("0 6 * * *", "UTC", now=now, grace=timedelta(hours=3)) is None
    assert due_fire_time("0 6 * * *", "UTC", now=now, grace=timedelta(hours=7)) == now.replace(
        hour=6, second=0
    )


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"schedule": "whenever"}, "schedule"),
        ({"min_interval_days": -1}, "min_interval_days"),
        ({"close_after_days": 0}, "close_after_days"),
        ({"remind_after_hours": 200, "close_after_days": 7}, "remind_after_hours"),
    ],
)
def test_policy_errors_name_their_field(settings: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidField) as raised:
        validate_policy(metric=Metric.NPS, **settings)  # type: ignore[arg-type]
    assert raised.value.field == field


def test_policy_defaults_follow_the_metric() -> None:
    assert validate_policy(metric=Metric.NPS).min_interval_days == 90
    assert validate_policy(metric=Metric.CSAT).min_interval_days == 30
    assert validate_policy(metric=Metric.NPS, remind_after_hours=0).remind_after_hours is None
    assert validate_policy(metric=Metric.NPS, schedule="weekly").schedule == "0 9 * * MON"


@pytest.mark.parametrize(
    ("zone", "expected_utc"),
    [
        ("Asia/Tokyo", datetime(2026, 11, 30, 0, 0, tzinfo=UTC)),  # 09:00 JST, right now
        ("Europe/London", datetime(2026, 11, 30, 9, 0, tzinfo=UTC)),
        ("America/New_York", datetime(2026, 11, 30, 14, 0, tzinfo=UTC)),
        ("Pacific/Kiritimati", datetime(2026, 11, 30, 19, 0, tzinfo=UTC)),  # its 14:00 passed
    ],
)
def test_local_send_time_is_the_next_morning_in_each_zone(
    zone: str, expected_utc: datetime
) -> None:
    wave = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
    assert local_send_time(wave, "09:00", zone) == expected_utc


@pytest.mark.parametrize("text", ["9am", "24:00", "09:60", "0900", ""])
def test_a_local_time_must_be_hh_mm(text: str) -> None:
    with pytest.raises(InvalidSchedule, match="HH:MM"):
        check_local_time(text)


@pytest.mark.parametrize("name", ["Mars/Olympus_Mons", "../../etc/passwd", "<@U123>" * 2000])
def test_a_time_zone_that_is_not_one_is_refused_with_its_name_cut_short(name: str) -> None:
    # A name longer than a file name reaches the file system (OSError), not the time zone list.
    with pytest.raises(InvalidSchedule, match="Unknown time zone") as refused:
        check_timezone(name)
    assert len(str(refused.value)) < 200


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("0 9 1 1,4,7,10 *", "quarterly"),
        ("0 9 1 * *", "monthly"),
        ("0 9 * * MON", "weekly"),
        ("0 9 * * TUE", "every Tuesday at 09:00"),
        ("5 7 * * sun", "every Sunday at 07:05"),
        ("30 8 * * MON,WED,FRI", "every Monday, Wednesday and Friday at 08:30"),
        ("0 9 * * MON-FRI", "every weekday at 09:00"),
        ("0 18 * * *", "every day at 18:00"),
        ("0 9 1 * MON", "crontab `0 9 1 * MON`"),  # day 1 or any Monday: no short phrase
        ("0 9 2 * *", "monthly on the 2nd at 09:00"),
        ("0 9 11 * *", "monthly on the 11th at 09:00"),
        ("0 9 22 * *", "monthly on the 22nd at 09:00"),
        ("0 9 * * 1", "every Monday at 09:00"),  # crontab's 1 is Monday
        ("0 9 * * 0", "every Sunday at 09:00"),
        ("0 9 * * 1-5", "every weekday at 09:00"),
        ("0 9 * * 5-7", "every Friday, Saturday and Sunday at 09:00"),
        ("0 9 * * 8", "crontab `0 9 * * 8`"),
        ("*/15 * * * *", "crontab `*/15 * * * *`"),
        ("0 9 1 2 *", "crontab `0 9 1 2 *`"),
    ],
)
def test_a_schedule_reads_as_people_write_it(line: str, shown: str) -> None:
    assert schedule_text(line) == shown


@pytest.mark.parametrize("preset", ["weekly", "monthly", "quarterly"])
def test_every_preset_reads_back_as_its_own_name(preset: str) -> None:
    assert schedule_text(normalise_schedule(preset)) == preset


def test_a_reminder_after_a_one_day_wave_names_one_day() -> None:
    with pytest.raises(InvalidField) as raised:
        validate_policy(metric=Metric.NPS, remind_after_hours=24, close_after_days=1)
    assert str(raised.value).endswith("must come before the wave closes (1 day)")


# 6 December 2026 is a Sunday.
@pytest.mark.parametrize(
    ("weekdays", "fires_on"),
    [
        ("1", ["Mon"]),
        ("0", ["Sun"]),
        ("7", ["Sun"]),
        ("1-5", ["Mon", "Tue", "Wed", "Thu", "Fri"]),
        ("5-7", ["Fri", "Sat", "Sun"]),
        ("*/2", ["Sun", "Tue", "Thu", "Sat"]),
        ("1,4", ["Mon", "Thu"]),
        ("MON", ["Mon"]),
        ("sat-sun", ["Sat", "Sun"]),
    ],
)
def test_numbered_weekdays_fire_on_the_days_crontab_means(weekdays: str,
                                                          fires_on: list[str]) -> None:
    trigger = trigger_for(f"0 9 * * {weekdays}", "UTC")
    fired: list[str] = []
    at = datetime(2026, 12, 5, 12, tzinfo=UTC)  # a Saturday noon: the week from Sunday
    for _ in range(7):
        nxt = trigger.get_next_fire_time(None, at)
        assert nxt is not None
        if nxt >= datetime(2026, 12, 13, tzinfo=UTC):
            break
        fired.append(nxt.strftime("%a"))
        at = nxt + timedelta(minutes=1)
    assert sorted(fired) == sorted(fires_on)


@pytest.mark.parametrize("weekdays", ["8", "5-1", "1/0", "XYZ"])
def test_a_weekday_field_crontab_would_refuse_is_refused(weekdays: str) -> None:
    with pytest.raises(InvalidSchedule):
        normalise_schedule(f"0 9 * * {weekdays}")
