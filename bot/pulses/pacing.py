"""Client-side pacing: stay under Slack's rate limit instead of bouncing off it.

Slack answers 429 with Retry-After in whole seconds once a method's budget is spent; every
429 therefore costs up to a second of idle time. Spacing calls evenly at the permitted rate
keeps the pipe full without ever tripping the limit. `Pacer` paces one process alone;
`SharedPacer` hands out a process's share of slots that every replica takes from the database
(bot.pulses.post_rate), which is how the senders are paced.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol

from storage.post_rates import Slots


class Pacer:
    """A token bucket: `rate` calls a second on average, at most `burst` back to back."""

    def __init__(
        self,
        rate: float,
        *,
        burst: int = 1,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.burst = max(1, burst)
        self._monotonic = monotonic
        self._sleep = sleep
        self._tokens = float(self.burst)
        self._last = monotonic()
        self._lock = threading.Lock()

    def wait(self) -> float:
        """Block until a call may go out; returns how long it waited."""
        with self._lock:
            now = self._monotonic()
            self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
            self._last = now
            self._tokens -= 1
            delay = 0.0 if self._tokens >= 0 else -self._tokens / self.rate
        if delay:
            self._sleep(delay)
        return delay

    def pause(self, seconds: float) -> None:
        """Slack answered 429 with Retry-After `seconds`: this process alone waits them out."""
        self._sleep(seconds)


class Pace(Protocol):
    """What the senders wait on before each post."""

    def wait(self) -> float: ...

    def pause(self, seconds: float) -> None:
        """Slack answered 429 with Retry-After `seconds`: wait them out, then for a slot."""


class SharedPacer:
    """This process's senders' share of a rate that all replicas share (storage.post_rates).

    Slots are taken from the database `batch` at a time (`take(count)`), so it is touched once
    per batch rather than once per post, and handed to the senders in order; each sender sleeps
    until its slot. A slot missed by more than `late` seconds (every sender was busy) is let go
    rather than used late: used late it would follow another replica's next slot closely, and
    Slack's burst allowance is small.
    """

    def __init__(
        self,
        take: Callable[[int], Slots],
        *,
        pause: Callable[[float], None],
        batch: int,
        late: float,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if batch < 1:
            raise ValueError("batch must be at least 1")
        self._take = take
        self._pause = pause
        self.batch = batch
        self.late = late
        self._clock = clock
        self._sleep = sleep
        self._slots: deque[float] = deque()
        self._lock = threading.Lock()
        self.taken = 0  # slots taken from the database
        self.missed = 0  # of them, let go unused because they were missed

    def wait(self) -> float:
        """Block until this sender's slot; returns how long it waited."""
        # The wait is under the lock: one sender waits for the next slot while the others
        # queue behind it, so a process holds no more slots than one batch and the one being
        # waited for (a pause another replica records reaches this one with its next batch).
        waited = 0.0
        with self._lock:
            while True:
                slot = self._next_slot()
                delay = slot - self._clock()
                if delay > 0:
                    self._sleep(delay)
                    waited += delay
                # Woken too late (the process was starved of CPU): this slot is missed too.
                if self._clock() - slot <= self.late:
                    return waited
                self.missed += 1

    def pause(self, seconds: float) -> None:
        """Slack asked for `seconds` of quiet: no replica gets a slot within them (`pause`),
        the slots held here fall inside them and are let go, and this sender waits for a slot
        after the pause."""
        self._pause(seconds)
        with self._lock:
            self._slots.clear()
        self.wait()

    def _next_slot(self) -> float:
        while True:
            now = self._clock()
            while self._slots and self._slots[0] < now - self.late:
                self._slots.popleft()
                self.missed += 1
            if self._slots:
                return self._slots.popleft()
            slots = self._take(self.batch)
            self.taken += slots.count
            self._slots.extend(slots.times())
