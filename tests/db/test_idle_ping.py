"""A pooled PostgreSQL connection is pinged when taken from the pool only after it lay idle
(storage.engine.PING_AFTER_IDLE_SECONDS): a dead idle one is replaced unseen, and a busy one
costs no round trip."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from storage.engine import create_db_engine, database_unavailable
from tests.integration.running_bots import wait_until


def _postgres(database_url: str, *, idle_seconds: float) -> Engine:
    if database_url.startswith("sqlite"):
        pytest.skip("a SQLite file has no server connection to lose")
    return create_db_engine(database_url, ping_after_idle_seconds=idle_seconds, pool_size=1,
                            max_overflow=0)


def _backend(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _end_backend(database_url: str, pid: int) -> None:
    """What a server restart does to the pooled connection: its server process ends."""
    admin = create_db_engine(database_url, pool_size=1, max_overflow=0)
    try:
        with admin.begin() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

        def gone() -> bool:
            with admin.connect() as connection:
                return int(connection.execute(
                    text("SELECT COUNT(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
                ).scalar_one()) == 0

        wait_until(gone, timeout=10, what="the server process to end")
    finally:
        admin.dispose()


def test_a_dead_connection_idle_past_the_limit_is_replaced_unseen(database_url: str) -> None:
    engine = _postgres(database_url, idle_seconds=0)  # every checkout is past the limit
    try:
        before = _backend(engine)
        _end_backend(database_url, before)

        assert _backend(engine) != before  # pinged, found dead, and replaced: no error
    finally:
        engine.dispose()


def test_a_connection_returned_within_the_limit_is_used_without_a_ping(
    database_url: str,
) -> None:
    engine = _postgres(database_url, idle_seconds=3600)
    try:
        before = _backend(engine)
        _end_backend(database_url, before)

        # Not pinged, so the loss shows on its first use, as any outage does (the person is
        # asked to click again); the pool then replaces it.
        with pytest.raises(OperationalError) as lost:
            _backend(engine)
        assert database_unavailable(lost.value)
        assert _backend(engine) != before
    finally:
        engine.dispose()
