"""Each customer's answers in order, kept on the answers themselves (the engagement map's input).

The map places a customer by their latest answers before some instant (their last two NPS
answers, their last CSAT answer) for periods that start and end anywhere. Ranking every answer
of three periods per customer at read time (a window function and a sort) took seconds at a
million answers. So every linked answer carries its respondent, its place in that respondent's
answers of its metric (oldest first by answered_at, then id) and the score of the one before
it: the newest answer of a period is then the one with the highest place, and the one before
it, when it is in the period too, is named on the same row. The map becomes one GROUP BY.

Why on the answer row and in the writing transaction: the place moves only when that
customer answers (or changes an answer), so renumbering is a handful of rows of one customer,
under a lock on that customer, in the transaction that writes the answer; a report can never
read a half-updated order. Deleting all of a person's answers (storage.data_requests) leaves
nothing to renumber; blanking comments (storage.retention) changes no score. Anonymous answers
have no respondent and no place. Bulk loads that bypass storage.responses call
renumber_team_answers (storage.seed does).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from storage.models import Delivery, Metric, Respondent, Response


def respondent_of_delivery(session: Session, delivery_id: int) -> int | None:
    return session.exec(select(Delivery.respondent_id).where(col(Delivery.id) == delivery_id)
                        ).first()


def lock_respondent(session: Session, respondent_id: int) -> None:
    """Serialise renumbering per customer: two of their answers committed at once must not
    both take the same place. A no-key lock, so inserting answers that refer to the row (a
    foreign key share lock) neither waits for it nor deadlocks with it."""
    session.exec(
        select(Respondent.id).where(col(Respondent.id) == respondent_id)
        .with_for_update(key_share=True)
    )


def _renumber(session: Session, *conditions: Any) -> None:
    ordered = (
        select(
            col(Response.id).label("id"),
            func.row_number().over(partition_by=(col(Response.respondent_id),
                                                 col(Response.metric)),
                                   order_by=(col(Response.answered_at), col(Response.id)))
            .label("place"),
            func.lag(col(Response.score)).over(partition_by=(col(Response.respondent_id),
                                                             col(Response.metric)),
                                               order_by=(col(Response.answered_at),
                                                         col(Response.id)))
            .label("before"),
        )
        .where(col(Response.respondent_id).is_not(None), *conditions)
        .subquery()
    )
    session.exec(
        update(Response)
        .where(col(Response.id) == ordered.c.id,
               # Only rows whose place or predecessor moved: usually just the new answer.
               col(Response.respondent_seq).is_distinct_from(ordered.c.place)
               | col(Response.previous_score).is_distinct_from(ordered.c.before))
        .values(respondent_seq=ordered.c.place, previous_score=ordered.c.before)
    )


def renumber_answers(session: Session, *, respondent_id: int, metric: Metric) -> None:
    """After one of this customer's answers of `metric` was added or changed, under
    lock_respondent."""
    _renumber(session, col(Response.respondent_id) == respondent_id,
              col(Response.metric) == metric.value)


def renumber_team_answers(*, session: Session, team_id: str) -> None:
    """Link and order a workspace's answers afresh: for bulk loads that bypass
    storage.responses. An answer with a delivery of a non-anonymous pulse takes the delivery's
    respondent (an anonymous pulse's answers have no delivery)."""
    respondent = (select(Delivery.respondent_id)
                  .where(col(Delivery.id) == col(Response.delivery_id)).scalar_subquery())
    session.exec(
        update(Response)
        .where(col(Response.team_id) == team_id, col(Response.delivery_id).is_not(None),
               col(Response.respondent_id).is_distinct_from(respondent))
        .values(respondent_id=respondent)
    )
    _renumber(session, col(Response.team_id) == team_id)
