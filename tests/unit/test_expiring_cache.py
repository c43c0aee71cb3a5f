from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.expiring import ExpiringCache

T0 = datetime(2026, 12, 1, tzinfo=UTC)


def test_an_entry_lives_for_its_ttl_and_no_longer() -> None:
    cache: ExpiringCache[str, int] = ExpiringCache(ttl=timedelta(seconds=60))
    cache.put("a", 1, now=T0)
    assert cache.get("a", now=T0 + timedelta(seconds=59)) == 1
    assert cache.get("a", now=T0 + timedelta(seconds=60)) is None


def test_when_full_the_expired_then_the_oldest_go_first() -> None:
    cache: ExpiringCache[str, int] = ExpiringCache(ttl=timedelta(seconds=60), max_entries=2)
    cache.put("old", 1, now=T0)
    cache.put("new", 2, now=T0 + timedelta(seconds=30))
    cache.put("newer", 3, now=T0 + timedelta(seconds=61))  # "old" has expired: it goes
    assert cache.get("new", now=T0 + timedelta(seconds=61)) == 2
    cache.put("newest", 4, now=T0 + timedelta(seconds=62))  # none expired: the oldest goes
    assert cache.get("new", now=T0 + timedelta(seconds=62)) is None
    assert cache.get("newer", now=T0 + timedelta(seconds=62)) == 3


def test_discard_drops_what_matches() -> None:
    cache: ExpiringCache[tuple[str, str], int] = ExpiringCache(ttl=timedelta(seconds=60))
    cache.put(("T1", "U1"), 1, now=T0)
    cache.put(("T2", "U1"), 2, now=T0)
    cache.discard(lambda key: key[0] == "T1")
    assert cache.get(("T1", "U1"), now=T0) is None
    assert cache.get(("T2", "U1"), now=T0) == 2
