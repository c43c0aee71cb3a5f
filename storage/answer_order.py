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

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import bindparam, func, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storage.batches import in_batches
from storage.models import Delivery, Metric, Respondent, Response

_response: Any = Response.__table__  # type: ignore[attr-defined]
_respondent: Any = Respondent.__table__  # type: ignore[attr-defined]

# A no-key lock, so inserting answers that refer to the row (a foreign key share lock) neither
# waits for it nor deadlocks with it. Built once: every non-anonymous click runs it.
_LOCK_RESPONDENT = (
    sa_select(_respondent.c.id)
    .where(_respondent.c.id == bindparam("respondent_id"))
    .with_for_update(key_share=True)
)


def lock_respondent(session: Session, respondent_id: int) -> None:
    """Serialise renumbering per customer: two of their answers committed at once must not
    both take the same place."""
    session.connection().execute(_LOCK_RESPONDENT, {"respondent_id": respondent_id})


def lock_respondents(session: Session, respondent_ids: Iterable[int]) -> list[int]:
    """lock_respondent for many customers (an import's), in id order so that two callers
    locking overlapping sets wait for each other instead of deadlocking; the sorted ids."""
    ordered = sorted(set(respondent_ids))
    connection = session.connection()
    for batch in in_batches(ordered):
        connection.execute(
            sa_select(_respondent.c.id).where(_respondent.c.id.in_(batch))
            .order_by(_respondent.c.id).with_for_update(key_share=True)
        )
    return ordered


def _renumber(target: Any, *conditions: Any) -> Any:
    """The UPDATE that renumbers the answers matching `conditions`, on `target` (the table for
    Core, the mapped class where loaded answers must follow)."""
    c = _response.c
    partition = (c.respondent_id, c.metric)
    order = (c.answered_at, c.id)
    ordered = (
        sa_select(
            c.id.label("id"),
            func.row_number().over(partition_by=partition, order_by=order).label("place"),
            func.lag(c.score).over(partition_by=partition, order_by=order).label("before"),
        )
        .where(c.respondent_id.is_not(None), *conditions)
        .subquery()
    )
    return (
        update(target)
        .where(c.id == ordered.c.id,
               # Only rows whose place or predecessor moved: usually just the new answer.
               c.respondent_seq.is_distinct_from(ordered.c.place)
               | c.previous_score.is_distinct_from(ordered.c.before))
        .values(respondent_seq=ordered.c.place, previous_score=ordered.c.before)
    )


# Built once: a click runs it as it is (Core, so no ORM synchronisation of loaded answers).
_RENUMBER_RESPONDENT = _renumber(_response, _response.c.respondent_id == bindparam("respondent"),
                                 _response.c.metric == bindparam("the_metric"))


def renumbering() -> Any:
    """renumber_answers' statement, with its parameters `respondent` and `the_metric`: for
    a statement that renumbers along with other writes (storage.first_answer)."""
    return _RENUMBER_RESPONDENT


def renumber_answers(session: Session, *, respondent_id: int, metric: Metric) -> None:
    """After one of this customer's answers of `metric` was added or changed, under
    lock_respondent."""
    session.connection().execute(_RENUMBER_RESPONDENT,
                                 {"respondent": respondent_id, "the_metric": metric.value})


def number_new_answers(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Set `respondent_seq` and `previous_score` on answers about to be inserted in this
    order (an import's), placing them among their customers' stored answers: ids only grow,
    so at one instant a stored answer comes first, and new ones in the order given.

    Only a shortcut, under lock_respondents: renumber_respondents must still follow, and then
    rewrites only the stored answers whose place moved, not every new row (writing each
    imported answer twice was a third of an import's time on PostgreSQL)."""
    c = _response.c
    ordered: dict[tuple[int, str], list[tuple[Any, int, int, int, dict[str, Any] | None]]] = {}
    for batch in in_batches(sorted({row["respondent_id"] for row in rows})):
        for respondent_id, metric, answered_at, answer_id, score in session.connection().execute(
            sa_select(c.respondent_id, c.metric, c.answered_at, c.id, c.score)
            .where(c.respondent_id.in_(batch))
        ):
            ordered.setdefault((respondent_id, str(metric)), []).append(
                (answered_at, 0, answer_id, score, None))
    for position, row in enumerate(rows):
        ordered.setdefault((row["respondent_id"], row["metric"]), []).append(
            (row["answered_at"], 1, position, row["score"], row))
    for answers in ordered.values():
        answers.sort(key=lambda answer: answer[:3])
        before = None
        for place, (_, _, _, score, new) in enumerate(answers, start=1):
            if new is not None:
                new["respondent_seq"], new["previous_score"] = place, before
            before = score


def renumber_respondents(session: Session, respondent_ids: Iterable[int]) -> None:
    """After answers of these customers were added or changed in bulk (an import), under
    lock_respondents: their answers of every metric, renumbered in batches of customers."""
    connection = session.connection()
    for batch in in_batches(sorted(set(respondent_ids)), 500):
        theirs = _response.c.respondent_id.in_(batch)
        # On the updated rows too, not only in the numbering: else PostgreSQL joins the
        # numbers to a scan of the whole answer table, once per batch of customers.
        connection.execute(_renumber(_response, theirs).where(theirs))


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
    session.exec(_renumber(Response, col(Response.team_id) == team_id))
