"""What App Home shows: a dashboard for staff, their own surveys for the people we survey."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session

from bot.benchmarks.comparison import BenchmarkComparison, compare_with_benchmarks
from bot.benchmarks.custom import load_workspace_benchmarks
from bot.benchmarks.targets import TargetGap, target_gaps
from bot.core.periods import Period, PeriodSpec, months_back
from bot.followups.listing import period_follow_ups
from bot.insights.followups import FollowUpSummary
from bot.pulses.schedule import InvalidSchedule, next_fire_time, schedule_text
from bot.reporting.continuum_blocks import continuum_line
from bot.reporting.drift.summary import drift_section
from bot.reporting.engagement_map import EngagementMap
from bot.reporting.figures import Overview, TrendPoint, build_overview, build_trend
from bot.reporting.movement_lines import movement_lines
from bot.reporting.outcomes import OutcomesReport
from bot.reporting.themes import ThemesReport
from storage.deliveries import wave_counts
from storage.digests import subscriptions
from storage.home import SurveyRow, surveys_of
from storage.models import DeliveryStatus, PulseStatus
from storage.pulses import list_pulses

PULSES_SHOWN = 15  # App Home holds 100 blocks; the rest are in `/engagement pulse list`
TREND_MONTHS = 6


@dataclass(frozen=True)
class PulseStatusRow:
    name: str
    metric: str
    status: str
    next_wave: datetime | None
    schedule: str | None  # as people write it ("quarterly"); None when sent by hand
    last_sent: int  # of the latest wave
    last_answered: int


@dataclass(frozen=True)
class Dashboard:
    overview: Overview
    trend: list[TrendPoint]
    benchmarks: BenchmarkComparison
    engagement: EngagementMap
    pulses: list[PulseStatusRow]
    more_pulses: int
    digests: int
    themes: ThemesReport | None = None
    follow_ups: FollowUpSummary | None = None
    targets: list[TargetGap] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)  # further sections (open follow-ups)
    outcomes: OutcomesReport | None = None  # revealed loyalty, over a year


def _pulse_rows(session: Session, team_id: str, now: datetime) -> tuple[list[PulseStatusRow], int]:
    pulses = list(list_pulses(session=session, team_id=team_id))
    rows = []
    for pulse in pulses[:PULSES_SHOWN]:
        counts = wave_counts(session=session, pulse_name=pulse.name)
        try:
            upcoming = (
                next_fire_time(pulse.schedule, pulse.timezone, now=now)
                if pulse.schedule and pulse.status == PulseStatus.ACTIVE else None
            )
        except InvalidSchedule:
            upcoming = None
        rows.append(PulseStatusRow(
            pulse.name, str(pulse.metric), str(pulse.status), upcoming,
            schedule_text(pulse.schedule) if pulse.schedule else None,
            counts.by_status.get(DeliveryStatus.SENT, 0) if counts else 0,
            counts.answered if counts else 0,
        ))
    return rows, max(0, len(pulses) - PULSES_SHOWN)


def staff_dashboard(
    session: Session, *, team_id: str, now: datetime, engagement: EngagementMap,
    themes: ThemesReport, anonymity_minimum: int, outcomes: OutcomesReport | None = None,
    drift_days: int = 30,
) -> Dashboard:
    """`engagement`, `themes` and `outcomes` come from the caller: they may be kept snapshots
    (bot.reporting.snapshots). Drift warnings are current for `drift_days` after they were
    raised (while the window that raised them is the current one)."""
    period = PeriodSpec().resolve(now)
    overview = build_overview(session=session, team_id=team_id, period=period)
    mine = load_workspace_benchmarks(session=session, team_id=team_id)
    trend_period = Period(months_back(now, TREND_MONTHS), now, f"last {TREND_MONTHS} months")
    pulses, more = _pulse_rows(session, team_id, now)
    return Dashboard(
        overview=overview,
        trend=build_trend(session=session, team_id=team_id, period=trend_period,
                          granularity="monthly"),
        benchmarks=compare_with_benchmarks(overview, industry=mine.industry,
                                           today=now.date(), extra=mine.extra),
        engagement=engagement,
        pulses=pulses,
        more_pulses=more,
        digests=len(subscriptions(session=session, team_id=team_id)),
        themes=themes,
        follow_ups=period_follow_ups(session, team_id=team_id, period=period),
        targets=target_gaps(overview, mine.targets),
        extras=[*movement_lines(session, team_id=team_id, period=period,
                                minimum=anonymity_minimum),
                *filter(None, [continuum_line(engagement.movement, anonymity_minimum)]),
                *filter(None, [drift_section(
                    session, team_id=team_id, since=now - timedelta(days=drift_days), until=now,
                    heading="Drift warnings")])],
        outcomes=outcomes,
    )


def customer_surveys(session: Session, *, team_id: str, user_id: str) -> list[SurveyRow]:
    return surveys_of(session=session, team_id=team_id, user_id=user_id)
