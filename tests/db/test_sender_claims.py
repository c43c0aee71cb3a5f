"""Claims that name their sender: the fence before a post, freeing what was never tried, and
which rows are settled against Slack when; on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from storage.deliveries import (
    claim_due,
    claim_to_settle,
    free_untried,
    free_untried_claimed_before,
    give_up_claim,
    mark_sent,
    retry_later,
    start_post,
)
from storage.engine import session_scope
from storage.models import Delivery, DeliveryStatus
from storage.token_refresh import release_claim, try_claim
from tests.db.waves import wave_with

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
TEAM = "T0TEST"
A, B, ME = "a" * 32, "b" * 32, "c" * 32
GRACE = timedelta(seconds=15)
LEASE = timedelta(seconds=300)
MICROSECOND = timedelta(microseconds=1)


def _claim(engine: Engine, sender: str | None, count: int, at: datetime = NOW) -> list[int]:
    with session_scope(engine) as session:
        return [d.delivery_id for d in
                claim_due(session=session, now=at, limit=count, sender_id=sender)]


def _start(engine: Engine, delivery_id: int, sender: str, at: datetime = NOW) -> bool:
    with session_scope(engine) as session:
        return start_post(session=session, delivery_id=delivery_id, sender_id=sender, now=at)


def _rows(engine: Engine) -> dict[int, Delivery]:
    with Session(engine) as session:
        return {d.id or 0: d for d in session.exec(select(Delivery)).all()}


def _settle(engine: Engine, *, stopped: set[str], now: datetime) -> list[int]:
    with session_scope(engine) as session:
        return [d.delivery_id for d in claim_to_settle(
            session=session, stopped=stopped, posted_before=now - GRACE,
            lease_before=now - LEASE, now=now, sender_id=ME)]


def test_a_claim_names_its_sender_and_only_that_sender_may_begin_to_post(engine: Engine) -> None:
    wave_with(engine, 2, team_id=TEAM, now=NOW)
    first, second = _claim(engine, A, 2)

    assert (_start(engine, first, B), _start(engine, first, A)) == (False, True)
    rows = _rows(engine)
    assert (rows[first].claimed_by, rows[first].post_started_at) == (A, NOW)
    assert (rows[second].claimed_by, rows[second].post_started_at) == (A, None)


def test_what_a_stopped_sender_never_tried_is_freed_and_it_can_no_longer_post_it(
    engine: Engine,
) -> None:
    wave_with(engine, 4, team_id=TEAM, now=NOW)
    tried, untried, *_ = _claim(engine, A, 2)
    others = _claim(engine, B, 2)
    assert _start(engine, tried, A)

    with session_scope(engine) as session:
        freed = free_untried(session=session, holders={A})

    assert freed == 1  # only A's untried row: its tried one and B's rows stay
    rows = _rows(engine)
    assert (rows[untried].status, rows[untried].claimed_by, rows[untried].attempts) == (
        DeliveryStatus.PENDING, None, 0)  # the claim's attempt was never made
    assert rows[tried].status == DeliveryStatus.SENDING
    assert {rows[i].status for i in others} == {DeliveryStatus.SENDING}
    # A, slow rather than dead, reaches the row it held: the fence stops it.
    assert _start(engine, untried, A) is False
    # Claimed again by another, it goes out once.
    assert _claim(engine, B, 10) == [untried]
    assert _start(engine, untried, B)


def test_a_stopped_senders_begun_post_is_settled_from_the_moment_its_grace_has_passed(
    engine: Engine,
) -> None:
    wave_with(engine, 1, team_id=TEAM, now=NOW)
    [delivery] = _claim(engine, A, 1)
    assert _start(engine, delivery, A, at=NOW)

    # 15 s after the post began, less a microsecond: Slack may still be making it.
    assert _settle(engine, stopped={A}, now=NOW + GRACE - MICROSECOND) == []
    assert _settle(engine, stopped={A}, now=NOW + GRACE) == []  # on the line: not yet
    assert _settle(engine, stopped=set(), now=NOW + GRACE + MICROSECOND) == []  # A still beats
    assert _settle(engine, stopped={A}, now=NOW + GRACE + MICROSECOND) == [delivery]
    row = _rows(engine)[delivery]
    assert (row.claimed_by, row.claimed_at, row.post_started_at) == (
        ME, NOW + GRACE + MICROSECOND, NOW)
    # Claimed by us now: nobody else settles it at the same moment.
    assert _settle(engine, stopped={A}, now=NOW + GRACE + 2 * MICROSECOND) == []


def test_a_claim_that_names_no_sender_is_settled_only_after_the_lease_and_stays_maybe_posted(
    engine: Engine,
) -> None:
    """As an earlier version claims: no sender, no start."""
    wave_with(engine, 1, team_id=TEAM, now=NOW)
    [delivery] = _claim(engine, None, 1)

    assert _settle(engine, stopped=set(), now=NOW + LEASE) == []  # exactly the lease: not yet
    assert _settle(engine, stopped=set(), now=NOW + LEASE + MICROSECOND) == [delivery]
    # Re-claimed by us, it is not taken for never tried if we stop in turn.
    assert _rows(engine)[delivery].post_started_at == NOW
    with session_scope(engine) as session:
        assert free_untried(session=session, holders={ME}) == 0


def test_the_lease_frees_an_untried_claim_whoever_holds_it(engine: Engine) -> None:
    wave_with(engine, 2, team_id=TEAM, now=NOW)
    old = _claim(engine, A, 1, at=NOW)
    young = _claim(engine, A, 1, at=NOW + MICROSECOND)

    with session_scope(engine) as session:
        freed = free_untried_claimed_before(session=session, claimed_before=NOW + MICROSECOND)

    assert freed == 1
    rows = _rows(engine)
    assert (rows[old[0]].status, rows[young[0]].status) == (
        DeliveryStatus.PENDING, DeliveryStatus.SENDING)


def test_a_claim_its_live_sender_gave_up_is_anyones_once_its_post_cannot_be_under_way(
    engine: Engine,
) -> None:
    wave_with(engine, 2, team_id=TEAM, now=NOW)
    given_up, untried = _claim(engine, A, 2)
    assert _start(engine, given_up, A)

    with session_scope(engine) as session:
        # Only what it began: an untried row is simply freed, never "given up".
        assert give_up_claim(session=session, sender_id=A) == 1

    assert _rows(engine)[untried].claimed_by == A
    assert _settle(engine, stopped=set(), now=NOW + GRACE) == []
    assert _settle(engine, stopped=set(), now=NOW + GRACE + MICROSECOND) == [given_up]


def test_a_failure_recorded_late_does_not_undo_a_row_another_sender_settled(
    engine: Engine,
) -> None:
    wave_with(engine, 1, team_id=TEAM, now=NOW)
    [delivery] = _claim(engine, A, 1)
    assert _start(engine, delivery, A)
    later = NOW + GRACE + MICROSECOND
    assert _settle(engine, stopped={A}, now=later) == [delivery]
    with session_scope(engine) as session:  # found in Slack by the settling sender
        mark_sent(session=session, delivery_id=delivery, channel_id="D0P00000",
                  message_ts="1.000001", now=later)
        # A, which was only slow, records its 5xx: the row stays sent.
        retry_later(session=session, delivery_id=delivery, error="http_503", at=later,
                    claimed_by=A)

    row = _rows(engine)[delivery]
    assert (row.status, row.message_ts) == (DeliveryStatus.SENT, "1.000001")


@pytest.mark.parametrize(("after", "taken"), [
    (timedelta(0), False),  # asked the moment it runs out: still held
    (MICROSECOND, True),  # a microsecond after: its holder died holding it
])
def test_a_token_refresh_is_claimed_by_one_holder_until_it_lets_go_or_runs_out(
    engine: Engine, after: timedelta, taken: bool,
) -> None:
    until = NOW + timedelta(seconds=30)
    with session_scope(engine) as session:
        assert try_claim(session=session, key="k", holder=A, now=NOW, until=until)
    with session_scope(engine) as session:
        assert try_claim(session=session, key="k", holder=B, now=NOW, until=until) is False
        assert try_claim(session=session, key="other", holder=B, now=NOW, until=until)
    with session_scope(engine) as session:
        assert try_claim(session=session, key="k", holder=B, now=until + after,
                         until=until + until.resolution) is taken
    with session_scope(engine) as session:
        release_claim(session=session, key="k", holder=A if not taken else B)
        assert try_claim(session=session, key="k", holder=ME, now=NOW, until=until)
