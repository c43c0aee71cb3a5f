"""The rollup counters as reports read them: each count summed over its shards
(storage.counter_shards), counts of zero left out."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from storage.models import DailyDeliveryCount, DailyScoreCount


def summed_score_counts(session: Session, *, team_id: str | None = None
                 ) -> dict[tuple[str, date, int], int]:
    """(metric, day, score) -> answers."""
    c: Any = DailyScoreCount.__table__.c  # type: ignore[attr-defined]
    rows = session.execute(
        select(c.metric, c.day, c.score, func.sum(c.answers))
        .where(*([c.team_id == team_id] if team_id is not None else []))
        .group_by(c.metric, c.day, c.score)
    ).all()
    return {(str(metric), day, score): int(n) for metric, day, score, n in rows if n}


def summed_delivery_counts(session: Session, *, team_id: str | None = None
                    ) -> dict[date, tuple[int, int]]:
    """day -> (delivered, answered)."""
    c: Any = DailyDeliveryCount.__table__.c  # type: ignore[attr-defined]
    rows = session.execute(
        select(c.day, func.sum(c.delivered), func.sum(c.answered))
        .where(*([c.team_id == team_id] if team_id is not None else []))
        .group_by(c.day)
    ).all()
    return {day: (int(d), int(a)) for day, d, a in rows if (d, a) != (0, 0)}
