"""Everything `report --json` carries, built for one workspace and period from stored rows."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from bot.benchmarks.comparison import compare_with_benchmarks
from bot.benchmarks.custom import load_workspace_benchmarks
from bot.benchmarks.targets import target_gaps
from bot.core.periods import Period
from bot.followups.effect import build_loop_effect
from bot.reporting.continuum import (
    build_advocacy,
    build_continuum,
    build_plan,
    period_standings,
    places_from,
)
from bot.reporting.continuum_json import advocacy_json, continuum_json, plan_json
from bot.reporting.drift.check import DriftWindows, check_segments
from bot.reporting.drivers import build_drivers
from bot.reporting.engagement_map import build_engagement_map
from bot.reporting.figures import build_overview, build_segments, build_trend
from bot.reporting.movement import build_movement
from bot.reporting.outcomes import build_outcomes
from bot.reporting.report_json import build_report_json
from bot.reporting.themes import build_themes
from storage.engagement_counts import counted
from storage.respondents import segment_attributes


def build_full_report(
    *, session: Session, team_id: str, period: Period, anonymity_minimum: int,
    drift_days: int = 30,
) -> dict[str, Any]:
    """`drift_days`: the drift check's windows (DRIFT_PERIOD_DAYS), ending with the period."""
    overview = build_overview(session=session, team_id=team_id, period=period)
    mine = load_workspace_benchmarks(session=session, team_id=team_id)
    # Read once, per customer: the map counts the standings the continuum views place.
    standings = period_standings(session=session, team_id=team_id, period=period)
    segments = [
        build_segments(session=session, team_id=team_id, period=period, attribute=attribute,
                       minimum=anonymity_minimum)
        for attribute in segment_attributes(session=session, team_id=team_id)
    ]
    data = build_report_json(
        overview=overview,
        trend=build_trend(session=session, team_id=team_id, period=period, granularity="monthly"),
        segments=segments,
        comparison=compare_with_benchmarks(overview, industry=mine.industry,
                                           today=period.end.date(), extra=mine.extra),
        targets=target_gaps(overview, mine.targets),
        engagement=build_engagement_map(session=session, team_id=team_id, period=period,
                                        minimum=anonymity_minimum,
                                        counts=counted(row.standing for row in standings)),
        themes=build_themes(session=session, team_id=team_id, period=period),
        movement=build_movement(session=session, team_id=team_id, period=period,
                                minimum=anonymity_minimum),
        loop_effect=build_loop_effect(session=session, team_id=team_id, period=period,
                                      minimum=anonymity_minimum),
        outcomes=build_outcomes(session=session, team_id=team_id, period=period),
        drivers=build_drivers(session=session, team_id=team_id, period=period,
                              minimum=anonymity_minimum),
        drift=check_segments(session=session, team_id=team_id,
                             windows=DriftWindows.ending(period.end, drift_days),
                             anonymity_minimum=anonymity_minimum),
    )
    places = places_from(standings)
    data.setdefault("movement", {})["continuum"] = continuum_json(build_continuum(
        session=session, team_id=team_id, period=period, minimum=anonymity_minimum,
        places=places))
    data["advocacy"] = advocacy_json(build_advocacy(
        session=session, team_id=team_id, period=period, minimum=anonymity_minimum,
        places=places))
    data["plan"] = plan_json(build_plan(
        session=session, team_id=team_id, period=period, minimum=anonymity_minimum,
        places=places))
    return data
