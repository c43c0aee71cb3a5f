"""Send slots per workspace, shared by every process that posts: one rate for all replicas.

The rate is kept as the moment the workspace's next slot begins (a "theoretical arrival time"):
taking `count` slots hands out `count` moments 1/rate apart, starting at that moment or now,
whichever is later, and moves it past them. Slots are never handed out twice, so however many
replicas take them, their posts together are spaced at the rate. No burst is saved up while
nobody posts: a workspace idle for an hour starts again at the rate, not with a flood (Slack
answers a flood 429, and Retry-After idles everyone for a second or more).

A Retry-After from Slack moves the next slot to the end of the pause, so no replica is given a
slot inside it. Times are seconds since the epoch on each process's own clock: hosts must be
kept in sync (NTP), as sender heartbeats already require.

Taking slots is one short transaction: the row is locked (SELECT ... FOR UPDATE on PostgreSQL;
SQLite's one writer, as every write here begins IMMEDIATE), so two replicas never read the same
next slot.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from storage.models import PostRate
from storage.upsert import insert_for


@dataclass(frozen=True)
class Slots:
    """`count` send slots, `first` and then every 1/`rate` seconds."""

    first: float
    count: int
    rate: float

    def times(self) -> list[float]:
        return [self.first + n / self.rate for n in range(self.count)]

    @property
    def end(self) -> float:
        """Where the next slot begins once these are handed out."""
        return self.first + self.count / self.rate


def grant(next_slot: float, *, now: float, rate: float, count: int) -> Slots:
    """The next `count` slots of a workspace whose next slot begins at `next_slot`."""
    if rate <= 0:
        raise ValueError("rate must be positive")
    if count < 1:
        raise ValueError("count must be at least 1")
    return Slots(first=max(next_slot, now), count=count, rate=rate)


def paused(next_slot: float, *, now: float, retry_after: float) -> float:
    """The next slot once Slack asked for `retry_after` seconds of quiet: never earlier than
    it was (slots already handed out stay handed out), never inside the pause."""
    return max(next_slot, now + max(retry_after, 0.0))


def take_slots(*, session: Session, key: str, now: float, rate: float, count: int) -> Slots:
    """Hand out the workspace's next `count` slots (the caller commits promptly: the row stays
    locked until then)."""
    row = _locked(session, key, now)
    slots = grant(row.next_slot, now=now, rate=rate, count=count)
    row.next_slot = slots.end
    session.add(row)
    return slots


def pause_posting(*, session: Session, key: str, now: float, retry_after: float) -> float:
    """No slot for anyone within `retry_after` seconds from `now`; returns the next slot."""
    row = _locked(session, key, now)
    row.next_slot = paused(row.next_slot, now=now, retry_after=retry_after)
    session.add(row)
    return row.next_slot


def _locked(session: Session, key: str, now: float) -> PostRate:
    # The row is made on first use; a replica that loses the race to insert it finds it.
    session.exec(insert_for(session, PostRate).values(key=key, next_slot=now)
                 .on_conflict_do_nothing(index_elements=["key"]))
    return session.exec(
        select(PostRate).where(col(PostRate.key) == key).with_for_update()
    ).one()
