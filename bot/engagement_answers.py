"""Answers to /engagement and the App Home, from a parsed query to a rendered message."""

from __future__ import annotations

from slack_sdk.models.views import View
from sqlmodel import Session

from bot.benchmark_settings import load_workspace_benchmarks
from bot.benchmarking import compare_with_benchmarks
from bot.consent import is_opted_out
from bot.engagement_grammar import EngagementQuery, QueryKind
from bot.engagement_map import EngagementMap
from bot.followups.listing import list_follow_ups
from bot.home import customer_surveys, staff_dashboard
from bot.periods import PeriodSpec
from bot.report_snapshots import (
    answer_from_snapshot,
    map_from,
    map_key,
    segment_counts_from,
    segment_key,
    themes_from,
    themes_key,
)
from bot.reports import (
    build_overview,
    build_trend,
    recent_comments,
    segments_from,
    unscored_comments,
)
from bot.services import Services
from bot.targets import target_gaps
from bot.views.home import customer_home_view, staff_home_view
from bot.views.report import ReportMessage, comments_message, help_message, overview_message
from bot.views.report_detail import (
    benchmark_message,
    csat_message,
    engagement_message,
    nps_message,
    segment_message,
    trend_message,
)
from bot.views.themes import themes_message
from storage.engine import session_scope
from storage.pulses import is_respondent

STAFF_ONLY = (
    "The engagement figures are for the team that runs these surveys. "
    "If that is you, ask an admin to add you to ADMIN_USER_IDS."
)


def is_staff(services: Services, *, team_id: str, user_id: str) -> bool:
    """Customers (people we survey) never see the figures; configured admins always do."""
    if user_id in services.settings.admin_user_ids:
        return True
    with session_scope(services.engine) as session:
        return not is_respondent(session=session, team_id=team_id, user_id=user_id)


def answer_engagement(
    services: Services, *, team_id: str, query: EngagementQuery
) -> ReportMessage:
    if query.kind is QueryKind.HELP:
        return help_message()
    period = query.period.resolve(services.clock())
    if query.kind is QueryKind.FOLLOWUPS:
        return list_follow_ups(services, team_id=team_id, period=period)
    with session_scope(services.engine) as session:
        if query.kind is QueryKind.COMMENTS:
            rows = recent_comments(
                session=session, team_id=team_id, period=period, sentiment=query.sentiment,
                theme=query.theme,
            )
            not_scored = unscored_comments(
                session=session, team_id=team_id, period=period, theme=query.theme
            )
            return comments_message(
                rows, period=period.label, sentiment=query.sentiment, theme=query.theme,
                not_scored=not_scored,
            )
        if query.kind is QueryKind.THEMES:
            kept = answer_from_snapshot(services, session, themes_key(team_id, query.period),
                                        query.period)
            return themes_message(themes_from(kept.payload, kept.period))
        if query.kind is QueryKind.TREND:
            points = build_trend(session=session, team_id=team_id, period=period,
                                 granularity=query.granularity.value)
            return trend_message(points, granularity=query.granularity.value, period=period.label)
        if query.kind is QueryKind.ENGAGEMENT:
            return engagement_message(_engagement_map(services, session, team_id, query.period))
        if query.kind is QueryKind.SEGMENT:
            attribute = query.attribute or ""
            kept = answer_from_snapshot(
                services, session, segment_key(team_id, query.period, attribute), query.period)
            breakdown = segments_from(segment_counts_from(kept.payload), attribute=attribute,
                                      minimum=services.settings.anonymity_minimum)
            return segment_message(breakdown, period=kept.period.label)
        overview = build_overview(session=session, team_id=team_id, period=period)
        mine = load_workspace_benchmarks(session=session, team_id=team_id)
    targets = target_gaps(overview, mine.targets)
    if query.kind is QueryKind.BENCHMARK:
        comparison = compare_with_benchmarks(
            overview, industry=query.industry or mine.industry, extra=mine.extra
        )
        return benchmark_message(comparison, period=period.label, targets=targets)
    if query.kind is QueryKind.NPS:
        return nps_message(overview, targets)
    if query.kind is QueryKind.CSAT:
        return csat_message(overview, targets)
    return overview_message(overview, targets)


def home_for(services: Services, *, team_id: str, user_id: str, admin: bool = False) -> View:
    if not is_staff(services, team_id=team_id, user_id=user_id):
        with session_scope(services.engine) as session:
            surveys = customer_surveys(session, team_id=team_id, user_id=user_id)
        return customer_home_view(
            opted_out=is_opted_out(services, team_id=team_id, user_id=user_id), surveys=surveys
        )
    with session_scope(services.engine) as session:
        spec = PeriodSpec()
        engagement = _engagement_map(services, session, team_id, spec)
        themes = answer_from_snapshot(services, session, themes_key(team_id, spec), spec)
        dashboard = staff_dashboard(session, team_id=team_id, now=services.clock(),
                                    engagement=engagement,
                                    themes=themes_from(themes.payload, themes.period))
    return staff_home_view(dashboard, admin=admin)


def _engagement_map(
    services: Services, session: Session, team_id: str, spec: PeriodSpec
) -> EngagementMap:
    kept = answer_from_snapshot(services, session, map_key(team_id, spec), spec)
    return map_from(kept.payload, kept.period)
