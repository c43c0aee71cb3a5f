"""Revealed loyalty and revenue at risk from stored answers and events, counted on paper."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from bot.core.periods import PeriodSpec
from bot.reporting.outcomes import (
    OutcomesReport,
    build_outcomes,
    outcomes_from,
    outcomes_payload,
)
from storage.engine import session_scope
from storage.models import OutcomeKind
from tests.outcome_history import History, at

RENEWED, CHURNED = OutcomeKind.RENEWED, OutcomeKind.CHURNED
EXPANDED, PURCHASED = OutcomeKind.EXPANDED, OutcomeKind.PURCHASED
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)  # the last 365 days start 2025-11-20 09:00


def _report(engine: Engine, team_id: str) -> OutcomesReport:
    with session_scope(engine) as session:
        report = build_outcomes(session=session, team_id=team_id,
                                period=PeriodSpec(days=365).resolve(NOW))
    # A kept snapshot (JSON in the database) reads back as the same report.
    kept = json.loads(json.dumps(outcomes_payload(report)))
    assert outcomes_from(kept, report.period) == report
    return report


def test_renewals_and_churn_by_the_answer_before_each(engine: Engine) -> None:
    h = History(engine)
    # Acme: a detractor (3), then a promoter (10), then churned: the latest before counts.
    h.customer("U0A", "Acme")
    h.answer("U0A", 3, at("2025-12-01"))
    h.answer("U0A", 10, at("2026-01-10"))
    h.event("U0A", CHURNED, "2026-03-01")
    # Bobco: detractor (3), then renewed.
    h.customer("U0B", "Bobco")
    h.answer("U0B", 3, at("2026-02-01"))
    h.event("U0B", RENEWED, "2026-04-01")
    # Cyan: promoter (9) before the renewal, a detractor (4) only after it: counted a promoter,
    # though a detractor by the latest answer overall.
    h.customer("U0C", "Cyan")
    h.answer("U0C", 9, at("2026-01-05"))
    h.event("U0C", RENEWED, "2026-05-01")
    h.answer("U0C", 4, at("2026-06-10"))
    # Dune: churned with no answer before (an anonymous 10 before it links to nobody, the named
    # 2 came after): not surveyed.
    h.customer("U0D", "Dune")
    h.answer("U0D", 10, at("2026-01-01"), anonymous=True)
    h.event("U0D", CHURNED, "2026-02-15")
    h.answer("U0D", 2, at("2026-03-01"))
    # Eon: passive (7) long before the period; a 10 given on the renewal's own day (08:00) is
    # not before it: counted a passive.
    h.customer("U0E", "Eon")
    h.answer("U0E", 7, at("2025-10-01"))
    h.answer("U0E", 10, at("2026-02-01", hour=8))
    h.event("U0E", RENEWED, "2026-02-01")
    # Fizz: promoter (9) answered at 00:00 on the renewal's day: not before it either, so the
    # answer before is the 6 of the day before.
    h.customer("U0F", "Fizz")
    h.answer("U0F", 6, at("2026-01-31", hour=23))
    h.answer("U0F", 9, at("2026-02-01", hour=0))
    h.event("U0F", RENEWED, "2026-02-01")
    # Halo: promoter (10) and renewed on the period's first day: in. Gale: churned the day
    # before it: out. Someone in another workspace: out.
    h.customer("U0H", "Halo")
    h.answer("U0H", 10, at("2025-06-01"))
    h.event("U0H", RENEWED, "2025-11-20")
    h.customer("U0G", "Gale")
    h.answer("U0G", 10, at("2025-06-01"))
    h.event("U0G", CHURNED, "2025-11-19")
    elsewhere = History(engine, team_id="T0ELSEWHERE")
    elsewhere.answer("U0A", 10, at("2026-01-10"))
    elsewhere.event("U0A", CHURNED, "2026-03-01")
    # An expansion is neither a renewal nor a churn.
    h.event("U0A", EXPANDED, "2026-02-01")

    report = _report(engine, h.team_id)

    # promoter: Acme churned, Cyan and Halo renewed → 3 customers, 2 of 3 renewed (66.7%).
    # passive: Eon renewed. detractor: Bobco and Fizz renewed. not surveyed: Dune churned.
    rows = {name: (row.customers, row.rate.renewed, row.rate.churned)
            for name, row in report.by_class.items()}
    assert rows == {"promoter": (3, 2, 1), "passive": (1, 1, 0), "detractor": (2, 2, 0),
                    "not_surveyed": (1, 0, 1)}
    assert report.by_class["promoter"].rate.percent == pytest.approx(200 / 3)
    # Wilson(2, 3): denominator 2.28053, centre (.66667 + .64027)/2.28053 = .57309,
    # margin 1.96 × sqrt(.074074 + .106711)/2.28053 = 1.96 × .42519/2.28053 = .36543
    # → 20.8% to 93.9%.
    ci = report.by_class["promoter"].rate.ci95
    assert ci is not None
    assert (round(ci.low, 1), round(ci.high, 1)) == (20.8, 93.9)
    assert [c.account for c in report.promoters_who_churned] == ["Acme"]
    # Newest event first: Bobco renewed in April, Fizz in February.
    assert [c.account for c in report.detractors_who_renewed] == ["Bobco", "Fizz"]
    assert report.events == 7


def test_revenue_at_risk_counted_by_hand(engine: Engine) -> None:
    h = History(engine)
    h.currency("EUR")
    # Bobco: detractor (3), renewed two months later (12,000): not at risk.
    h.customer("U0B", "Bobco")
    h.answer("U0B", 3, at("2026-02-01"))
    h.event("U0B", RENEWED, "2026-04-01", 12_000)
    # Ivy: renewed (20,000), then a detractor (2): at risk, 20,000.
    h.customer("U0I", "Ivy")
    h.event("U0I", RENEWED, "2026-03-01", 20_000)
    h.answer("U0I", 2, at("2026-05-01"))
    # Cyan: 9 then 4 (a detractor, and fell); renewed (30,000) between the two: at risk.
    h.customer("U0C", "Cyan")
    h.answer("U0C", 9, at("2026-01-05"))
    h.event("U0C", RENEWED, "2026-05-01", 30_000)
    h.answer("U0C", 4, at("2026-06-10"))
    # Jade: 9 then 8 (fell to passive); expanded (5,000), then bought more (7,000, the newest
    # amount): at risk, 7,000.
    h.customer("U0J", "Jade")
    h.event("U0J", EXPANDED, "2026-01-15", 5_000)
    h.event("U0J", PURCHASED, "2026-02-01", 7_000)
    h.answer("U0J", 9, at("2026-03-01"))
    h.answer("U0J", 8, at("2026-07-01"))
    # Kite: detractor (1), churned since: lost, not at risk.
    h.customer("U0K", "Kite")
    h.event("U0K", RENEWED, "2025-06-01", 9_000)
    h.answer("U0K", 1, at("2026-04-01"))
    h.event("U0K", CHURNED, "2026-06-01")
    # Lumo: 10 then 9: a promoter still, not at risk.
    h.customer("U0L", "Lumo")
    h.answer("U0L", 10, at("2026-01-01"))
    h.answer("U0L", 9, at("2026-02-01"))
    h.event("U0L", RENEWED, "2026-01-15", 8_000)
    # Mint: detractor (5) on 1 August at 10:00, renewed (4,000) that same day: not a renewal
    # since the answer (same day), so at risk. Nova: the same, renewed a day later: not.
    h.customer("U0M", "Mint")
    h.answer("U0M", 5, at("2026-08-01", hour=10))
    h.event("U0M", RENEWED, "2026-08-01", 4_000)
    h.customer("U0N", "Nova")
    h.answer("U0N", 6, at("2026-08-01", hour=10))
    h.event("U0N", RENEWED, "2026-08-02", 3_000)
    # Opal: a detractor with no amount on record: nothing to sum.
    h.customer("U0O", "Opal")
    h.answer("U0O", 0, at("2026-08-01"))

    report = _report(engine, h.team_id)

    # 20,000 (Ivy) + 30,000 (Cyan) + 7,000 (Jade) + 4,000 (Mint) = 61,000 from 4 customers.
    assert report.revenue.amount == 61_000
    assert report.revenue.customers == 4
    assert [(r.customer.account, r.amount, r.score) for r in report.at_risk] == [
        ("Cyan", 30_000, 4), ("Ivy", 20_000, 2), ("Jade", 7_000, 8), ("Mint", 4_000, 5)]
    assert report.currency == "EUR"


def test_nothing_recorded_is_an_empty_report(engine: Engine) -> None:
    h = History(engine)
    h.answer("U0A", 3, at("2026-02-01"))

    report = _report(engine, h.team_id)

    assert report.events == 0
    assert (report.revenue.amount, report.revenue.customers) == (0, 0)
    assert report.currency is None
