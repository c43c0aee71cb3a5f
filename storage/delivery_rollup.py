"""Deliveries sent and answered per team and UTC day of sending (`DailyDeliveryCount`).

A delivery counts on its sending day once it is SENT, and as answered once it also has an
answer time, whatever order those two arrive in (a click can beat the dispatcher's own record
of the send). Every write that can change status, sent_at or answered_at locks the delivery
row first, notes what it counted for, writes, and moves the counters by the difference, in the
same transaction, for the reasons storage.rollups gives. Writes that cannot change what a
delivery counts for (claiming a pending one, cancelling a pending one at opt-out, reminders)
need not call this.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from sqlalchemy import func, insert
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, delete, select

from storage.counter_shards import counter_shard
from storage.models import DailyDeliveryCount, Delivery, DeliveryStatus, Pulse, Wave
from storage.rollups import split_days, utc_day
from storage.upsert import insert_for_dialect


@dataclass(frozen=True)
class Counted:
    """What one delivery adds to the counters: one sent on `day`, answered or not."""

    team_id: str
    day: date
    answered: bool


def counted_for(session: Session, delivery_id: int, *, lock: bool = False) -> Counted | None:
    query = (
        select(Pulse.team_id, Delivery.status, Delivery.sent_at, Delivery.answered_at)
        .join(Wave, col(Wave.id) == Delivery.wave_id)
        .join(Pulse, col(Pulse.id) == Wave.pulse_id)
        # A channel post reaches an unknown number of people: its deliveries (the post, and one
        # per person who answered it) have no response-rate denominator and are never counted.
        .where(col(Delivery.id) == delivery_id, col(Pulse.post_channel).is_(None))
    )
    if lock:  # only the delivery: locking its wave and pulse would serialise every send
        query = query.with_for_update(of=Delivery)
    row = session.exec(query).first()
    if row is None:
        return None
    team_id, status, sent_at, answered_at = row
    if status != DeliveryStatus.SENT or sent_at is None:
        return None
    return Counted(team_id, sent_at.astimezone(UTC).date(), answered_at is not None)


@cache
def _add_statement(dialect: str) -> Any:
    """Built once per dialect: every click that answers a delivery runs it."""
    table: Any = DailyDeliveryCount.__table__  # type: ignore[attr-defined]
    statement = insert_for_dialect(dialect, table)
    return statement.on_conflict_do_update(
        index_elements=["team_id", "day", "shard"],
        set_={"delivered": table.c.delivered + statement.excluded.delivered,
              "answered": table.c.answered + statement.excluded.answered},
    )


def _move(session: Session, team_id: str, day: date, *, delivered: int, answered: int) -> None:
    connection = session.connection()
    connection.execute(_add_statement(connection.dialect.name),
                       {"team_id": team_id, "day": day, "shard": counter_shard(connection),
                        "delivered": delivered, "answered": answered})


def _add(session: Session, counted: Counted, sign: int) -> None:
    _move(session, counted.team_id, counted.day, delivered=sign,
          answered=sign if counted.answered else 0)


def count_answered(session: Session, before: Counted) -> None:
    """A counted delivery just got its answer time, under the lock its reader took
    (storage.answer_target): what recount would do with two upserts (one fewer sent and
    unanswered, one more sent and answered, on the same day) in one."""
    assert not before.answered
    _move(session, before.team_id, before.day, delivered=0, answered=1)


def recount(session: Session, delivery_id: int, before: Counted | None) -> None:
    """After a write under the lock `counted_for(lock=True)` took: move the counters from what
    the delivery counted for before to what it counts for now."""
    after = counted_for(session, delivery_id)
    if after == before:
        return
    if before is not None:
        _add(session, before, -1)
    if after is not None:
        _add(session, after, 1)


def _raw(session: Session, team_id: str, since: datetime, until: datetime,
         *, include_until: bool) -> tuple[int, int]:
    sent_at = col(Delivery.sent_at)
    waves = select(Wave.id).join(Pulse, col(Pulse.id) == Wave.pulse_id).where(
        Pulse.team_id == team_id, col(Pulse.post_channel).is_(None)
    )
    delivered, answered = session.exec(
        select(func.count(), func.count(col(Delivery.answered_at))).where(
            col(Delivery.wave_id).in_(waves),
            Delivery.status == DeliveryStatus.SENT,
            sent_at >= since,
            sent_at <= until if include_until else sent_at < until,
        )
    ).one()
    return int(delivered), int(answered)


def delivery_counts_between(
    *, session: Session, team_id: str, since: datetime, until: datetime | None
) -> tuple[int, int]:
    """(delivered, answered) for deliveries sent in [since, until]: whole days from the rollup,
    the partial first and last day counted raw."""
    split = split_days(since, until)
    if split is None:
        return 0, 0
    delivered = answered = 0
    if split.head is not None:
        d, a = _raw(session, team_id, *split.head, include_until=False)
        delivered, answered = delivered + d, answered + a
    if split.whole is not None:
        first, last = split.whole
        day = col(DailyDeliveryCount.day)
        d, a = session.exec(
            select(func.coalesce(func.sum(DailyDeliveryCount.delivered), 0),
                   func.coalesce(func.sum(DailyDeliveryCount.answered), 0))
            .where(col(DailyDeliveryCount.team_id) == team_id, day >= first,
                   *([day <= last] if last is not None else []))
        ).one()
        delivered, answered = delivered + int(d), answered + int(a)
    if split.tail is not None:
        d, a = _raw(session, team_id, *split.tail, include_until=True)
        delivered, answered = delivered + d, answered + a
    return delivered, answered


def rebuild_delivery_counts(*, session: Session, team_id: str) -> None:
    """Count a workspace's deliveries afresh: for bulk loads that bypass storage.deliveries."""
    session.exec(delete(DailyDeliveryCount).where(col(DailyDeliveryCount.team_id) == team_id))
    sent_day = utc_day(session, Delivery.sent_at)
    session.execute(
        insert(DailyDeliveryCount).from_select(
            ["team_id", "day", "delivered", "answered"],
            sa_select(col(Pulse.team_id), sent_day, func.count(),
                      func.count(col(Delivery.answered_at)))
            .join(Wave, col(Wave.id) == Delivery.wave_id)
            .join(Pulse, col(Pulse.id) == Wave.pulse_id)
            .where(col(Pulse.team_id) == team_id, col(Delivery.status) == DeliveryStatus.SENT,
                   col(Delivery.sent_at).is_not(None), col(Pulse.post_channel).is_(None))
            .group_by(col(Pulse.team_id), sent_day),
        )
    )

