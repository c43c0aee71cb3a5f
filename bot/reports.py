"""What staff see: figures assembled from stored counts with the pure insight maths."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from bot.insights.metrics import (
    CsatResult,
    NpsResult,
    csat_from_scores,
    nps_from_scores,
    response_rate,
)
from storage.models import Metric
from storage.reporting import CommentRow, delivery_counts, latest_comments, score_counts


@dataclass(frozen=True)
class Overview:
    days: int
    since: datetime
    nps: NpsResult
    csat: CsatResult
    delivered: int
    answered: int
    response_rate: float | None

    @property
    def responses(self) -> int:
        return self.nps.n + self.csat.n


def build_overview(*, session: Session, team_id: str, days: int, now: datetime) -> Overview:
    since = now - timedelta(days=days)
    nps = nps_from_scores(
        score_counts(session=session, team_id=team_id, metric=Metric.NPS, since=since)
    )
    csat = csat_from_scores(
        score_counts(session=session, team_id=team_id, metric=Metric.CSAT, since=since)
    )
    delivered, answered = delivery_counts(session=session, team_id=team_id, since=since)
    return Overview(
        days=days,
        since=since,
        nps=nps,
        csat=csat,
        delivered=delivered,
        answered=answered,
        response_rate=response_rate(answered, delivered),
    )


def recent_comments(
    *, session: Session, team_id: str, days: int, now: datetime, limit: int = 10
) -> list[CommentRow]:
    return latest_comments(
        session=session, team_id=team_id, since=now - timedelta(days=days), limit=limit
    )


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def overview_json(overview: Overview) -> dict[str, Any]:
    """The machine-readable report (`report --json`)."""
    nps, csat = overview.nps, overview.csat
    return {
        "period": {"days": overview.days, "since": overview.since.isoformat()},
        "nps": {
            "score": _rounded(nps.score),
            "n": nps.n,
            "promoters": nps.promoters,
            "passives": nps.passives,
            "detractors": nps.detractors,
            "ci95": None if nps.ci95 is None else [_rounded(nps.ci95.low), _rounded(nps.ci95.high)],
        },
        "csat": {
            "score": _rounded(csat.score),
            "n": csat.n,
            "satisfied": csat.satisfied,
            "mean": None if csat.mean is None else round(csat.mean, 2),
            "ci95": None
            if csat.ci95 is None
            else [_rounded(csat.ci95.low), _rounded(csat.ci95.high)],
            "distribution": {str(k): v for k, v in sorted(csat.distribution.items())},
        },
        "responses": overview.responses,
        "delivered": overview.delivered,
        "answered": overview.answered,
        "response_rate": _rounded(overview.response_rate),
    }
