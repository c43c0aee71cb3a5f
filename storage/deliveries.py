"""The outbox: claim due deliveries, record what Slack said, and find a delivery for an answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Row, Select, func, true, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storage.delivery_rollup import counted_for, recount
from storage.models import (
    Delivery,
    DeliveryStatus,
    Pulse,
    PulseMetric,
    ReminderState,
    Respondent,
    Wave,
)
from storage.upsert import insert_for


@dataclass(frozen=True)
class PulseDelivery:
    """What it takes to send, or to answer, one delivery."""

    delivery_id: int
    team_id: str
    user_id: str
    pulse_name: str
    metric: PulseMetric
    question: str
    csat_question: str | None
    follow_up: str
    wave_id: int
    wave_closed: bool
    channel_id: str | None
    message_ts: str | None
    attempts: int  # including the one under way, for a claimed delivery
    anonymous: bool = False
    is_post: bool = False  # the one message of a channel post, addressed to the channel
    post_delivery_id: int | None = None  # set for someone who answered a channel post


# What sending or answering one delivery reads: the Delivery and Wave rows (small), and only
# these columns of its Respondent and Pulse. Never the whole Pulse: its audience is a JSON list
# of every recipient, decoded again for each row, so a batch of 50 from a 10,000-person wave
# built half a million strings, and one click on it ten thousand.
PulseColumns = tuple[str, str, str, PulseMetric, str, str | None, str, bool, str | None]


def _delivery_query() -> Select[Delivery, Wave, *PulseColumns]:
    return (
        sa_select(
            Delivery,
            Wave,
            col(Respondent.team_id),
            col(Respondent.user_id),
            col(Pulse.name),
            col(Pulse.metric),
            col(Pulse.question),
            col(Pulse.csat_question),
            col(Pulse.follow_up),
            col(Pulse.anonymous),
            col(Pulse.post_channel),
        )
        .join(Respondent, col(Respondent.id) == Delivery.respondent_id)
        .join(Wave, col(Wave.id) == Delivery.wave_id)
        .join(Pulse, col(Pulse.id) == Wave.pulse_id)
    )


def _to_pulse_delivery(row: Row[Delivery, Wave, *PulseColumns]) -> PulseDelivery:
    (delivery, wave, team_id, user_id, pulse_name, metric, question, csat_question, follow_up,
     anonymous, post_channel) = row
    assert delivery.id is not None
    return PulseDelivery(
        delivery_id=delivery.id,
        team_id=team_id,
        user_id=user_id,
        pulse_name=pulse_name,
        metric=PulseMetric(metric),
        question=question,
        csat_question=csat_question,
        follow_up=follow_up,
        wave_id=wave.id or 0,
        wave_closed=wave.closed_at is not None,
        channel_id=delivery.channel_id,
        message_ts=delivery.message_ts,
        attempts=delivery.attempts,
        anonymous=bool(anonymous),
        is_post=post_channel is not None and user_id == post_channel,
        post_delivery_id=delivery.post_delivery_id,
    )


def of_team(team_id: str) -> ColumnElement[bool]:
    """Deliveries of one workspace's waves (a delivery reaches its team through its wave)."""
    waves = select(Wave.id).join(Pulse, col(Pulse.id) == Wave.pulse_id).where(
        Pulse.team_id == team_id
    )
    return col(Delivery.wave_id).in_(waves)


def claim_due(
    *, session: Session, now: datetime, limit: int = 50, wave_id: int | None = None,
    team_id: str | None = None,
) -> list[PulseDelivery]:
    """Mark up to `limit` due deliveries as being sent by this caller and return them.

    PostgreSQL skips rows other replicas hold (FOR UPDATE SKIP LOCKED); on both backends the
    status change is a compare-and-set, so two callers can never claim the same delivery.
    """
    query = (
        select(Delivery.id)
        .where(Delivery.status == DeliveryStatus.PENDING, col(Delivery.next_attempt_at) <= now)
        .order_by(col(Delivery.next_attempt_at), col(Delivery.id))
        .limit(limit)
    )
    if wave_id is not None:
        query = query.where(Delivery.wave_id == wave_id)
    if team_id is not None:
        query = query.where(of_team(team_id))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    candidates = [i for i in session.exec(query).all() if i is not None]
    claimed: list[int] = []
    for delivery_id in candidates:
        result = session.exec(
            update(Delivery)
            .where(col(Delivery.id) == delivery_id, col(Delivery.status) == DeliveryStatus.PENDING)
            .values(
                status=DeliveryStatus.SENDING,
                attempts=col(Delivery.attempts) + 1,
                claimed_at=now,
            )
        )
        if result.rowcount == 1:
            claimed.append(delivery_id)
    if not claimed:
        return []
    rows = session.execute(
        _delivery_query().where(col(Delivery.id).in_(claimed)).order_by(col(Delivery.id))
    ).all()
    return [_to_pulse_delivery(row) for row in rows]


def claim_abandoned(
    *, session: Session, claimed_before: datetime, now: datetime, limit: int = 50,
    team_id: str | None = None,
) -> list[PulseDelivery]:
    """SENDING rows whose sender died (claimed before `claimed_before`), re-claimed by us.

    Their message may or may not have reached Slack; the caller must find out before sending.
    The compare-and-set on claimed_at makes one reconciler win each row.
    """
    stale = session.exec(
        select(Delivery.id, Delivery.claimed_at)
        .where(
            Delivery.status == DeliveryStatus.SENDING,
            col(Delivery.claimed_at) < claimed_before,
            true() if team_id is None else of_team(team_id),
        )
        .order_by(col(Delivery.id))
        .limit(limit)
    ).all()
    won = [
        delivery_id
        for delivery_id, claimed_at in stale
        if session.exec(
            update(Delivery)
            .where(col(Delivery.id) == delivery_id, col(Delivery.claimed_at) == claimed_at)
            .values(claimed_at=now)
        ).rowcount
        == 1
    ]
    if not won:
        return []
    rows = session.execute(
        _delivery_query().where(col(Delivery.id).in_(won)).order_by(col(Delivery.id))
    ).all()
    return [_to_pulse_delivery(row) for row in rows]


def mark_sent(
    *, session: Session, delivery_id: int, channel_id: str, message_ts: str, now: datetime
) -> None:
    before = counted_for(session, delivery_id, lock=True)
    session.exec(
        update(Delivery)
        .where(col(Delivery.id) == delivery_id)
        .values(
            status=DeliveryStatus.SENT,
            channel_id=channel_id,
            message_ts=message_ts,
            sent_at=now,
            error=None,
        )
    )
    recount(session, delivery_id, before)


def mark_failed(*, session: Session, delivery_id: int, error: str) -> None:
    """A permanent failure: kept with Slack's reason, never retried."""
    before = counted_for(session, delivery_id, lock=True)
    session.exec(
        update(Delivery)
        .where(col(Delivery.id) == delivery_id)
        .values(status=DeliveryStatus.FAILED, error=error[:255])
    )
    recount(session, delivery_id, before)


def retry_later(*, session: Session, delivery_id: int, error: str, at: datetime) -> None:
    """A transient failure: back in the queue at `at`."""
    before = counted_for(session, delivery_id, lock=True)
    session.exec(
        update(Delivery)
        .where(col(Delivery.id) == delivery_id)
        .values(status=DeliveryStatus.PENDING, error=error[:255], next_attempt_at=at)
    )
    recount(session, delivery_id, before)


def get_pulse_delivery(*, session: Session, delivery_id: int) -> PulseDelivery | None:
    row = session.execute(_delivery_query().where(col(Delivery.id) == delivery_id)).first()
    return _to_pulse_delivery(row) if row is not None else None


def post_answerer_delivery(
    *, session: Session, post: PulseDelivery, user_id: str, now: datetime, create: bool,
    anonymous_mark: datetime | None = None,
) -> PulseDelivery | None:
    """The delivery that stands for one person's answers to a channel post.

    Keyed like any delivery by (wave, respondent), so however often someone clicks, and however
    many replicas handle the clicks, they count once. It has no message of its own (the post is
    shared), so closing notices and reminders pass it by. Created by the first click, so for
    an anonymous pulse its sent time is `anonymous_mark` (storage.answered_mark), not `now`.
    """
    # Nor does a first-time answerer's new customer row say when they clicked.
    first_seen = now if anonymous_mark is None else anonymous_mark
    if create:
        session.exec(
            insert_for(session, Respondent)
            .values(team_id=post.team_id, user_id=user_id, attributes={}, opted_out=False,
                    deactivated=False, created_at=first_seen)
            .on_conflict_do_nothing(index_elements=["team_id", "user_id"])
        )
    respondent_id = session.exec(
        select(Respondent.id).where(Respondent.team_id == post.team_id,
                                    Respondent.user_id == user_id)
    ).first()
    if respondent_id is None:
        return None
    if create:
        session.exec(
            insert_for(session, Delivery)
            .values(wave_id=post.wave_id, respondent_id=respondent_id,
                    status=DeliveryStatus.SENT, attempts=0, next_attempt_at=first_seen,
                    sent_at=first_seen,
                    reminder=ReminderState.NONE, post_delivery_id=post.delivery_id)
            .on_conflict_do_nothing(index_elements=["wave_id", "respondent_id"])
        )
    row = session.execute(
        _delivery_query().where(col(Delivery.wave_id) == post.wave_id,
                                col(Delivery.respondent_id) == respondent_id)
    ).first()
    return _to_pulse_delivery(row) if row is not None else None


def status_counts(*, session: Session, wave_id: int) -> dict[DeliveryStatus, int]:
    rows = session.exec(select(Delivery.status).where(Delivery.wave_id == wave_id)).all()
    counts = dict.fromkeys(DeliveryStatus, 0)
    for status in rows:
        counts[DeliveryStatus(status)] += 1
    return counts


@dataclass(frozen=True)
class WaveCounts:
    wave_id: int
    pulse_name: str
    scheduled_for: datetime
    closed: bool
    by_status: dict[DeliveryStatus, int]
    failures: dict[str, int]
    answered: int


def wave_counts(
    *, session: Session, wave_id: int | None = None, pulse_name: str | None = None
) -> WaveCounts | None:
    """Outbox counts for a wave, or for the latest wave of the named pulse."""
    query = select(Wave, Pulse).join(Pulse, col(Pulse.id) == Wave.pulse_id)
    if wave_id is not None:
        query = query.where(col(Wave.id) == wave_id)
    if pulse_name is not None:
        query = query.where(Pulse.name == pulse_name)
    row = session.exec(query.order_by(col(Wave.scheduled_for).desc())).first()
    if row is None:
        return None
    wave, pulse = row
    assert wave.id is not None
    rows = session.exec(
        select(Delivery.status, Delivery.error, func.count())
        .where(Delivery.wave_id == wave.id)
        .group_by(col(Delivery.status), col(Delivery.error))
    ).all()
    by_status = dict.fromkeys(DeliveryStatus, 0)
    failures: dict[str, int] = {}
    for status, error, count in rows:
        by_status[DeliveryStatus(status)] += int(count)
        if status == DeliveryStatus.FAILED:
            failures[error or "unknown"] = failures.get(error or "unknown", 0) + int(count)
    answered = session.exec(
        select(func.count())
        .select_from(Delivery)
        .where(Delivery.wave_id == wave.id, col(Delivery.answered_at).is_not(None))
    ).one()
    return WaveCounts(
        wave_id=wave.id,
        pulse_name=pulse.name,
        scheduled_for=wave.scheduled_for,
        closed=wave.closed_at is not None,
        by_status=by_status,
        failures=failures,
        answered=int(answered),
    )
