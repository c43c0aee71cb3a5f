from __future__ import annotations

import pytest

from bot.pulses.pacing import Pacer


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_calls_are_spaced_at_the_rate_after_the_burst() -> None:
    clock = FakeTime()
    pacer = Pacer(10, burst=3, monotonic=clock.monotonic, sleep=clock.sleep)

    waits = [pacer.wait() for _ in range(8)]

    assert waits[:3] == [0, 0, 0]
    assert waits[3:] == pytest.approx([0.1] * 5)
    assert clock.now == pytest.approx(0.5)  # 8 calls, 3 free, 5 at 10 a second


def test_idle_time_refills_the_burst_but_no_more() -> None:
    clock = FakeTime()
    pacer = Pacer(2, burst=2, monotonic=clock.monotonic, sleep=clock.sleep)
    pacer.wait()
    pacer.wait()
    clock.now += 60

    assert [pacer.wait() for _ in range(3)] == pytest.approx([0, 0, 0.5])


def test_a_rate_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        Pacer(0)
