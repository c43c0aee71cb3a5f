"""What the continuum views read beyond each customer's standing: advocacy events, comments by
customer, open follow-ups, and the plan's chosen steps."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storage.models import (
    FollowUp,
    Metric,
    OutcomeEvent,
    OutcomeKind,
    PlanStep,
    Respondent,
    Response,
)
from storage.upsert import insert_for
from storage.workspaces import ensure_workspace

ADVOCACY_EVENTS = (OutcomeKind.REFERRED, OutcomeKind.REVIEWED)
# Customers per IN list: far below any database's limit on bound parameters.
_CHUNK = 500


def _chunks(respondent_ids: Collection[int]) -> Iterator[list[int]]:
    ids = sorted(set(respondent_ids))
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def advocacy_events(
    *, session: Session, team_id: str, start: date, end: date
) -> dict[int, set[OutcomeKind]]:
    """Per customer, which advocacy events (referred, reviewed) they had in [start, end]."""
    rows = session.execute(
        sa_select(col(OutcomeEvent.respondent_id), col(OutcomeEvent.event))
        .where(col(OutcomeEvent.team_id) == team_id,
               col(OutcomeEvent.event).in_([kind.value for kind in ADVOCACY_EVENTS]),
               col(OutcomeEvent.occurred_on) >= start, col(OutcomeEvent.occurred_on) <= end)
        .distinct()
    ).all()
    found: dict[int, set[OutcomeKind]] = {}
    for respondent_id, event in rows:
        found.setdefault(int(respondent_id), set()).add(OutcomeKind(event))
    return found


@dataclass(frozen=True)
class CustomerComment:
    respondent_id: int
    comment: str
    metric: Metric
    score: int
    polarity: float | None  # None when not scored (another language)


def customer_comments(
    *, session: Session, team_id: str, since: datetime, until: datetime, limit: int
) -> list[CustomerComment]:
    """The newest `limit` comments of the period that belong to a customer (anonymous answers
    have none, so they are never grouped by customer)."""
    rows = session.execute(
        sa_select(col(Response.respondent_id), col(Response.comment), col(Response.metric),
                  col(Response.score), col(Response.sentiment_polarity))
        .where(col(Response.team_id) == team_id, col(Response.comment).is_not(None),
               col(Response.respondent_id).is_not(None),
               col(Response.commented_at) >= since, col(Response.commented_at) <= until)
        .order_by(col(Response.commented_at).desc())
        .limit(limit)
    ).all()
    return [CustomerComment(int(rid), str(text), Metric(metric), int(score), polarity)
            for rid, text, metric, score, polarity in rows]


def open_follow_up_owners(
    *, session: Session, team_id: str, respondent_ids: Collection[int]
) -> dict[int, str | None]:
    """These customers' open follow-ups, and their owner (None: nobody took it yet). Filtered
    in the database: a workspace can hold tens of thousands of open ones."""
    owners: dict[int, str | None] = {}
    for chunk in _chunks(respondent_ids):
        rows = session.execute(
            sa_select(col(FollowUp.respondent_id), col(FollowUp.owner_user_id))
            .where(col(FollowUp.team_id) == team_id, col(FollowUp.resolved_at).is_(None),
                   col(FollowUp.respondent_id).in_(chunk))
            .order_by(col(FollowUp.raised_at))
        ).all()
        for respondent_id, owner in rows:
            # The newest open one speaks for the customer, but an owner, once set, stays.
            owners[int(respondent_id)] = owner or owners.get(int(respondent_id))
    return owners


def customers_by_id(
    *, session: Session, respondent_ids: Collection[int]
) -> dict[int, tuple[str, str | None]]:
    """Who these customers are (Slack user, account); a forgotten one is simply absent."""
    found: dict[int, tuple[str, str | None]] = {}
    for chunk in _chunks(respondent_ids):
        for rid, user_id, account in session.execute(
            sa_select(col(Respondent.id), col(Respondent.user_id), col(Respondent.account))
            .where(col(Respondent.id).in_(chunk))
        ).all():
            found[int(rid)] = (str(user_id), account)
    return found


def latest_answers(
    *, session: Session, team_id: str, respondent_ids: Collection[int], metric: Metric
) -> dict[int, Response]:
    """Each customer's newest answer of `metric`: what a follow-up for the customer is about."""
    answers: dict[int, Response] = {}
    for chunk in _chunks(respondent_ids):
        rows = session.exec(
            select(Response)
            .where(col(Response.team_id) == team_id, col(Response.metric) == metric.value,
                   col(Response.respondent_id).in_(chunk))
            .order_by(col(Response.respondent_id), col(Response.respondent_seq))
        ).all()
        for row in rows:
            assert row.respondent_id is not None
            answers[row.respondent_id] = row  # oldest first: the newest is written last
    return answers


def plan_steps(*, session: Session, team_id: str) -> dict[str, PlanStep]:
    rows = session.exec(select(PlanStep).where(PlanStep.team_id == team_id)).all()
    return {row.place: row for row in rows}


def set_plan_step(
    *, session: Session, team_id: str, place: str, next_step: str | None, user_id: str | None,
    now: datetime,
) -> None:
    """Choose the step for a place; None goes back to the default."""
    if next_step is None:
        existing = session.get(PlanStep, (team_id, place))
        if existing is not None:
            session.delete(existing)
        return
    ensure_workspace(session=session, team_id=team_id, name="", now=now)
    values = {"next_step": next_step, "set_by": user_id, "set_at": now}
    statement = insert_for(session, PlanStep).values(team_id=team_id, place=place, **values)
    session.exec(statement.on_conflict_do_update(index_elements=["team_id", "place"],
                                                 set_=values))


def raise_follow_ups(*, session: Session, answers: Collection[Response], now: datetime) -> int:
    """Open a follow-up on each of these answers (one per customer, chosen by the caller), linked
    to the answer, imported or not; an answer that already had one (open or resolved) keeps it.
    Returns how many were opened; the worker's sweep posts their alerts."""
    opened = 0
    for answer in answers:
        values = {
            "team_id": answer.team_id, "delivery_id": answer.delivery_id,
            "response_id": answer.id,
            "respondent_id": answer.respondent_id, "metric": answer.metric,
            "raised_score": answer.score, "score": answer.score, "comment": answer.comment,
            "raised_at": now, "touched_at": now, "revision": 1, "alert_revision": 0,
        }
        # No conflict target: the answer's follow-up may be found by its delivery (a live
        # answer's alert) or by the answer itself (an imported answer has no delivery).
        statement = insert_for(session, FollowUp).values(**values).on_conflict_do_nothing()
        inserted = session.exec(statement.returning(FollowUp.id)).first()
        opened += inserted is not None
    return opened
