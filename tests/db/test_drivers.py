"""/engagement drivers from stored answers: the hand-made set of tests/unit/test_drivers.py,
written through the storage layer and found again by the themes and segment queries."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from bot.core.periods import PeriodSpec
from bot.reporting.drivers import DriversReport, build_drivers, drivers_from, drivers_payload
from bot.reporting.report_json import drivers_json
from storage.engine import session_scope
from tests.outcome_history import History, at

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _drivers(engine: Engine, team_id: str, minimum: int = 5) -> DriversReport:
    with session_scope(engine) as session:
        report = build_drivers(session=session, team_id=team_id,
                               period=PeriodSpec(days=90).resolve(NOW), minimum=minimum)
    # A kept snapshot (JSON in the database) reads back as the same report.
    kept = json.loads(json.dumps(drivers_payload(report)))
    assert drivers_from(kept, report.period) == report
    return report


def test_a_theme_in_ten_answers_is_a_driver_one_in_nine_is_not(engine: Engine) -> None:
    h = History(engine)
    n = 0

    def answer(score: int, comment: str | None = None, *, anonymous: bool = False) -> None:
        nonlocal n
        n += 1
        h.answer(f"U0P{n:03d}", score, at("2026-10-01"), comment=comment, anonymous=anonymous)

    for score in (10, 9, 8, 7, 7, 6, 5, 3, 2, 0):  # 2 promoters, 3 passives, 5 detractors
        answer(score, "The CSV exports are slow")
    for _ in range(9):  # nine promoters: one mention short of a driver
        answer(9, "Billing was wrong")
    for score in [10] * 9 + [7] * 7:
        answer(score)
    for _ in range(5):  # anonymous answers count in the themes' comparison: no names needed
        answer(0, anonymous=True)
    # An answer outside the period counts nowhere.
    h.answer("U0OLD", 0, at("2026-08-01"), comment="The CSV exports are slow")

    report = _drivers(engine, h.team_id)

    # 40 answers: 20 P, 10 Pa, 10 D → +25. With the theme: −30; without (18 P, 7 Pa, 5 D):
    # +43.33; difference −73.33 (−112.1 to −12.9); impact 10/40 × −73.33 = −18.33.
    assert report.nps.n == 40
    assert report.nps.score == 25
    assert [(d.name, d.answers) for d in report.themes] == [("csv export", 10)]
    theme = report.themes[0]
    assert theme.change.difference == pytest.approx(-220 / 3)
    assert theme.impact == pytest.approx(-55 / 3)
    assert drivers_json(report) == [{
        "kind": "theme", "name": "csv export", "answers": 10, "nps_with": -30.0,
        "nps_without": 43.3, "difference": -73.3, "ci95": [-112.1, -12.9],
        "beyond_margin": True, "impact": -18.3}]


def test_segment_values_against_the_rest_with_small_groups_hidden(engine: Engine) -> None:
    h = History(engine)
    for plan, scores in (("starter", (10, 10, 9, 8, 3)), ("enterprise", (6, 5, 7, 9, 2)),
                         ("trial", (10, 0))):
        for n, score in enumerate(scores):
            user = f"U0{plan[:3].upper()}{n}"
            h.customer(user, f"{plan} {n}", plan=plan)
            h.answer(user, score, at("2026-10-01"))
    h.answer("U0ANON", 0, at("2026-10-01"), anonymous=True)  # linked to no one: no segment

    report = _drivers(engine, h.team_id)

    # trial (2 customers) is under 5; hiding it alone would let "everyone − the rest" show it,
    # so the smallest group shown (enterprise, 5) is hidden with it. starter: +40 against the
    # rest's −28.57 (2 P, 1 Pa, 4 D), difference +68.57, impact 5/12 × 68.57 = +28.57.
    assert [d.name for d in report.segments] == ["plan=starter"]
    starter = report.segments[0]
    assert starter.nps_with.score == 40
    assert starter.nps_without.score == pytest.approx(-200 / 7)
    assert starter.impact == pytest.approx(200 / 7)
    assert report.hidden_groups == 2
    # At a minimum of 2 every group shows.
    assert {d.name for d in _drivers(engine, h.team_id, minimum=3).segments} == {
        "plan=starter"}
    assert {d.name for d in _drivers(engine, h.team_id, minimum=2).segments} == {
        "plan=starter", "plan=enterprise", "plan=trial"}
