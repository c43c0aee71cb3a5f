"""The delivery a score click answers, read and locked by one prebuilt statement.

A click is acknowledged only once its answer is stored, so everything before the ack is on the
critical path of Slack's 3 s and of the bot's CPU (docs/PERFORMANCE.md, "click
acknowledgement"). This one read stands in for three: who may answer (the delivery with its
respondent, pulse and wave), the delivery-rollup bookkeeping of storage.delivery_rollup
(`counted_for(lock=True)`: status, sent time, answer time) and the delivery's respondent
(storage.answer_order). It is Core against the tables, built once per process, so a click pays
neither for building the statement nor for loading ORM objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlmodel import Session

from storage.answered_mark import anonymous_mark
from storage.deliveries import PulseDelivery
from storage.delivery_rollup import Counted
from storage.models import (
    Delivery,
    DeliveryStatus,
    Pulse,
    PulseMetric,
    Respondent,
    Wave,
    WorkspaceSetting,
)

_delivery: Any = Delivery.__table__  # type: ignore[attr-defined]
_respondent: Any = Respondent.__table__  # type: ignore[attr-defined]
_pulse: Any = Pulse.__table__  # type: ignore[attr-defined]
_wave: Any = Wave.__table__  # type: ignore[attr-defined]
_setting: Any = WorkspaceSetting.__table__  # type: ignore[attr-defined]

# Locks the delivery row only (as counted_for does): locking its wave and pulse would serialise
# every click of a wave. SQLite ignores FOR UPDATE; its BEGIN IMMEDIATE holds the write lock.
_LOCKED_TARGET = (
    select(
        _delivery.c.id, _delivery.c.wave_id, _delivery.c.respondent_id, _delivery.c.status,
        _delivery.c.sent_at, _delivery.c.answered_at, _delivery.c.channel_id,
        _delivery.c.message_ts, _delivery.c.attempts, _delivery.c.post_delivery_id,
        _respondent.c.team_id, _respondent.c.user_id,
        _pulse.c.team_id.label("pulse_team_id"), _pulse.c.name, _pulse.c.metric,
        _pulse.c.question, _pulse.c.csat_question, _pulse.c.follow_up, _pulse.c.anonymous,
        _pulse.c.post_channel, _wave.c.closed_at, _wave.c.scheduled_for,
        _setting.c.alert_channel_id,
    )
    .select_from(_delivery)
    .join(_respondent, _respondent.c.id == _delivery.c.respondent_id)
    .join(_wave, _wave.c.id == _delivery.c.wave_id)
    .join(_pulse, _pulse.c.id == _wave.c.pulse_id)
    # The pulse's workspace's alert channel, if it chose one: whether a detractor raises a
    # follow-up is decided in this same read, not by one more statement per click.
    .outerjoin(_setting, _setting.c.team_id == _pulse.c.team_id)
    .where(_delivery.c.id == bindparam("delivery_id"))
    .with_for_update(of=_delivery)
)


@dataclass(frozen=True)
class AnswerTarget:
    """One delivery as a click finds it, its row locked until the transaction ends."""

    delivery: PulseDelivery
    respondent_id: int
    answered: bool  # the delivery has its answer time already
    # What it adds to the delivery rollup now (None: not sent yet, or a channel post's).
    counted: Counted | None
    # What an anonymous pulse's delivery holds as its answer time (storage.answered_mark).
    anonymous_mark: datetime
    # The alert channel the pulse's workspace chose (None: it chose none).
    alert_channel_id: str | None = None


def lock_answer_target(session: Session, delivery_id: int) -> AnswerTarget | None:
    """The delivery, locked (storage.responses writes under this lock), or None if unknown."""
    row = session.connection().execute(_LOCKED_TARGET, {"delivery_id": delivery_id}).first()
    if row is None:
        return None
    delivery = PulseDelivery(
        delivery_id=row.id,
        team_id=row.team_id,
        user_id=row.user_id,
        pulse_name=row.name,
        metric=PulseMetric(row.metric),
        question=row.question,
        csat_question=row.csat_question,
        follow_up=row.follow_up,
        wave_id=row.wave_id,
        wave_closed=row.closed_at is not None,
        channel_id=row.channel_id,
        message_ts=row.message_ts,
        attempts=row.attempts,
        anonymous=bool(row.anonymous),
        is_post=row.post_channel is not None and row.user_id == row.post_channel,
        post_delivery_id=row.post_delivery_id,
    )
    answered = row.answered_at is not None
    # As storage.delivery_rollup.counted_for: a channel post's deliveries are never counted.
    counted = (
        Counted(row.pulse_team_id, row.sent_at.astimezone(UTC).date(), answered)
        if row.post_channel is None and row.status == DeliveryStatus.SENT
        and row.sent_at is not None
        else None
    )
    return AnswerTarget(delivery=delivery, respondent_id=row.respondent_id, answered=answered,
                        counted=counted, anonymous_mark=anonymous_mark(row.scheduled_for),
                        alert_channel_id=row.alert_channel_id)
