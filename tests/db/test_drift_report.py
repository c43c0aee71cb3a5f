"""Drift where a team looks: `report --json`'s `drift`, the digest's line, App Home's warnings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from bot.core.periods import Period, PeriodSpec
from bot.digests.content import build_digest
from bot.home.dashboard import staff_dashboard
from bot.reporting.engagement_map import build_engagement_map
from bot.reporting.full_report import build_full_report
from bot.reporting.themes import build_themes
from storage.drift import DriftRecord, claim_drift_alert
from storage.engine import session_scope
from storage.models import Metric
from storage.scoped_reporting import ReportScope
from storage.workspaces import ensure_workspace
from tests.drift_history import customers, people, scored, wave

TEAM = "T0DRIFT"
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)
BEFORE, LATELY = NOW - 45 * DAY, NOW - 10 * DAY


def _plans(engine: Engine, *, with_pilot: bool = True) -> None:
    """Enterprise (40 people) falls from +100 to −100; starter (150) rises from +20 to +100;
    trial (4 people, 32 answers) falls too but is under the anonymity minimum of 5; pilot
    (3 people, one answer in each period) keeps the small groups at 7 people together."""
    enterprise, starter = people("ENT", 40), people("STA", 150)
    trial, pilot = people("TRI", 4), people("PIL", 3)
    for users, plan in ((enterprise, "enterprise"), (starter, "starter"), (trial, "trial"),
                        (pilot, "pilot")):
        customers(engine, TEAM, users, {"plan": plan}, now=NOW - 90 * DAY)
    wave(engine, TEAM, when=BEFORE,
         answers=scored(enterprise, [10]) + scored(starter, [9, 9, 8, 8, 3]))
    wave(engine, TEAM, when=LATELY,
         answers=scored(enterprise, [2]) + scored(starter, [10, 10, 9, 9, 9]))
    if with_pilot:
        wave(engine, TEAM, when=BEFORE - timedelta(hours=1), answers=scored(pilot, [9]))
        wave(engine, TEAM, when=LATELY - timedelta(hours=1), answers=scored(pilot, [9]))
    for hour in range(8):
        wave(engine, TEAM, when=BEFORE + timedelta(hours=hour + 1), answers=scored(trial, [10]))
        wave(engine, TEAM, when=LATELY + timedelta(hours=hour + 1), answers=scored(trial, [0]))


def _drift(engine: Engine) -> list[dict[str, Any]]:
    with session_scope(engine) as session:
        report = build_full_report(session=session, team_id=TEAM,
                                   period=PeriodSpec(days=90).resolve(NOW), anonymity_minimum=5,
                                   drift_days=30)
    drift: list[dict[str, Any]] = report["drift"]
    return drift


def test_the_report_lists_every_segment_checked_and_which_fell(engine: Engine) -> None:
    _plans(engine)

    drift = _drift(engine)

    # All: before 40 + 150 + 32 + 3 = 225 answers, 40 + 60 + 32 + 3 = 135 promoters and 30
    # detractors: (135 − 30)/225 = +46.7; lately 40 + 150 + 32 + 3: 150 + 3 promoters, 40 + 32
    # detractors: (153 − 72)/225 = +36.0. Trial and pilot count in the whole, never named.
    assert drift == [
        {"segment": "all", "metric": "nps", "previous": 46.7, "current": 36.0,
         "n_previous": 225, "n_current": 225, "beyond_margin": False},
        {"segment": "plan=enterprise", "metric": "nps", "previous": 100.0, "current": -100.0,
         "n_previous": 40, "n_current": 40, "beyond_margin": True},
        {"segment": "plan=starter", "metric": "nps", "previous": 20.0, "current": 100.0,
         "n_previous": 150, "n_current": 150, "beyond_margin": False},
    ]


def test_a_group_withheld_beside_a_small_one_is_not_listed_either(engine: Engine) -> None:
    # Without pilot, trial is the only hidden group: the whole minus the groups shown would
    # give it away, so the segment view withholds the smallest shown group (enterprise) too.
    _plans(engine, with_pilot=False)

    segments = [row["segment"] for row in _drift(engine)]

    assert segments == ["all", "plan=starter"]


def test_a_segment_under_the_minimum_in_one_period_is_not_listed(engine: Engine) -> None:
    _plans(engine)
    # Team: 6 people (36 answers) before, only 4 of them (32 answers) lately: shown in the
    # first period, hidden in the second, so never compared.
    team = people("TEA", 6)
    customers(engine, TEAM, team, {"plan": "team"}, now=NOW - 90 * DAY)
    for hour in range(8):
        if hour < 6:
            wave(engine, TEAM, when=BEFORE + timedelta(hours=20 + hour), answers=scored(team, [10]))
        wave(engine, TEAM, when=LATELY + timedelta(hours=20 + hour),
             answers=scored(team[:4], [0]))

    segments = [row["segment"] for row in _drift(engine)]

    assert segments == ["all", "plan=enterprise", "plan=starter"]


def test_anonymous_answers_count_in_the_whole_workspace_only(engine: Engine) -> None:
    named = people("CUS", 30)
    customers(engine, TEAM, named, {"plan": "team"}, now=NOW - 90 * DAY)
    anonymous = people("ANO", 10)
    for when in (BEFORE, LATELY):
        wave(engine, TEAM, when=when, answers=scored(named, [9]))
        wave(engine, TEAM, when=when + DAY, answers=scored(anonymous, [9]), anonymous=True)

    drift = _drift(engine)

    assert [(r["segment"], r["n_previous"], r["n_current"]) for r in drift] == [
        ("all", 40, 40), ("plan=team", 30, 30)]


def test_a_period_with_no_answers_enough_lists_nothing(engine: Engine) -> None:
    wave(engine, TEAM, when=LATELY, answers=scored(people("CUS", 29), [0]))
    wave(engine, TEAM, when=BEFORE, answers=scored(people("CUS", 29), [10]))

    assert _drift(engine) == []


def _raise(engine: Engine, segment: str, *, at: datetime) -> None:
    with session_scope(engine) as session:
        claim_drift_alert(
            session=session, team_id=TEAM,
            record=DriftRecord(segment, Metric.CSAT, 80.0, 60.0, 70, 80, 69.2, 87.7, 49.0, 70.0,
                               1.5),
            period_start=at - DAY, current_start=at - 30 * DAY, now=at,
            quiet_since=at - 30 * DAY, channel_id=None)


def test_the_weekly_digest_carries_the_drift_of_its_week(engine: Engine) -> None:
    _plans(engine)
    week = Period(NOW - 7 * DAY, NOW, "week of 13 November 2026")
    _raise(engine, "plan=enterprise", at=NOW - 2 * DAY)
    _raise(engine, "all", at=NOW - 8 * DAY)  # the week before: not this digest's

    def extras(scope: ReportScope | None) -> str:
        with session_scope(engine) as session:
            digest = build_digest(session=session, team_id=TEAM, period=week,
                                  anonymity_minimum=5, scope=scope)
        return "\n".join(digest.extras)

    everything = extras(None)
    assert "CSAT fell for plan = enterprise: 80% to 60% (70 and 80 answers)" in everything
    assert "whole workspace" not in everything
    assert "plan = enterprise" in extras(ReportScope(segment={"plan": "Enterprise"}))
    assert "plan = enterprise" not in extras(ReportScope(segment={"plan": "starter"}))


def test_app_home_shows_the_warnings_of_the_current_window(engine: Engine) -> None:
    with session_scope(engine) as session:
        ensure_workspace(session=session, team_id=TEAM, name=TEAM, now=NOW - 90 * DAY)
    _raise(engine, "plan=enterprise", at=NOW - 29 * DAY)
    _raise(engine, "all", at=NOW - 31 * DAY)  # its window has rolled past

    with session_scope(engine) as session:
        period = PeriodSpec().resolve(NOW)
        dashboard = staff_dashboard(
            session, team_id=TEAM, now=NOW, drift_days=30, anonymity_minimum=5,
            engagement=build_engagement_map(session=session, team_id=TEAM, period=period),
            themes=build_themes(session=session, team_id=TEAM, period=period))

    # Home's other lines (movement, the loop effect) come first; the warnings are their own.
    [shown] = [extra for extra in dashboard.extras if extra.startswith("*Drift warnings*")]
    assert "plan = enterprise" in shown
    assert "whole workspace" not in shown
