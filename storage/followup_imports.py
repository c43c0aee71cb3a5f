"""Follow-ups brought by `followups import`: what a team did about answers it had before.

Each is raised on one stored answer (imported or given in Slack), found by its customer, metric
and instant. One follow-up per answer (the unique response_id): an answer that already has one,
raised in Slack or by an earlier import, keeps it, so importing the same file twice adds nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from storage.batches import in_batches
from storage.models import FollowUp, Metric, Respondent, Response
from storage.upsert import insert_for

AnswerAt = tuple[str, Metric, datetime]  # customer's user id, metric, when they answered


@dataclass(frozen=True)
class FoundAnswer:
    response_id: int
    metric: Metric
    delivery_id: int | None
    respondent_id: int
    score: int
    comment: str | None


@dataclass(frozen=True)
class ImportedFollowUp:
    answer: FoundAnswer
    replied_at: datetime | None
    resolved_at: datetime | None
    owner_user_id: str | None
    raised_at: datetime  # the answer's time: live alerts are raised when the answer comes


def find_answers(
    session: Session, *, team_id: str, wanted: Iterable[AnswerAt]
) -> dict[AnswerAt, FoundAnswer]:
    """The stored answers among `wanted`; one not stored is absent from the result."""
    wanted = set(wanted)
    user_ids = sorted({user_id for user_id, _, _ in wanted})
    found: dict[AnswerAt, FoundAnswer] = {}
    for batch in in_batches(user_ids):
        rows = session.execute(
            sa_select(col(Respondent.user_id), col(Response.metric), col(Response.answered_at),
                      col(Response.id), col(Response.delivery_id), col(Response.respondent_id),
                      col(Response.score), col(Response.comment))
            .join(Respondent, col(Respondent.id) == col(Response.respondent_id))
            .where(col(Respondent.team_id) == team_id, col(Respondent.user_id).in_(batch),
                   col(Response.team_id) == team_id)
        ).all()
        for user_id, metric, at, response_id, delivery_id, respondent_id, score, comment in rows:
            key = (str(user_id), Metric(metric), at)
            if key in wanted:
                found[key] = FoundAnswer(int(response_id), Metric(metric), delivery_id,
                                         int(respondent_id), int(score), comment)
    return found


def store_imported_follow_ups(
    *, session: Session, team_id: str, follow_ups: Sequence[ImportedFollowUp]
) -> int:
    """Add these follow-ups, in the caller's transaction; how many were new.

    A resolved one is history: marked published, so no alert is posted for it. One still open
    (replied to, not resolved) gets its alert from the worker's sweep, where staff resolve it.
    """
    rows: list[dict[str, Any]] = []
    for f in follow_ups:
        done = [m for m in (f.replied_at, f.resolved_at) if m is not None]
        answer = f.answer
        rows.append({
            "team_id": team_id, "delivery_id": answer.delivery_id,
            "response_id": answer.response_id, "respondent_id": answer.respondent_id,
            "metric": answer.metric.value,
            "raised_score": answer.score, "score": answer.score, "comment": answer.comment,
            "raised_at": f.raised_at, "touched_at": max(done, default=f.raised_at),
            "first_response_at": f.replied_at, "resolved_at": f.resolved_at,
            "resolved_by": f.owner_user_id if f.resolved_at is not None else None,
            "owner_user_id": f.owner_user_id,
            "owned_at": min(done) if f.owner_user_id is not None and done else None,
            "revision": 1, "alert_revision": 1 if f.resolved_at is not None else 0,
        })
    added = 0
    for batch in in_batches(rows, 500):
        # No conflict target: an answer's follow-up may be found by the answer or, for one
        # given in Slack, by its delivery.
        statement = (insert_for(session, FollowUp).values(list(batch)).on_conflict_do_nothing()
                     .returning(col(FollowUp.id)))
        added += len(session.execute(statement).all())
    return added
