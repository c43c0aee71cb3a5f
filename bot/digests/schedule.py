"""When a digest is due, and the period it covers: pure functions of the clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.periods import Period
from storage.models import DigestCadence

# A digest that could not go out (the bot was down over the weekend) still goes out late on
# the same day; one that is more than this late is skipped: last week's news is no digest.
GRACE = timedelta(hours=12)


def _local_fire(day: date, send_time: str, zone: ZoneInfo) -> datetime:
    hour, minute = (int(part) for part in send_time.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=zone).astimezone(UTC)


def latest_fire(cadence: DigestCadence, send_time: str, timezone: str, now: datetime) -> datetime:
    """The most recent scheduled time at or before `now` (Mondays, or the 1st of the month)."""
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()
    if cadence is DigestCadence.WEEKLY:
        monday = today - timedelta(days=today.weekday())
        fire = _local_fire(monday, send_time, zone)
        return fire if fire <= now else _local_fire(monday - timedelta(days=7), send_time, zone)
    first = today.replace(day=1)
    fire = _local_fire(first, send_time, zone)
    if fire <= now:
        return fire
    previous = (first - timedelta(days=1)).replace(day=1)
    return _local_fire(previous, send_time, zone)


def due_fire(
    cadence: DigestCadence, send_time: str, timezone: str, *, now: datetime, since: datetime
) -> datetime | None:
    """The scheduled time to post for now, if within the grace period and after `since`
    (a new subscription does not post the digest it was created after)."""
    fire = latest_fire(cadence, send_time, timezone, now)
    if fire < since or now - fire > GRACE:
        return None
    return fire


def digest_period(cadence: DigestCadence, fire: datetime, timezone: str) -> Period:
    """The days a digest covers: the week (Monday to Sunday) or calendar month before it."""
    zone = ZoneInfo(timezone)
    local_day = fire.astimezone(zone).date()
    end = datetime.combine(local_day, time(0), tzinfo=zone).astimezone(UTC)
    if cadence is DigestCadence.WEEKLY:
        start_day = local_day - timedelta(days=7)
        label = f"week of {start_day:%-d %B %Y}"
    else:
        start_day = (local_day - timedelta(days=1)).replace(day=1)
        label = f"{start_day:%B %Y}"
    start = datetime.combine(start_day, time(0), tzinfo=zone).astimezone(UTC)
    # Period ends are inclusive; a microsecond before midnight keeps Monday's answers out.
    return Period(start, end - timedelta(microseconds=1), label)
