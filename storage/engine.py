"""Engine and session helpers: SQLite pragmas for the embedded default, a pool for PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, event
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel import Session, create_engine

# Connection option marking a read-only unit of work (see _sqlite_begin_immediate).
READ_ONLY = "engagement_read_only"


def create_db_engine(url: str, **kwargs: Any) -> Engine:
    """An engine tuned for the backend the URL names."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            # Bolt runs listeners on worker threads; each checks out its own connection.
            connect_args={"check_same_thread": False, "timeout": 30},
            **kwargs,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    return create_engine(url, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the HTTP server read while the dispatcher writes; foreign keys are off by default.
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL survives any process crash (kill -9 included); only a power cut can
    # lose the last commits. It saves an fsync per commit, which the outbox makes per message.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
    # Let SQLAlchemy, not pysqlite, decide when a transaction begins (see below).
    dbapi_connection.isolation_level = None


def _sqlite_begin_immediate(connection: Connection) -> None:
    if connection.get_execution_options().get(READ_ONLY):
        # A long read (an export) holding the write lock would stall every writer for its
        # whole length; in WAL mode a plain read transaction blocks nobody.
        connection.exec_driver_sql("BEGIN")
        return
    # A deferred transaction that reads and then writes fails at once with "database is locked"
    # when another writer got in between; taking the write lock up front makes it wait instead.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


@contextmanager
def read_only_session(engine: Engine) -> Iterator[Session]:
    """A session for long reads that must not block writers; anything it writes is discarded."""
    with engine.connect() as connection:
        connection.execution_options(**{READ_ONLY: True})
        with Session(bind=connection) as session:
            try:
                yield session
            finally:
                session.rollback()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: committed on success, rolled back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
