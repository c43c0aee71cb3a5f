"""Queries for the life of a wave after it goes out: reminders, closing, and the closed notice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import true, update
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from storage.models import Delivery, DeliveryStatus, Pulse, ReminderState, Wave


@dataclass(frozen=True)
class SentPulse:
    delivery_id: int
    channel_id: str
    message_ts: str
    question: str
    metric: str
    closes_at: datetime | None
    anonymous: bool


def close_due_waves(*, session: Session, now: datetime) -> list[int]:
    """Close every wave past its closing time; each is closed by exactly one caller."""
    rows = session.exec(
        update(Wave)
        .where(col(Wave.closed_at).is_(None), col(Wave.closes_at) <= now)
        .values(closed_at=now)
        .returning(col(Wave.id))
    )
    return [int(row[0]) for row in rows.all()]


def _sent_pulses(team_id: str | None) -> Select[Delivery, Wave, Pulse]:
    """Sent pulse messages, of one workspace or (None) of all."""
    return (
        select(Delivery, Wave, Pulse)
        .join(Wave, col(Wave.id) == Delivery.wave_id)
        .join(Pulse, col(Pulse.id) == Wave.pulse_id)
        .where(
            Delivery.status == DeliveryStatus.SENT,
            col(Delivery.channel_id).is_not(None),
            col(Delivery.message_ts).is_not(None),
            true() if team_id is None else col(Pulse.team_id) == team_id,
        )
    )


def _to_sent(delivery: Delivery, wave: Wave, pulse: Pulse) -> SentPulse:
    assert delivery.id is not None
    assert delivery.channel_id is not None
    assert delivery.message_ts is not None
    return SentPulse(
        delivery_id=delivery.id,
        channel_id=delivery.channel_id,
        message_ts=delivery.message_ts,
        question=pulse.question,
        metric=str(pulse.metric),
        closes_at=wave.closes_at,
        anonymous=bool(pulse.anonymous),
    )


def claim_closed_notices(
    *, session: Session, now: datetime, limit: int = 100, team_id: str | None = None
) -> list[SentPulse]:
    """Sent pulses of closed waves whose message does not yet say so; claimed by this caller."""
    rows = session.exec(
        _sent_pulses(team_id)
        .where(col(Wave.closed_at).is_not(None), col(Delivery.closed_shown_at).is_(None))
        .limit(limit)
    ).all()
    return [_to_sent(*row) for row in rows if _claim(session, row[0], closed_shown_at=now)]


def claim_reminders(
    *, session: Session, now: datetime, limit: int = 100, team_id: str | None = None
) -> list[SentPulse]:
    """Unanswered pulses of open waves whose reminder is due; each is claimed once."""
    rows = session.exec(
        _sent_pulses(team_id)
        .where(
            col(Wave.closed_at).is_(None),
            Delivery.reminder == ReminderState.NONE,
            col(Pulse.remind_after_hours).is_not(None),
            col(Delivery.answered_at).is_(None),
        )
        .order_by(col(Delivery.sent_at))
    ).all()
    due = [
        row
        for row in rows
        if row[0].sent_at is not None
        and row[0].sent_at + timedelta(hours=row[2].remind_after_hours or 0) <= now
    ][:limit]
    claimed = [row for row in due if _claim(session, row[0], reminder=ReminderState.SENDING)]
    return [_to_sent(*row) for row in claimed]


def _claim(session: Session, delivery: Delivery, **values: object) -> bool:
    """Compare-and-set on the column being claimed: only one caller wins each delivery."""
    guard = (
        col(Delivery.closed_shown_at).is_(None)
        if "closed_shown_at" in values
        else col(Delivery.reminder) == ReminderState.NONE
    )
    result = session.exec(
        update(Delivery).where(col(Delivery.id) == delivery.id, guard).values(**values)
    )
    return bool(result.rowcount == 1)


def mark_reminded(*, session: Session, delivery_id: int, now: datetime, sent: bool) -> None:
    session.exec(
        update(Delivery)
        .where(col(Delivery.id) == delivery_id)
        .values(
            reminder=ReminderState.SENT if sent else ReminderState.SKIPPED,
            reminded_at=now if sent else None,
        )
    )
