"""Queries for the life of a wave after it goes out: reminders, closing, and the closed notice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Row, Select, and_, or_, true, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storage.models import Delivery, DeliveryStatus, Pulse, PulseMetric, ReminderState, Wave

# What a notice or a reminder reads of a sent pulse (see _sent_pulses).
SentColumns = tuple[int | None, str | None, str | None, str, PulseMetric, datetime | None, bool]


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


def _sent_pulses(team_id: str | None) -> Select[*SentColumns]:
    """Sent pulse messages, of one workspace or (None) of all: only the columns a notice or a
    reminder needs. Never the Pulse row: its audience is a JSON list of every recipient, and
    decoding it once per delivery made a sweep over an n-person wave cost n x n strings."""
    return (
        sa_select(
            col(Delivery.id),
            col(Delivery.channel_id),
            col(Delivery.message_ts),
            col(Pulse.question),
            col(Pulse.metric),
            col(Wave.closes_at),
            col(Pulse.anonymous),
        )
        .join(Wave, col(Wave.id) == Delivery.wave_id)
        .join(Pulse, col(Pulse.id) == Wave.pulse_id)
        .where(
            col(Delivery.status) == DeliveryStatus.SENT,
            col(Delivery.channel_id).is_not(None),
            col(Delivery.message_ts).is_not(None),
            true() if team_id is None else col(Pulse.team_id) == team_id,
        )
    )


def _to_sent(row: Row[*SentColumns]) -> SentPulse:
    delivery_id, channel_id, message_ts, question, metric, closes_at, anonymous = row
    assert delivery_id is not None
    assert channel_id is not None
    assert message_ts is not None
    return SentPulse(
        delivery_id=delivery_id,
        channel_id=channel_id,
        message_ts=message_ts,
        question=question,
        metric=str(metric),
        closes_at=closes_at,
        anonymous=bool(anonymous),
    )


def claim_closed_notices(
    *, session: Session, now: datetime, limit: int = 100, team_id: str | None = None
) -> list[SentPulse]:
    """Sent pulses of closed waves whose message does not yet say so; claimed by this caller."""
    rows = session.execute(
        _sent_pulses(team_id)
        .where(col(Wave.closed_at).is_not(None), col(Delivery.closed_shown_at).is_(None))
        .order_by(col(Delivery.id))
        .limit(limit)
    ).all()
    return [_to_sent(row) for row in rows if _claim(session, row[0], closed_shown_at=now)]


def claim_reminders(
    *, session: Session, now: datetime, limit: int = 100, team_id: str | None = None
) -> list[SentPulse]:
    """Unanswered pulses of open waves whose reminder is due, the longest-waiting first; each
    is claimed once.

    The due time is sent_at + the pulse's remind_after_hours. Date arithmetic differs between
    SQLite and PostgreSQL, so instead of computing it per row the query compares sent_at with
    one cut-off per delay in use (`now - hours`): open waves use a handful of delays, and the
    due filter, the order and the limit then all run in the database, which returns at most
    `limit` rows however many deliveries wait."""
    delays = session.exec(
        select(col(Pulse.remind_after_hours))
        .distinct()
        .join(Wave, col(Wave.pulse_id) == Pulse.id)
        .where(
            col(Wave.closed_at).is_(None),
            col(Pulse.remind_after_hours).is_not(None),
            true() if team_id is None else col(Pulse.team_id) == team_id,
        )
    ).all()
    if not delays:
        return []
    due = or_(
        *(
            and_(
                col(Pulse.remind_after_hours) == hours,
                col(Delivery.sent_at) <= now - timedelta(hours=hours),
            )
            for hours in delays
            if hours is not None
        )
    )
    rows = session.execute(
        _sent_pulses(team_id)
        .where(
            col(Wave.closed_at).is_(None),
            col(Delivery.reminder) == ReminderState.NONE,
            col(Delivery.answered_at).is_(None),
            due,
        )
        .order_by(col(Delivery.sent_at), col(Delivery.id))
        .limit(limit)
    ).all()
    return [
        _to_sent(row) for row in rows if _claim(session, row[0], reminder=ReminderState.SENDING)
    ]


def _claim(session: Session, delivery_id: int, **values: object) -> bool:
    """Compare-and-set on the column being claimed: only one caller wins each delivery."""
    guard = (
        col(Delivery.closed_shown_at).is_(None)
        if "closed_shown_at" in values
        else col(Delivery.reminder) == ReminderState.NONE
    )
    result = session.exec(
        update(Delivery).where(col(Delivery.id) == delivery_id, guard).values(**values)
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
