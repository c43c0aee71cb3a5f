"""Revealed loyalty's queries: renewals and churn with the NPS answer before each, and what
revenue at risk needs per customer. Counts and rows only; the rules are bot.insights.revealed.

"Before an event" is `answered_at < occurred_on`: an answer given before the event's day began
(UTC). That one comparison works on both databases: PostgreSQL casts the date to midnight, and
SQLite compares the stored texts, where "2026-03-01 00:00:00.000000" sorts after "2026-03-01".

Anonymous answers have no respondent, so they are never linked to what a customer did.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from storage.models import Metric, OutcomeEvent, OutcomeKind, Respondent, Response

DECIDING = (OutcomeKind.RENEWED.value, OutcomeKind.CHURNED.value)
NONE = 15  # "no answer before": scores are 0..10, so it never collides with one
# Newest first, as storage.answer_order orders a customer's answers of one metric (by time, then
# place). The metric between them is fixed by the query: naming it lets both databases walk
# ix_response_customer backwards and stop at the first row, instead of sorting every earlier
# answer of the customer to find the newest.
NEWEST_FIRST = (col(Response.answered_at).desc(), col(Response.metric).desc(),
                col(Response.respondent_seq).desc())


@dataclass(frozen=True)
class EventRow:
    """A renewal or churn, the customer's latest NPS answer before its day, and who they are."""

    respondent_id: int
    renewed: bool  # False: churned
    occurred_on: date
    score_before: int | None
    user_id: str
    account: str | None


def _latest_nps(*, before: Any) -> Any:
    """The score of the newest NPS answer of the outer event's customer meeting `before`,
    newest by time and then by place, as storage.answer_order orders them; read from
    ix_response_customer."""
    return (
        sa_select(col(Response.score))
        .where(col(Response.respondent_id) == col(OutcomeEvent.respondent_id),
               col(Response.metric) == Metric.NPS.value, before)
        .order_by(*NEWEST_FIRST)
        .limit(1)
        .correlate(OutcomeEvent)
        .scalar_subquery()
    )


def renewals_and_churn(
    *, session: Session, team_id: str, first_day: date, last_day: date
) -> list[EventRow]:
    """Every renewal and churn dated in [first_day, last_day]."""
    score_before = _latest_nps(before=col(Response.answered_at) < col(OutcomeEvent.occurred_on))
    rows = session.connection().execute(
        sa_select(col(OutcomeEvent.respondent_id), col(OutcomeEvent.event),
                  col(OutcomeEvent.occurred_on), score_before, col(Respondent.user_id),
                  col(Respondent.account))
        .join(Respondent, col(Respondent.id) == col(OutcomeEvent.respondent_id))
        .where(col(OutcomeEvent.team_id) == team_id,
               col(OutcomeEvent.event).in_(DECIDING),
               col(OutcomeEvent.occurred_on) >= first_day,
               col(OutcomeEvent.occurred_on) <= last_day)
        .order_by(col(OutcomeEvent.occurred_on), col(OutcomeEvent.id))
    ).all()
    return [
        EventRow(int(who), event == OutcomeKind.RENEWED.value, on,
                 None if score is None else int(score), str(user_id), account)
        for who, event, on, score, user_id, account in rows
    ]


@dataclass(frozen=True)
class CustomerRow:
    """A customer with an amount on record, as revenue at risk reads them."""

    respondent_id: int
    user_id: str
    account: str | None
    amount: float  # from their newest event with an amount
    latest_score: int | None  # their latest NPS answer, if any
    previous_score: int | None  # the one before it
    answered_at: datetime | None
    last_renewed_on: date | None
    last_churned_on: date | None


def customers_with_amounts(*, session: Session, team_id: str, until: datetime) -> list[CustomerRow]:
    """Every customer with an event carrying an amount up to `until`, with their latest
    amount, their latest NPS answer up to `until` and their last renewal and churn: a customer
    with no amount on record adds nothing to revenue at risk, so only these are read."""
    last_day = until.date()
    # One pass over the workspace's events, oldest first: the last amount, renewal and churn
    # seen for a customer are their latest.
    events: Sequence[Any] = session.connection().execute(
        sa_select(col(OutcomeEvent.respondent_id), col(OutcomeEvent.event),
                  col(OutcomeEvent.occurred_on), col(OutcomeEvent.amount))
        .where(col(OutcomeEvent.team_id) == team_id, col(OutcomeEvent.occurred_on) <= last_day,
               col(OutcomeEvent.amount).is_not(None) | col(OutcomeEvent.event).in_(DECIDING))
        .order_by(col(OutcomeEvent.occurred_on), col(OutcomeEvent.id))
    ).all()
    amounts: dict[int, float] = {}
    renewed: dict[int, date] = {}
    churned: dict[int, date] = {}
    for who, event, on, amount in events:
        if amount is not None:
            amounts[int(who)] = float(amount)
        if event == OutcomeKind.RENEWED.value:
            renewed[int(who)] = on
        elif event == OutcomeKind.CHURNED.value:
            churned[int(who)] = on
    if not amounts:
        return []
    def newest(value: Any) -> Any:
        """`value` of the customer's newest NPS answer up to `until`: one index seek each. Two
        seeks rather than a join on the answer's id, which PostgreSQL plans as a hash of the
        whole answer table."""
        return (
            sa_select(value)
            .where(col(Response.respondent_id) == col(Respondent.id),
                   col(Response.metric) == Metric.NPS.value, col(Response.answered_at) <= until)
            .order_by(*NEWEST_FIRST)
            .limit(1)
            .correlate(Respondent)
            .scalar_subquery()
        )

    # The score and the one before it packed in one number (NONE: no answer before).
    packed = newest(col(Response.score) * 16
                    + func.coalesce(col(Response.previous_score), NONE))
    people: Sequence[Any] = session.connection().execute(
        sa_select(col(Respondent.id), col(Respondent.user_id), col(Respondent.account), packed,
                  newest(col(Response.answered_at)))
        .where(col(Respondent.team_id) == team_id,
               col(Respondent.id).in_(
                   sa_select(col(OutcomeEvent.respondent_id))
                   .where(col(OutcomeEvent.team_id) == team_id,
                          col(OutcomeEvent.amount).is_not(None),
                          col(OutcomeEvent.occurred_on) <= last_day)))
    ).all()
    rows = []
    for who, user_id, account, both, at in people:
        score, previous = (None, None) if both is None else divmod(int(both), 16)
        rows.append(CustomerRow(int(who), str(user_id), account, amounts[int(who)], score,
                                None if previous in (None, NONE) else previous, at,
                                renewed.get(int(who)), churned.get(int(who))))
    return rows
