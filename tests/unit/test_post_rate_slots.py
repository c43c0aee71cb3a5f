"""The shared rate's maths (storage.post_rates) and how a process hands its slots out
(bot.pulses.pacing.SharedPacer), worked by hand."""

from __future__ import annotations

import pytest

from bot.pulses.pacing import SharedPacer
from bot.pulses.post_rate import batch_for
from storage.post_rates import Slots, grant, paused


def test_an_idle_workspace_starts_now_and_saves_up_no_burst() -> None:
    # Next slot an hour ago: the slots start now, 1/rate apart, not a backlog of 3,600.
    slots = grant(1000.0, now=4600.0, rate=10.0, count=3)
    assert slots.times() == pytest.approx([4600.0, 4600.1, 4600.2])
    assert slots.end == pytest.approx(4600.3)


def test_slots_follow_those_already_handed_out() -> None:
    first = grant(100.0, now=100.0, rate=50.0, count=10)  # 100.00 .. 100.18
    second = grant(first.end, now=100.05, rate=50.0, count=10)
    assert first.end == pytest.approx(100.2)
    assert second.first == pytest.approx(100.2)  # not now (100.05): no slot is given twice
    assert second.times()[-1] == pytest.approx(100.38)


def test_a_next_slot_exactly_now_is_now() -> None:
    assert grant(7.0, now=7.0, rate=4.0, count=1) == Slots(first=7.0, count=1, rate=4.0)


def test_a_pause_moves_the_next_slot_to_its_end_and_never_back() -> None:
    assert paused(10.0, now=10.0, retry_after=2) == 12.0
    # Slots already handed out past the pause stay handed out.
    assert paused(13.0, now=10.0, retry_after=2) == 13.0
    assert paused(12.0, now=10.0, retry_after=2) == 12.0
    assert paused(5.0, now=10.0, retry_after=-1) == 10.0


def test_nonsense_rates_and_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="rate"):
        grant(0.0, now=0.0, rate=0.0, count=1)
    with pytest.raises(ValueError, match="count"):
        grant(0.0, now=0.0, rate=1.0, count=0)


def test_a_batch_is_a_fifth_of_a_second_of_slots_and_at_most_ten() -> None:
    assert [batch_for(r) for r in (1, 4.9, 5, 20, 50, 55, 1000)] == [1, 1, 1, 4, 10, 10, 10]


class FakeTime:
    def __init__(self, now: float) -> None:
        self.now = now
        self.slept: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class Bucket:
    """The database's side, in memory: the next slot, handed out as storage.post_rates does."""

    def __init__(self, clock: FakeTime, rate: float) -> None:
        self.clock, self.rate, self.next_slot = clock, rate, 0.0
        self.takes = 0

    def take(self, count: int) -> Slots:
        self.takes += 1
        slots = grant(self.next_slot, now=self.clock.time(), rate=self.rate, count=count)
        self.next_slot = slots.end
        return slots

    def pause(self, seconds: float) -> None:
        self.next_slot = paused(self.next_slot, now=self.clock.time(), retry_after=seconds)


def pacer(clock: FakeTime, bucket: Bucket, *, batch: int, late: float) -> SharedPacer:
    return SharedPacer(bucket.take, pause=bucket.pause, batch=batch, late=late,
                       clock=clock.time, sleep=clock.sleep)


def test_two_replicas_share_one_rate_and_the_database_is_asked_once_per_batch() -> None:
    clock = FakeTime(100.0)
    bucket = Bucket(clock, rate=10.0)
    a, b = (pacer(clock, bucket, batch=2, late=1.0) for _ in range(2))

    # a takes 100.0 and 100.1; b then 100.2 and 100.3 (it waits for 100.2); a uses 100.1 late
    # (within `late`), b 100.3, and a takes 100.4 and 100.5.
    waits = [a.wait(), b.wait(), a.wait(), b.wait(), a.wait()]

    assert clock.now == pytest.approx(100.4)
    assert waits == pytest.approx([0.0, 0.2, 0.0, 0.1, 0.1])
    assert bucket.takes == 3
    assert (a.taken, b.taken) == (4, 2)


def test_a_slot_missed_by_exactly_late_is_used_and_one_missed_by_more_is_let_go() -> None:
    clock = FakeTime(0.0)
    bucket = Bucket(clock, rate=10.0)
    senders = pacer(clock, bucket, batch=3, late=0.1)
    senders.wait()  # slot 0.0; 0.1 and 0.2 held
    clock.now = 0.2  # slot 0.1 missed by exactly `late`
    assert senders.wait() == 0.0
    assert senders.missed == 0
    clock.now = 0.3 + 1e-6  # slot 0.2 missed by more than `late`: let go, a new batch taken
    assert senders.wait() == 0.0
    assert senders.missed == 1
    assert bucket.next_slot == pytest.approx(0.6 + 1e-6)


def test_a_pause_lets_go_of_the_slots_held_and_gives_everyone_slots_after_it() -> None:
    clock = FakeTime(50.0)
    bucket = Bucket(clock, rate=10.0)
    a, b = (pacer(clock, bucket, batch=5, late=1.0) for _ in range(2))
    a.wait()  # 50.0; a holds 50.1 .. 50.4

    a.pause(2.0)  # Slack answered 429, Retry-After 2, at 50.0

    assert clock.now == pytest.approx(52.0)  # a's own retry waits for a slot after the pause
    assert b.wait() == pytest.approx(0.5)  # 52.5: after a's new batch, 52.0 .. 52.4
    assert bucket.next_slot == pytest.approx(53.0)
