"""/engagement outcomes and drivers: how they are asked for, and how their figures read."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.periods import Period, PeriodSpec
from bot.insights.revealed import ClassedEvent, RevenueAtRisk, by_class
from bot.reporting.grammar import QueryKind, UsageError, parse_query
from bot.reporting.outcome_blocks import customer_name, money, outcomes_line, outcomes_message
from bot.reporting.outcomes import Customer, OutcomesReport

PERIOD = Period(datetime(2025, 11, 20, tzinfo=UTC), datetime(2026, 11, 20, tzinfo=UTC),
                "last 365 days")


def test_outcomes_ask_about_a_year_unless_told_otherwise() -> None:
    assert parse_query("outcomes").period == PeriodSpec(days=365)
    assert parse_query("outcomes 90d share").period == PeriodSpec(days=90)
    assert parse_query("outcomes quarter").kind is QueryKind.OUTCOMES
    # Drivers keep the usual 90 days: themes and segments of now, not of last year.
    assert parse_query("drivers").period == PeriodSpec(days=90)
    assert parse_query("drivers year").kind is QueryKind.DRIVERS
    with pytest.raises(UsageError):
        parse_query("outcomes 0d")


def test_money_in_the_workspace_currency_or_a_plain_number() -> None:
    assert money(84_000.4, "USD") == "USD 84,000"
    assert money(1_234_567.5, None) == "1,234,568"
    assert money(0, "EUR") == "EUR 0"


def test_a_customer_is_named_by_account_else_by_who_they_are() -> None:
    assert customer_name(Customer("U0AAA", "<b>Acme</b> & Co")) == \
        "&lt;b&gt;Acme&lt;/b&gt; &amp; Co"
    assert customer_name(Customer("U0AAA", None)) == "<@U0AAA>"
    # Imported under an e-mail or an id from another tool: shown as text, never as a mention.
    assert customer_name(Customer("<!here>@x.com", None)) == "&lt;!here&gt;@x.com"


def _report(events: list[ClassedEvent], churned: list[Customer]) -> OutcomesReport:
    return OutcomesReport(PERIOD, by_class(events), churned, [], RevenueAtRisk(0.0, 0), [], None)


def test_names_are_cut_at_ten_with_how_many_more() -> None:
    churned = [Customer(f"U0C{n:03d}", f"Account {n}") for n in range(12)]
    report = _report([ClassedEvent(n, renewed=False, score_before=10) for n in range(12)],
                     churned)

    private = str([b.to_dict() for b in outcomes_message(report, names=True).blocks])
    shared = str([b.to_dict() for b in outcomes_message(report, names=False).blocks])

    assert "Promoters who churned: *12* · Account 0, " in private
    assert "Account 9 and 2 more" in private
    assert "Account 10" not in private
    assert "Account" not in shared
    assert "Names are shown only in a private answer." in shared


def test_nothing_recorded_says_how_to_import() -> None:
    report = _report([], [])

    message = outcomes_message(report, names=True)

    assert "python -m bot outcomes import FILE.csv" in str(message.blocks[1].to_dict())
    assert "no renewals or churn imported yet" in outcomes_line(report)
