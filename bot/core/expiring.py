"""A small thread-safe map whose entries expire: for facts read from Slack that may change.

Time is passed in (the injectable clock), so a test moves past an entry's life without sleeping.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from datetime import datetime, timedelta
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class ExpiringCache(Generic[K, V]):
    def __init__(self, *, ttl: timedelta, max_entries: int = 10_000) -> None:
        self.ttl = ttl
        self._max_entries = max_entries
        self._entries: dict[K, tuple[datetime, V]] = {}
        # Bolt's listener threads read and fill it at once.
        self._lock = threading.Lock()

    def get(self, key: K, *, now: datetime) -> V | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            expires, value = entry
            if now >= expires:
                del self._entries[key]
                return None
            return value

    def put(self, key: K, value: V, *, now: datetime) -> None:
        with self._lock:
            self._entries.pop(key, None)
            if len(self._entries) >= self._max_entries:
                self._evict(now)
            self._entries[key] = (now + self.ttl, value)

    def discard(self, matching: Callable[[K], bool]) -> None:
        """Drop every entry whose key matches: the facts behind them just changed."""
        with self._lock:
            for key in [key for key in self._entries if matching(key)]:
                del self._entries[key]

    def _evict(self, now: datetime) -> None:
        expired = [key for key, (expires, _) in self._entries.items() if now >= expires]
        for key in expired:
            del self._entries[key]
        # Still full: the oldest entries go first (dicts keep insertion order).
        while len(self._entries) >= self._max_entries:
            del self._entries[next(iter(self._entries))]
