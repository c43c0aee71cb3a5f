"""Client-side pacing: stay under Slack's rate limit instead of bouncing off it.

Slack answers 429 with Retry-After in whole seconds once a method's budget is spent; every
429 therefore costs up to a second of idle time. Spacing calls evenly at the permitted rate
keeps the pipe full without ever tripping the limit.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


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
