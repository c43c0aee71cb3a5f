"""The outbox: claim due deliveries, record what Slack said, and find a delivery for an answer."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Row, Select, and_, false, func, or_, true, update
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
    team_id: str | None = None, sender_id: str | None = None,
) -> list[PulseDelivery]:
    """Mark up to `limit` due deliveries as being sent by `sender_id` and return them.

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
                claimed_by=sender_id,
                post_started_at=None,
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


def start_post(*, session: Session, delivery_id: int, sender_id: str, now: datetime) -> bool:
    """Record that `sender_id` is about to post the delivery (again, after a 429), if it still
    holds it; False if it does not (freed or settled by another process meanwhile), and then
    it must not post."""
    result = session.exec(
        update(Delivery)
        .where(col(Delivery.id) == delivery_id, col(Delivery.status) == DeliveryStatus.SENDING,
               col(Delivery.claimed_by) == sender_id)
        .values(post_started_at=now)
    )
    return result.rowcount == 1


def _untried() -> ColumnElement[bool]:
    """Claimed by a sender that never began to post it: Slack cannot hold it."""
    return and_(col(Delivery.status) == DeliveryStatus.SENDING,
                col(Delivery.claimed_by).is_not(None), col(Delivery.post_started_at).is_(None))


def _free(session: Session, where: ColumnElement[bool]) -> int:
    # The claim counted an attempt (so at least 1) that was never made.
    result = session.exec(
        update(Delivery)
        .where(_untried(), where)
        .values(status=DeliveryStatus.PENDING, claimed_by=None,
                attempts=col(Delivery.attempts) - 1)
    )
    return int(result.rowcount)


def free_untried(
    *, session: Session, holders: Collection[str], delivery_ids: Collection[int] | None = None
) -> int:
    """Put back in the queue, due as before, what these senders claimed and never tried."""
    if not holders:
        return 0
    where: ColumnElement[bool] = col(Delivery.claimed_by).in_(list(holders))
    if delivery_ids is not None:
        where = and_(where, col(Delivery.id).in_(list(delivery_ids)))
    return _free(session, where)


def free_untried_claimed_before(*, session: Session, claimed_before: datetime) -> int:
    """The lease's net: untried claims older than the lease, whoever holds them."""
    return _free(session, col(Delivery.claimed_at) < claimed_before)


def claim_holders(*, session: Session) -> set[str]:
    """The senders named by deliveries being sent now."""
    rows = session.exec(
        select(Delivery.claimed_by)
        .where(Delivery.status == DeliveryStatus.SENDING, col(Delivery.claimed_by).is_not(None))
        .distinct()
    ).all()
    return {holder for holder in rows if holder is not None}


def claim_to_settle(
    *, session: Session, stopped: Collection[str], posted_before: datetime,
    lease_before: datetime, now: datetime, sender_id: str | None, limit: int = 50,
    team_id: str | None = None,
) -> list[PulseDelivery]:
    """Deliveries that may have been posted and whose sender is gone, re-claimed by us.

    They are: those a stopped sender began to post before `posted_before` (by then Slack has
    made the post or never will), those a live sender gave up on after such a start, and those
    claimed before `lease_before` that were tried or name no sender. Their message may or may
    not be in Slack; the caller must find out before sending. The compare-and-set on
    claimed_at makes one caller win each row.
    """
    tried_by_stopped = (
        and_(col(Delivery.claimed_by).in_(list(stopped)),
             col(Delivery.post_started_at) < posted_before)
        if stopped else false()
    )
    given_up = and_(col(Delivery.claimed_by).is_(None),
                    col(Delivery.post_started_at) < posted_before)
    past_lease = and_(col(Delivery.claimed_at) < lease_before,
                      or_(col(Delivery.post_started_at).is_not(None),
                          col(Delivery.claimed_by).is_(None)))
    stale = session.exec(
        select(Delivery.id, Delivery.claimed_at)
        .where(
            Delivery.status == DeliveryStatus.SENDING,
            or_(tried_by_stopped, given_up, past_lease),
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
            .where(col(Delivery.id) == delivery_id, col(Delivery.status) == DeliveryStatus.SENDING,
                   col(Delivery.claimed_at) == claimed_at)
            # Still "may have been posted" if we stop before settling it: a row an earlier
            # version claimed has no start of its own, its claim stands for one.
            .values(claimed_at=now, claimed_by=sender_id,
                    post_started_at=func.coalesce(col(Delivery.post_started_at),
                                                  col(Delivery.claimed_at)))
        ).rowcount
        == 1
    ]
    if not won:
        return []
    rows = session.execute(
        _delivery_query().where(col(Delivery.id).in_(won)).order_by(col(Delivery.id))
    ).all()
    return [_to_pulse_delivery(row) for row in rows]


def give_up_claim(*, session: Session, sender_id: str, delivery_id: int | None = None) -> int:
    """A sender that cannot tell whether Slack posted a delivery (None: any it still holds
    after trying) lets go of it: anyone then settles it against Slack once its post could no
    longer be under way."""
    where = [col(Delivery.status) == DeliveryStatus.SENDING,
             col(Delivery.claimed_by) == sender_id, col(Delivery.post_started_at).is_not(None)]
    if delivery_id is not None:
        where.append(col(Delivery.id) == delivery_id)
    return int(session.exec(update(Delivery).where(*where).values(claimed_by=None)).rowcount)


def _held_by(sender_id: str | None) -> ColumnElement[bool]:
    """Still being sent by `sender_id`; None: whatever its state (an uninstall, a refusal)."""
    if sender_id is None:
        return true()
    return and_(col(Delivery.status) == DeliveryStatus.SENDING,
                col(Delivery.claimed_by) == sender_id)


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


def mark_failed(
    *, session: Session, delivery_id: int, error: str, claimed_by: str | None = None
) -> None:
    """A permanent failure: kept with Slack's reason, never retried. With `claimed_by`, only
    while that sender still holds it."""
    before = counted_for(session, delivery_id, lock=True)
    session.exec(
        update(Delivery)
        .where(col(Delivery.id) == delivery_id, _held_by(claimed_by))
        .values(status=DeliveryStatus.FAILED, error=error[:255])
    )
    recount(session, delivery_id, before)


def retry_later(
    *, session: Session, delivery_id: int, error: str, at: datetime,
    claimed_by: str | None = None,
) -> None:
    """A transient failure: back in the queue at `at`. With `claimed_by`, only while that
    sender still holds it: a row another process settled meanwhile (found posted) stays so."""
    before = counted_for(session, delivery_id, lock=True)
    session.exec(
        update(Delivery)
        .where(col(Delivery.id) == delivery_id, _held_by(claimed_by))
        .values(status=DeliveryStatus.PENDING, error=error[:255], next_attempt_at=at,
                claimed_by=None, post_started_at=None)
    )
    recount(session, delivery_id, before)


def hold_pending(*, session: Session, team_id: str | None, error: str) -> int:
    """Say on every unsent delivery of the workspace (of every one: None) why it waits."""
    result = session.exec(
        update(Delivery)
        .where(col(Delivery.status) == DeliveryStatus.PENDING,
               true() if team_id is None else of_team(team_id))
        .values(error=error[:255])
    )
    return int(result.rowcount)


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
    team_id: str
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
        team_id=pulse.team_id,
        scheduled_for=wave.scheduled_for,
        closed=wave.closed_at is not None,
        by_status=by_status,
        failures=failures,
        answered=int(answered),
    )


@dataclass(frozen=True)
class Claim:
    """A delivery of a wave being sent now: who holds it, since when, and whether its sender
    began to post it."""

    claimed_by: str | None
    claimed_at: datetime | None
    post_started_at: datetime | None


def wave_claims(*, session: Session, wave_id: int) -> list[Claim]:
    rows = session.exec(
        select(Delivery.claimed_by, Delivery.claimed_at, Delivery.post_started_at)
        .where(Delivery.wave_id == wave_id, Delivery.status == DeliveryStatus.SENDING)
    ).all()
    return [Claim(by, at, started) for by, at, started in rows]


@dataclass(frozen=True)
class Waiting:
    """Deliveries of a wave waiting in the queue for the same reason."""

    error: str | None  # why the last attempt failed (None: never tried)
    count: int
    next_at: datetime  # the soonest of them is due then


def wave_waiting(*, session: Session, wave_id: int) -> list[Waiting]:
    rows = session.exec(
        select(Delivery.error, func.count(), func.min(Delivery.next_attempt_at))
        .where(Delivery.wave_id == wave_id, Delivery.status == DeliveryStatus.PENDING)
        .group_by(col(Delivery.error))
    ).all()
    return [Waiting(error, int(count), next_at) for error, count, next_at in rows]
