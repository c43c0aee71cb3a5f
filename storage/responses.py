"""Answers and comments, written idempotently: Slack may deliver the same click more than once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.models import Metric, Response
from storage.upsert import insert_for


class ScoreOutcome(StrEnum):
    RECORDED = "recorded"  # first answer
    CHANGED = "changed"  # a later click chose another score
    UNCHANGED = "unchanged"  # same score again: a double click or a redelivery
    STALE = "stale"  # an older click arriving after a newer one; ignored


@dataclass(frozen=True)
class CommentSentiment:
    polarity: float
    subjectivity: float
    label: str


def record_score(
    *,
    session: Session,
    delivery_id: int,
    team_id: str,
    metric: Metric,
    score: int,
    action_ts: str,
    now: datetime,
) -> ScoreOutcome:
    inserted = session.exec(
        insert_for(session, Response)
        .values(
            delivery_id=delivery_id,
            team_id=team_id,
            metric=metric,
            score=score,
            action_ts=action_ts,
            answered_at=now,
        )
        .on_conflict_do_nothing(index_elements=["delivery_id", "metric"])
        .returning(Response.id)
    )
    if inserted.first() is not None:
        return ScoreOutcome.RECORDED
    # Only a newer click may change the answer; the WHERE makes this safe against races.
    changed = session.exec(
        update(Response)
        .where(
            col(Response.delivery_id) == delivery_id,
            col(Response.metric) == metric,
            col(Response.action_ts) < action_ts,
            col(Response.score) != score,
        )
        .values(score=score, action_ts=action_ts, changed_at=now)
    )
    if changed.rowcount == 1:
        return ScoreOutcome.CHANGED
    current = session.exec(
        select(Response).where(Response.delivery_id == delivery_id, Response.metric == metric)
    ).one()
    if current.action_ts > action_ts and current.score != score:
        return ScoreOutcome.STALE
    return ScoreOutcome.UNCHANGED


def answered_scores(*, session: Session, delivery_id: int) -> dict[Metric, int]:
    rows = session.exec(select(Response).where(Response.delivery_id == delivery_id)).all()
    return {Metric(row.metric): row.score for row in rows}


def record_comment(
    *,
    session: Session,
    delivery_id: int,
    comment: str,
    sentiment: CommentSentiment,
    now: datetime,
) -> bool:
    """Attach the comment to the delivery's first answer; False when nothing is answered yet."""
    first = session.exec(
        select(Response).where(Response.delivery_id == delivery_id).order_by(col(Response.id))
    ).first()
    if first is None:
        return False
    first.comment = comment
    first.commented_at = now
    first.sentiment_polarity = sentiment.polarity
    first.sentiment_subjectivity = sentiment.subjectivity
    first.sentiment_label = sentiment.label
    session.add(first)
    return True


def current_comment(*, session: Session, delivery_id: int) -> str | None:
    first = session.exec(
        select(Response).where(Response.delivery_id == delivery_id).order_by(col(Response.id))
    ).first()
    return None if first is None else first.comment
