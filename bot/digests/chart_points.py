"""How often the digest's NPS chart plots a point: weekly or monthly, from how often a pulse
may ask the same customer again.

The rule: weekly points only when some active pulse asking NPS can ask a customer again within
a week; otherwise monthly points. A pulse can ask again after the longer of its fatigue window
(`min_interval_days`) and the time between its scheduled waves; one sent by hand has only its
window. When every pulse waits a week or more, a customer answers at most once a week, so a
weekly point holds at most one answer per customer (with the default 90-day NPS window, about
a thirteenth of them) and its interval spans most of the scale; a month pools those weeks.
With no such pulse (history imported, nothing asking now) the answers' rhythm is unknown, and
a month is the safer grain.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

from sqlmodel import Session

from bot.core.periods import Period, months_back
from bot.pulses.schedule import InvalidSchedule, next_fire_time
from storage.kinds import PulseMetric
from storage.models import Metric, PulseStatus
from storage.pulses import list_pulses

WEEK = timedelta(days=7)
TREND_WEEKS = 12
TREND_MONTHS = 6
WAVES_LOOKED_AT = 4  # a schedule such as MON,THU has uneven gaps: the shortest of a few counts


@dataclass(frozen=True)
class Asking:
    """What decides how soon one pulse can ask the same customer again."""

    fatigue_days: int
    schedule: str | None  # its crontab line; None when sent by hand
    timezone: str = "UTC"


def reask_gap(asking: Asking, *, now: datetime) -> timedelta:
    """The shortest time after which the pulse can ask the same customer again."""
    gap = timedelta(days=asking.fatigue_days)
    if asking.schedule is None:
        return gap
    try:
        fires = [next_fire_time(asking.schedule, asking.timezone, now=now)]
        for _ in range(WAVES_LOOKED_AT):
            last = fires[-1]
            if last is None:
                break
            fires.append(next_fire_time(asking.schedule, asking.timezone,
                                        now=last + timedelta(seconds=1)))
    except InvalidSchedule:
        return gap
    known = [fire for fire in fires if fire is not None]
    waves = min((later - earlier for earlier, later in pairwise(known)), default=gap)
    return max(gap, waves)


def chart_granularity(gaps: Iterable[timedelta]) -> str:
    """"weekly" when some pulse can ask a customer again within a week, else "monthly"."""
    return "weekly" if any(gap < WEEK for gap in gaps) else "monthly"


def chart_window(end: datetime, granularity: str) -> Period:
    """12 weeks of weekly points, or 6 calendar months of monthly ones, to `end`."""
    if granularity == "weekly":
        return Period(end - timedelta(weeks=TREND_WEEKS), end, f"last {TREND_WEEKS} weeks")
    return Period(months_back(end, TREND_MONTHS), end, f"last {TREND_MONTHS} months")


def workspace_granularity(session: Session, *, team_id: str, now: datetime) -> str:
    """The chart's grain for a workspace, from its active pulses that ask NPS."""
    asking = [
        Asking(pulse.min_interval_days, pulse.schedule, pulse.timezone)
        for pulse in list_pulses(session=session, team_id=team_id)
        if pulse.status == PulseStatus.ACTIVE
        and Metric.NPS in PulseMetric(pulse.metric).metrics
    ]
    return chart_granularity(reask_gap(a, now=now) for a in asking)
