"""/engagement outcomes: revealed loyalty for a period, from imported renewals and churn.

The period is the events' (a renewal or churn dated in it, by UTC day); the NPS answer each is
counted under may be older. Without a period the question is asked over the last 365 days
(bot.reporting.grammar.OUTCOMES_DAYS): renewals come once a year for most contracts, so a
shorter window would show only the customers whose anniversary happened to fall in it. Revenue
at risk is as of the period's end: the latest answers and amounts up to then.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from bot.core.periods import Period
from bot.insights.revealed import (
    ClassedEvent,
    ClassRow,
    CustomerStanding,
    RenewalRate,
    RevenueAtRisk,
    at_risk,
    by_class,
    revenue_at_risk,
)
from storage.revealed_loyalty import EventRow, customers_with_amounts, renewals_and_churn
from storage.workspaces import workspace_settings


@dataclass(frozen=True)
class Customer:
    """Who a customer is, for staff: their account if imported with one, else their id."""

    user_id: str
    account: str | None


@dataclass(frozen=True)
class AtRisk:
    customer: Customer
    amount: float
    score: int  # their latest NPS answer


@dataclass(frozen=True)
class OutcomesReport:
    period: Period
    by_class: dict[str, ClassRow]
    promoters_who_churned: list[Customer]  # newest event first, each customer once
    detractors_who_renewed: list[Customer]
    revenue: RevenueAtRisk
    at_risk: list[AtRisk]  # largest amount first
    currency: str | None  # ISO 4217; None: amounts are plain numbers

    @property
    def events(self) -> int:
        return sum(row.rate.decided for row in self.by_class.values())


def _customers(rows: list[EventRow], *, renewed: bool, nps_class: str) -> list[Customer]:
    seen: dict[int, Customer] = {}
    for row in reversed(rows):
        if row.renewed is renewed and _classed(row).nps_class == nps_class:
            seen.setdefault(row.respondent_id, Customer(row.user_id, row.account))
    return list(seen.values())


def _classed(row: EventRow) -> ClassedEvent:
    return ClassedEvent(row.respondent_id, row.renewed, row.score_before)


def build_outcomes(*, session: Session, team_id: str, period: Period) -> OutcomesReport:
    events = renewals_and_churn(session=session, team_id=team_id,
                                first_day=period.start.date(), last_day=period.end.date())
    standings = [
        (row, CustomerStanding(row.latest_score, row.previous_score,
                               None if row.answered_at is None else row.answered_at.date(),
                               row.last_renewed_on, row.last_churned_on, row.amount))
        for row in customers_with_amounts(session=session, team_id=team_id, until=period.end)
    ]
    risky = sorted(
        (AtRisk(Customer(row.user_id, row.account), row.amount, row.latest_score)
         for row, standing in standings if at_risk(standing) and row.latest_score is not None),
        key=lambda r: (-r.amount, r.customer.account or r.customer.user_id),
    )
    settings = workspace_settings(session=session, team_id=team_id)
    return OutcomesReport(
        period=period,
        by_class=by_class(_classed(row) for row in events),
        promoters_who_churned=_customers(events, renewed=False, nps_class="promoter"),
        detractors_who_renewed=_customers(events, renewed=True, nps_class="detractor"),
        revenue=revenue_at_risk(standing for _, standing in standings),
        at_risk=risky,
        currency=settings.currency if settings is not None else None,
    )


# ---- Kept as a snapshot (bot.reporting.snapshots): the finished report, small ------------------

def outcomes_payload(report: OutcomesReport) -> dict[str, Any]:
    """The report as JSON-able data. It names customers (for staff's private answers), so it is
    kept only as snapshots are: dropped unread after a day, and by `forget`."""
    def named(customers: list[Customer]) -> list[list[str | None]]:
        return [[c.user_id, c.account] for c in customers]

    return {
        "by_class": {name: {"customers": row.customers, "renewed": row.rate.renewed,
                            "churned": row.rate.churned}
                     for name, row in report.by_class.items()},
        "promoters_who_churned": named(report.promoters_who_churned),
        "detractors_who_renewed": named(report.detractors_who_renewed),
        "revenue": {"amount": report.revenue.amount, "customers": report.revenue.customers},
        "at_risk": [[r.customer.user_id, r.customer.account, r.amount, r.score]
                    for r in report.at_risk],
        "currency": report.currency,
    }


def outcomes_from(payload: dict[str, Any], period: Period) -> OutcomesReport:
    def named(rows: list[list[Any]]) -> list[Customer]:
        return [Customer(str(user_id), account) for user_id, account in rows]

    return OutcomesReport(
        period=period,
        by_class={name: ClassRow(name, int(row["customers"]),
                                 RenewalRate(int(row["renewed"]), int(row["churned"])))
                  for name, row in payload["by_class"].items()},
        promoters_who_churned=named(payload["promoters_who_churned"]),
        detractors_who_renewed=named(payload["detractors_who_renewed"]),
        revenue=RevenueAtRisk(float(payload["revenue"]["amount"]),
                              int(payload["revenue"]["customers"])),
        at_risk=[AtRisk(Customer(str(user_id), account), float(amount), int(score))
                 for user_id, account, amount, score in payload["at_risk"]],
        currency=payload["currency"],
    )
