"""What App Home lists for a customer: their own surveys, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col

from storage.deliveries import _delivery_query
from storage.models import (
    Delivery,
    DeliveryStatus,
    PulseMetric,
    Respondent,
)


@dataclass(frozen=True)
class SurveyRow:
    """One survey a person was sent, as they may see it in their App Home."""

    pulse_name: str
    metric: PulseMetric
    sent_at: datetime
    answered: bool
    closed: bool


def surveys_of(*, session: Session, team_id: str, user_id: str, limit: int = 10
               ) -> list[SurveyRow]:
    """The person's own surveys, newest first (whether answered: no score, so an anonymous
    pulse's answer stays unlinked even here)."""
    rows = session.execute(
        _delivery_query()
        .where(col(Respondent.team_id) == team_id, col(Respondent.user_id) == user_id,
               col(Delivery.status) == DeliveryStatus.SENT, col(Delivery.sent_at).is_not(None))
        .order_by(col(Delivery.sent_at).desc())
        .limit(limit)
    ).all()
    return [
        SurveyRow(pulse_name, PulseMetric(metric), delivery.sent_at,
                  delivery.answered_at is not None, wave.closed_at is not None)
        for delivery, wave, _team, _user, pulse_name, metric, *_ in rows
        if delivery.sent_at is not None
    ]
