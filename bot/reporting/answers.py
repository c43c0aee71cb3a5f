"""Answers to /engagement, from a parsed query to a rendered message: one answerer per kind."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session

from bot.benchmarks.comparison import BenchmarkComparison, compare_with_benchmarks
from bot.benchmarks.comparison_blocks import all_benchmarks_message, benchmark_message
from bot.benchmarks.custom import load_workspace_benchmarks
from bot.benchmarks.targets import TargetGap, target_gaps
from bot.core.periods import Period, PeriodSpec
from bot.core.services import Services
from bot.followups.effect import loop_effect_answer, loop_effect_from
from bot.followups.listing import list_follow_ups
from bot.reporting.benchmark_button import button_value
from bot.reporting.blocks import comments_message, help_message, overview_message
from bot.reporting.continuum import build_advocacy, build_continuum, build_plan
from bot.reporting.continuum_blocks import advocacy_blocks, continuum_message, plan_message
from bot.reporting.detail_blocks import (
    csat_message,
    engagement_message,
    nps_message,
    segment_message,
    trend_message,
)
from bot.reporting.drivers import drivers_from
from bot.reporting.engagement_map import EngagementMap
from bot.reporting.figures import (
    build_overview,
    build_trend,
    recent_comments,
    segments_from,
    unscored_comments,
)
from bot.reporting.grammar import EngagementQuery, QueryKind
from bot.reporting.movement import movement_from
from bot.reporting.movement_blocks import movement_message
from bot.reporting.outcome_blocks import drivers_message, outcomes_message
from bot.reporting.outcomes import OutcomesReport, outcomes_from
from bot.reporting.snapshots import (
    Snapshotted,
    advocacy_from,
    answer_from_snapshot,
    continuum_from_map,
    drivers_key,
    loop_effect_key,
    map_from,
    map_key,
    movement_key,
    outcomes_key,
    plan_from_map,
    segment_counts_from,
    segment_key,
    themes_from,
    themes_key,
)
from bot.reporting.theme_blocks import themes_message
from bot.slack.message import ReportMessage
from storage.engine import session_scope


@dataclass(frozen=True)
class Asked:
    """One /engagement question in flight: who asks, what, and for which period."""

    services: Services
    session: Session
    team_id: str
    query: EngagementQuery
    period: Period


def _comments(asked: Asked) -> ReportMessage:
    query = asked.query
    rows = recent_comments(session=asked.session, team_id=asked.team_id, period=asked.period,
                           sentiment=query.sentiment, theme=query.theme)
    not_scored = unscored_comments(session=asked.session, team_id=asked.team_id,
                                   period=asked.period, theme=query.theme)
    return comments_message(rows, period=asked.period.label, sentiment=query.sentiment,
                            theme=query.theme, not_scored=not_scored)


def _themes(asked: Asked) -> ReportMessage:
    spec = asked.query.period
    kept = answer_from_snapshot(asked.services, asked.session, themes_key(asked.team_id, spec),
                                spec)
    return themes_message(themes_from(kept.payload, kept.period))


def _trend(asked: Asked) -> ReportMessage:
    granularity = asked.query.granularity.value
    points = build_trend(session=asked.session, team_id=asked.team_id, period=asked.period,
                         granularity=granularity)
    return trend_message(points, granularity=granularity, period=asked.period.label)


def _kept_map(asked: Asked) -> Snapshotted:
    """The map's snapshot: the map itself, and the advocacy, `map movement` and plan kept
    with it."""
    return answer_from_snapshot(asked.services, asked.session,
                                map_key(asked.team_id, asked.query.period), asked.query.period)


def _engagement(asked: Asked) -> ReportMessage:
    minimum = asked.services.settings.anonymity_minimum
    kept = _kept_map(asked)
    message = engagement_message(map_from(kept.payload, kept.period, minimum=minimum))
    advocacy = advocacy_from(kept.payload, kept.period, minimum=minimum) or build_advocacy(
        session=asked.session, team_id=asked.team_id, period=kept.period, minimum=minimum)
    return ReportMessage(text=message.text, blocks=[*message.blocks, *advocacy_blocks(advocacy)])


def _continuum(asked: Asked) -> ReportMessage:
    minimum = asked.services.settings.anonymity_minimum
    kept = _kept_map(asked)
    report = continuum_from_map(kept.payload, kept.period, session=asked.session,
                                minimum=minimum) or build_continuum(
        session=asked.session, team_id=asked.team_id, period=kept.period, minimum=minimum)
    # /engagement answers only staff; accounts are named only while the answer stays private.
    return continuum_message(report, names=not asked.query.share)


def _plan(asked: Asked) -> ReportMessage:
    minimum = asked.services.settings.anonymity_minimum
    kept = _kept_map(asked)
    report = plan_from_map(kept.payload, kept.period, session=asked.session,
                           team_id=asked.team_id, minimum=minimum) or build_plan(
        session=asked.session, team_id=asked.team_id, period=kept.period, minimum=minimum)
    return plan_message(report, names=not asked.query.share)


def _segment(asked: Asked) -> ReportMessage:
    spec, attribute = asked.query.period, asked.query.attribute or ""
    kept = answer_from_snapshot(asked.services, asked.session,
                                segment_key(asked.team_id, spec, attribute), spec)
    breakdown = segments_from(segment_counts_from(kept.payload), attribute=attribute,
                              minimum=asked.services.settings.anonymity_minimum)
    return segment_message(breakdown, period=kept.period.label)


def _movement(asked: Asked) -> ReportMessage:
    spec = asked.query.period
    kept = answer_from_snapshot(asked.services, asked.session,
                                movement_key(asked.team_id, spec), spec)
    # Only staff get here (bot.app.commands); names stay out of an answer posted to a channel.
    names = not asked.query.share
    movement = movement_from(kept.payload, kept.period, session=asked.session,
                             minimum=asked.services.settings.anonymity_minimum, named=names)
    return movement_message(movement, names=names)


def _loop_effect(asked: Asked) -> ReportMessage:
    spec = asked.query.period
    kept = answer_from_snapshot(asked.services, asked.session,
                                loop_effect_key(asked.team_id, spec), spec)
    return loop_effect_answer(loop_effect_from(
        kept.payload, kept.period, minimum=asked.services.settings.anonymity_minimum))


def _outcomes(asked: Asked) -> ReportMessage:
    # /engagement answers staff only; a shared answer is read by the whole channel, so it
    # counts without naming anyone.
    return outcomes_message(outcomes_for(asked.services, asked.session, asked.team_id,
                                         asked.query.period), names=not asked.query.share)


def _drivers(asked: Asked) -> ReportMessage:
    spec, minimum = asked.query.period, asked.services.settings.anonymity_minimum
    kept = answer_from_snapshot(asked.services, asked.session,
                                drivers_key(asked.team_id, spec, minimum), spec)
    return drivers_message(drivers_from(kept.payload, kept.period))


def _headline(asked: Asked) -> ReportMessage:
    """Overview, NPS, CSAT and benchmark: the period's figures against targets and peers."""
    kind = asked.query.kind
    if kind is QueryKind.BENCHMARK:
        # The headline comparisons only; targets and the rest are behind its button.
        comparison, _targets = _compared(asked)
        return benchmark_message(comparison, period=asked.period.label,
                                 button_value=button_value(asked.query))
    overview = build_overview(session=asked.session, team_id=asked.team_id, period=asked.period)
    mine = load_workspace_benchmarks(session=asked.session, team_id=asked.team_id)
    targets = target_gaps(overview, mine.targets)
    if kind is QueryKind.NPS:
        return nps_message(overview, targets)
    if kind is QueryKind.CSAT:
        return csat_message(overview, targets)
    return overview_message(overview, targets)


def _compared(asked: Asked) -> tuple[BenchmarkComparison, list[TargetGap]]:
    overview = build_overview(session=asked.session, team_id=asked.team_id, period=asked.period)
    mine = load_workspace_benchmarks(session=asked.session, team_id=asked.team_id)
    comparison = compare_with_benchmarks(
        overview, industry=asked.query.industry or mine.industry,
        today=asked.services.clock().date(), extra=mine.extra,
    )
    return comparison, target_gaps(overview, mine.targets)


def all_benchmarks(services: Services, *, team_id: str, query: EngagementQuery) -> ReportMessage:
    """Every benchmark figure for the question the headline answer answered, with targets."""
    period = query.period.resolve(services.clock())
    with session_scope(services.engine) as session:
        comparison, targets = _compared(Asked(services, session, team_id, query, period))
    return all_benchmarks_message(comparison, period=period.label, targets=targets)


ANSWERS: dict[QueryKind, Callable[[Asked], ReportMessage]] = {
    QueryKind.COMMENTS: _comments,
    QueryKind.THEMES: _themes,
    QueryKind.TREND: _trend,
    QueryKind.ENGAGEMENT: _engagement,
    QueryKind.CONTINUUM: _continuum,
    QueryKind.PLAN: _plan,
    QueryKind.SEGMENT: _segment,
    QueryKind.MOVEMENT: _movement,
    QueryKind.OUTCOMES: _outcomes,
    QueryKind.DRIVERS: _drivers,
    QueryKind.OVERVIEW: _headline,
    QueryKind.NPS: _headline,
    QueryKind.CSAT: _headline,
    QueryKind.BENCHMARK: _headline,
}


def answer_engagement(
    services: Services, *, team_id: str, query: EngagementQuery, period: Period | None = None
) -> ReportMessage:
    """The answer to `query`, for its period resolved now, or for `period` when given (the
    CLI's `report --compare-days` sets the earlier period's length)."""
    if query.kind is QueryKind.HELP:
        return help_message()
    period = period or query.period.resolve(services.clock())
    if query.kind is QueryKind.FOLLOWUPS and not query.effect:
        return list_follow_ups(services, team_id=team_id, period=period)
    answer = _loop_effect if query.kind is QueryKind.FOLLOWUPS else ANSWERS[query.kind]
    with session_scope(services.engine) as session:
        return answer(Asked(services, session, team_id, query, period))


def engagement_map_for(
    services: Services, session: Session, team_id: str, spec: PeriodSpec
) -> EngagementMap:
    kept = answer_from_snapshot(services, session, map_key(team_id, spec), spec)
    return map_from(kept.payload, kept.period, minimum=services.settings.anonymity_minimum)


def outcomes_for(
    services: Services, session: Session, team_id: str, spec: PeriodSpec
) -> OutcomesReport:
    kept = answer_from_snapshot(services, session, outcomes_key(team_id, spec), spec)
    return outcomes_from(kept.payload, kept.period)
