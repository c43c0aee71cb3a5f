"""Slack-like rate limits for the sandbox: token buckets per method, or per method and channel.

Slack gives each Web API method a budget per workspace (its "tiers") and chat.postMessage a
further one of about a message a second per channel. A call over budget is not applied; Slack
answers HTTP 429 with Retry-After in whole seconds. The sandbox models that with one token bucket
per limit: `per_second` tokens flow in, up to `burst`, and each admitted call spends one token
from every bucket that applies to it. A refused call spends nothing, so a client that backs off
for Retry-After finds its budget there when it comes back.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

# Refill arithmetic in floats can leave a bucket a hair under one token after waiting exactly
# the time it asked for; that call must go through, or Retry-After would be a lie.
_EPSILON = 1e-9


@dataclass(frozen=True)
class RateLimitCounts:
    """Calls to a limited method since its limits were set: let through, and answered 429."""

    accepted: int = 0
    limited: int = 0


@dataclass
class _Bucket:
    tokens: float
    updated: float


@dataclass
class _Limit:
    per_second: float
    burst: int
    per_channel: bool
    # Keyed by channel for a per-channel limit; a method-wide limit keeps one bucket under None.
    buckets: dict[str | None, _Bucket] = field(default_factory=dict)


class RateLimiter:
    """The budgets of the limited methods, with their counts.

    Not thread-safe on purpose: the sandbox already serves every request under one lock, and a
    second lock here would only add cost to every call.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        # method -> {per_channel: limit}: at most one method-wide and one per-channel limit each.
        self._limits: dict[str, dict[bool, _Limit]] = {}
        self._counts: dict[str, RateLimitCounts] = {}

    def limit(self, method: str, *, per_second: float, burst: int = 1,
              per_channel: bool = False) -> None:
        """Set (or replace) `method`'s method-wide or per-channel budget; it starts full."""
        if not per_second > 0:
            raise ValueError("per_second must be positive")
        if burst < 1:
            raise ValueError("burst must be at least 1")
        self._limits.setdefault(method, {})[per_channel] = _Limit(per_second, burst, per_channel)

    def clear(self) -> None:
        """Lift every limit and forget the counts, as a new sandbox would have them."""
        self._limits.clear()
        self._counts.clear()

    def counts(self, method: str) -> RateLimitCounts:
        return self._counts.get(method, RateLimitCounts())

    def admit(self, method: str, channel: str | None) -> int | None:
        """None if the call may go ahead (its tokens are spent), else Retry-After in seconds.

        A call must fit every budget that applies to it; it spends tokens only when it fits all
        of them, so a call refused by its channel's bucket leaves the method-wide one untouched.
        """
        limits = self._limits.get(method)
        if not limits:
            return None
        now = self._clock()
        buckets: list[_Bucket] = []
        wait = 0.0
        for limit in limits.values():
            bucket = self._refilled(limit, channel if limit.per_channel else None, now)
            if bucket.tokens < 1 - _EPSILON:
                wait = max(wait, (1 - bucket.tokens) / limit.per_second)
            buckets.append(bucket)
        counts = self.counts(method)
        if wait > 0:
            self._counts[method] = RateLimitCounts(counts.accepted, counts.limited + 1)
            # Slack's Retry-After is whole seconds and never 0: round the wait up.
            return max(1, math.ceil(wait))
        for bucket in buckets:
            bucket.tokens -= 1
        self._counts[method] = RateLimitCounts(counts.accepted + 1, counts.limited)
        return None

    @staticmethod
    def _refilled(limit: _Limit, key: str | None, now: float) -> _Bucket:
        bucket = limit.buckets.get(key)
        if bucket is None:
            # A channel never seen has its whole burst; buckets are created lazily, so a
            # per-channel limit costs memory only for the channels actually posted to.
            bucket = limit.buckets[key] = _Bucket(float(limit.burst), now)
        else:
            elapsed = max(0.0, now - bucket.updated)
            bucket.tokens = min(float(limit.burst), bucket.tokens + elapsed * limit.per_second)
            bucket.updated = now
        return bucket
