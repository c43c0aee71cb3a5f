"""Reporting periods: rolling days, the calendar quarter or year to date, or since a date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from bot.core.text import plural

DEFAULT_DAYS = 90
MAX_DAYS = 3660


class Calendar(StrEnum):
    QUARTER = "quarter"
    YEAR = "year"


@dataclass(frozen=True)
class Period:
    """[start, end]: the end is included, so an answer given this instant counts."""

    start: datetime
    end: datetime
    label: str
    # The length of the period it is compared with (`report --compare-days`); None: its own.
    compare: timedelta | None = None

    def previous(self) -> Period:
        """The period just before, of the same length unless `compare` says otherwise: what a
        change is measured against."""
        length = self.compare or self.end - self.start
        return Period(self.start - length, self.start, f"the {plural(length.days, 'day')} before")


def months_back(now: datetime, months: int) -> datetime:
    """The first day of the month `months - 1` months before now's: `months` calendar months."""
    year, month = now.year, now.month - (months - 1)
    while month <= 0:
        month, year = month + 12, year - 1
    return datetime(year, month, 1, tzinfo=UTC)


@dataclass(frozen=True)
class PeriodSpec:
    """What the user asked for; resolved against the clock when the answer is computed."""

    days: int | None = DEFAULT_DAYS
    calendar: Calendar | None = None
    since: date | None = None

    def resolve(self, now: datetime) -> Period:
        if self.since is not None:
            start = datetime.combine(self.since, time(0), tzinfo=UTC)
            return Period(start, now, f"since {self.since:%-d %B %Y}")
        if self.calendar is Calendar.YEAR:
            start = datetime(now.year, 1, 1, tzinfo=UTC)
            return Period(start, now, f"{now.year} so far")
        if self.calendar is Calendar.QUARTER:
            quarter = (now.month - 1) // 3
            start = datetime(now.year, 3 * quarter + 1, 1, tzinfo=UTC)
            return Period(start, now, f"Q{quarter + 1} {now.year} so far")
        days = self.days or DEFAULT_DAYS
        return Period(now - timedelta(days=days), now, f"last {plural(days, 'day')}")
