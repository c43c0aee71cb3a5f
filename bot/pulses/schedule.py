"""Pulse schedules: crontab lines or presets in a time zone, and which fire time is due now."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

from bot.core.errors import UserFacingError

PRESETS = {
    "weekly": "0 9 * * MON",
    "monthly": "0 9 1 * *",
    "quarterly": "0 9 1 1,4,7,10 *",
}
# A fire missed by less than this (a restart, a deploy) still opens its wave; an older one is
# skipped, because a survey arriving days late confuses more than it tells.
MISFIRE_GRACE = timedelta(hours=6)


class InvalidSchedule(UserFacingError):
    """The schedule or time zone cannot be used; the message says which and why."""


def check_timezone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    # OSError: a name too long for a file name reaches the file system before being refused.
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise InvalidSchedule(
            f"Unknown time zone {name[:64]!r}: use an IANA name such as Europe/Paris"
        ) from None


def normalise_schedule(text: str) -> str:
    """A preset name becomes its crontab line; anything else must be a valid 5-field crontab."""
    line = PRESETS.get(text.strip().lower(), text.strip())
    if len(line.split()) != 5:
        raise InvalidSchedule(
            f"{text[:120]!r} is not a schedule: use weekly, monthly, quarterly or a crontab line "
            "such as '0 9 * * MON' (minute hour day month weekday)"
        )
    try:
        CronTrigger.from_crontab(scheduler_line(line), timezone=UTC)
    except ValueError as exc:
        raise InvalidSchedule(f"{line!r} is not a valid crontab line: {exc}") from None
    return line


# Crontab numbers weekdays from Sunday (0 and 7); the scheduler's own cron fields number them
# from Monday, so "0 9 * * 1" handed over as it is would fire on Tuesdays. Day names mean the
# same to both, so the weekday field is handed over as names.
_CRON_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_WEEKDAY_PART = re.compile(r"^(\*|\w+)(?:-(\w+))?(?:/(\d+))?$")


def _day_number(token: str) -> int:
    name = token.lower()[:3]
    if name in _CRON_DAYS and not token.isdigit():
        return _CRON_DAYS.index(name)
    if token.isdigit() and int(token) <= 7:
        return int(token) % 7
    raise ValueError(f"unknown weekday {token[:12]!r}")


def _crontab_weekdays(field: str) -> list[int]:
    """The days (0 = Sunday) a crontab weekday field names, in crontab's own reading."""
    days: set[int] = set()
    for part in field.split(","):
        match = _WEEKDAY_PART.match(part.strip())
        if match is None:
            raise ValueError(f"weekday field {field[:40]!r} is not understood")
        first, last, step = match.groups()
        if first == "*":
            low, high = 0, 6
        else:
            low = _day_number(first)
            high = _day_number(last) if last else low
            if last is not None and high == 0 and low > 0:  # "5-7", "SAT-SUN": up to Sunday
                high = 7
            if last is None and step is not None:
                high = 6
        if high < low or step == "0":
            raise ValueError(f"weekday range {part[:20]!r} runs backwards or steps by 0")
        days.update(day % 7 for day in range(low, high + 1, int(step or 1)))
    return sorted(days)


def scheduler_line(line: str) -> str:
    """A crontab line as the scheduler must be given it: its weekday field as day names."""
    fields = line.split()
    if len(fields) != 5 or fields[4] == "*":
        return line
    fields[4] = ",".join(_CRON_DAYS[day] for day in _crontab_weekdays(fields[4]))
    return " ".join(fields)


# Numbered as _CRON_DAYS, from Sunday.
_DAY_NAMES = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")


def _days_text(field: str) -> str | None:
    """`MON` or `1` → "Monday", `MON,THU` → "Monday and Thursday", `MON-FRI` or `1-5` →
    "weekday", read as crontab reads them; None for a field that is not a valid one."""
    try:
        days = _crontab_weekdays(field)
    except ValueError:
        return None
    if days == [1, 2, 3, 4, 5]:
        return "weekday"
    # Monday first, as people list a week.
    shown = [_DAY_NAMES[day] for day in sorted(days, key=lambda d: (d + 6) % 7)]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def schedule_text(line: str) -> str:
    """A stored schedule as people write it: "quarterly", "every Monday at 09:00", "monthly
    on the 15th at 08:30"; a line no phrase fits stays a crontab line, marked as one.

    Pulses keep the crontab line (presets are expanded when saved), so this is read back
    from it wherever a schedule is shown."""
    fields = line.split()
    for name, preset in PRESETS.items():
        if fields == preset.split():
            return name
    if len(fields) != 5 or not (fields[0].isdigit() and fields[1].isdigit()):
        return f"crontab `{line.strip()}`"
    minute, hour, day, month, weekday = fields
    at = f"at {int(hour):02d}:{int(minute):02d}"
    if month == "*" and day == "*":
        every = "day" if weekday == "*" else _days_text(weekday)
        if every is not None:
            return f"every {every} {at}"
    if month == "*" and weekday == "*" and day.isdigit() and 1 <= int(day) <= 31:
        return f"monthly on the {_ordinal(int(day))} {at}"
    return f"crontab `{line.strip()}`"


def trigger_for(schedule: str, timezone: str) -> CronTrigger:
    return CronTrigger.from_crontab(scheduler_line(normalise_schedule(schedule)),
                                    timezone=check_timezone(timezone))


def due_fire_time(
    schedule: str, timezone: str, *, now: datetime, grace: timedelta = MISFIRE_GRACE
) -> datetime | None:
    """The latest scheduled time in (now − grace, now], in UTC; None when nothing is due.

    Several missed times inside the grace period coalesce into the latest one, so a pulse that
    was down for a while sends one wave, not a burst.
    """
    trigger = trigger_for(schedule, timezone)
    latest: datetime | None = None
    candidate = trigger.get_next_fire_time(None, now - grace)
    while candidate is not None and candidate <= now:
        latest = candidate
        candidate = trigger.get_next_fire_time(candidate, candidate + timedelta(seconds=1))
    return None if latest is None else latest.astimezone(UTC)


def next_fire_time(schedule: str, timezone: str, *, now: datetime) -> datetime | None:
    fire = trigger_for(schedule, timezone).get_next_fire_time(None, now)
    return None if fire is None else fire.astimezone(UTC)


LOCAL_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def check_local_time(text: str) -> str:
    if not LOCAL_TIME.match(text.strip()):
        raise InvalidSchedule(f"{text[:20]!r} is not a time of day: write HH:MM, e.g. 09:30")
    return text.strip()


def local_send_time(scheduled_for: datetime, local_time: str, timezone: str) -> datetime:
    """The first `local_time` in `timezone` at or after the wave's scheduled time, in UTC.

    A recipient whose morning has already passed when the wave opens gets it the next morning,
    never in the middle of their night.
    """
    hour, minute = (int(part) for part in check_local_time(local_time).split(":"))
    zone = check_timezone(timezone)
    local = scheduled_for.astimezone(zone)
    candidate = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if candidate < local:
        candidate = (local + timedelta(days=1)).replace(
            hour=hour, minute=minute, second=0, microsecond=0
        )
    return candidate.astimezone(UTC)
