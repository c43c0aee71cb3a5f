"""Aggregate queries behind /engagement and `report`: counts only; the maths is bot.insights."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.models import Delivery, DeliveryStatus, Metric, Pulse, Response, Wave


def score_counts(
    *, session: Session, team_id: str, metric: Metric, since: datetime
) -> dict[int, int]:
    """How many answers of each score were given since `since` (by first answer time)."""
    rows = session.exec(
        select(Response.score, func.count())
        .where(
            Response.team_id == team_id,
            Response.metric == metric,
            col(Response.answered_at) >= since,
        )
        .group_by(col(Response.score))
    ).all()
    return {int(score): int(count) for score, count in rows}


def delivery_counts(*, session: Session, team_id: str, since: datetime) -> tuple[int, int]:
    """(delivered, answered) for deliveries sent since `since`: the response rate's two terms."""
    base = (
        select(func.count())
        .select_from(Delivery)
        .join(Wave, col(Wave.id) == Delivery.wave_id)
        .join(Pulse, col(Pulse.id) == Wave.pulse_id)
        .where(
            Pulse.team_id == team_id,
            Delivery.status == DeliveryStatus.SENT,
            col(Delivery.sent_at) >= since,
        )
    )
    delivered = session.exec(base).one()
    answered = session.exec(base.where(col(Delivery.answered_at).is_not(None))).one()
    return int(delivered), int(answered)


@dataclass(frozen=True)
class CommentRow:
    comment: str
    metric: Metric
    score: int
    sentiment_label: str | None
    sentiment_polarity: float | None
    commented_at: datetime


def latest_comments(
    *, session: Session, team_id: str, since: datetime, limit: int = 10
) -> list[CommentRow]:
    """Newest comments first; no respondent is joined, so nothing here can name who wrote them."""
    rows = session.exec(
        select(Response)
        .where(
            Response.team_id == team_id,
            col(Response.comment).is_not(None),
            col(Response.commented_at) >= since,
        )
        .order_by(col(Response.commented_at).desc(), col(Response.id).desc())
        .limit(limit)
    ).all()
    return [
        CommentRow(
            comment=row.comment or "",
            metric=Metric(row.metric),
            score=row.score,
            sentiment_label=row.sentiment_label,
            sentiment_polarity=row.sentiment_polarity,
            commented_at=row.commented_at or row.answered_at,
        )
        for row in rows
    ]
