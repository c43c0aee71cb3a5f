"""Engine and session helpers: SQLite pragmas for the embedded default, a pool for PostgreSQL."""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, event
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel import Session, create_engine

logger = logging.getLogger(__name__)
T = TypeVar("T")

# Connection option marking a read-only unit of work (see _sqlite_begin_immediate).
READ_ONLY = "engagement_read_only"
# Connection option: how long (ms) a SQLite transaction waits for another writer's lock.
LOCK_WAIT_MS = "engagement_lock_wait_ms"
BACKGROUND_LOCK_WAIT_MS = 30_000
# Slack wants every request answered within 3 s, and a click runs one short transaction: a
# file locked for longer than this is reported as unavailable (the person is asked to click
# again) instead of answering Slack too late.
INTERACTIVE_LOCK_WAIT_MS = 1_200
# A click must be answered within Slack's 3 s: a database that does not answer a new connection
# in this many seconds counts as unavailable rather than holding the request (and a pool slot).
POSTGRES_CONNECT_TIMEOUT = 5
# Connections one process may hold (pool_size + max_overflow), on either database. The HTTP
# server admits fewer Slack requests at once (bot.app.server.MAX_IN_FLIGHT) so an admitted request
# never waits for a connection; PostgreSQL's default 100 connections then serve four replicas.
POOL_SIZE = 10
POOL_OVERFLOW = 10
POOL_CONNECTIONS = POOL_SIZE + POOL_OVERFLOW


# A restarted server leaves every pooled connection dead, so a connection is pinged when it is
# taken from the pool, and replaced if the ping fails. Not when it was last given back less
# than this long ago: a connection in steady use shows it is alive by being used, and pinging
# it cost a round trip of every click's ten (docs/PERFORMANCE.md, "Score clicks").
# Should the server restart within that second, the one request on that connection fails as
# in any outage (the person is asked to click again) and the connection is replaced.
PING_AFTER_IDLE_SECONDS = 1.0
_RETURNED_AT = "engagement_returned_at"


def create_db_engine(url: str, *, ping_after_idle_seconds: float = PING_AFTER_IDLE_SECONDS,
                     **kwargs: Any) -> Engine:
    """An engine tuned for the backend the URL names. `ping_after_idle_seconds`: see
    PING_AFTER_IDLE_SECONDS (PostgreSQL only; a SQLite file is not pinged)."""
    if url.startswith("sqlite"):
        if url.rstrip("/") != "sqlite:" and ":memory:" not in url and "mode=memory" not in url:
            # The file's pool (SQLAlchemy's default is 5 + 10); in-memory URLs use their own.
            kwargs.setdefault("pool_size", POOL_SIZE)
            kwargs.setdefault("max_overflow", POOL_OVERFLOW)
        engine = create_engine(
            url,
            # Bolt runs listeners on worker threads; each checks out its own connection.
            connect_args={"check_same_thread": False, "timeout": 30},
            **kwargs,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    kwargs.setdefault("pool_size", POOL_SIZE)
    kwargs.setdefault("max_overflow", POOL_OVERFLOW)
    connect_args = {
        "connect_timeout": POSTGRES_CONNECT_TIMEOUT,
        # pg_stat_activity (and pg_locks joined to it) then says which replica holds what.
        "application_name": application_name(),
        **kwargs.pop("connect_args", {}),
    }
    engine = create_engine(url, connect_args=connect_args, **kwargs)
    event.listen(engine.pool, "checkin", _note_checkin)
    event.listen(engine.pool, "checkout", _ping_when_idle(engine, ping_after_idle_seconds))
    return engine


def _note_checkin(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
    record.info[_RETURNED_AT] = time.monotonic()


def _ping_when_idle(engine: Engine, idle_seconds: float
                    ) -> Callable[[Any, ConnectionPoolEntry, Any], None]:
    def checkout(dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
        returned = record.info.get(_RETURNED_AT)
        if returned is not None and time.monotonic() - returned < idle_seconds:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            raise DisconnectionError(outage_reason(error)) from error
        if not alive:
            raise DisconnectionError("the database did not answer a ping")

    return checkout


def application_name() -> str:
    """How this process appears in pg_stat_activity: host (the pod) and process id."""
    return f"engagement-bot {socket.gethostname()} pid {os.getpid()}"[:63]


def database_unavailable(error: BaseException) -> bool:
    """True when the database could not be reached or dropped the connection (a restart, a
    network cut, a locked SQLite file), as opposed to a bug or a constraint violation."""
    if isinstance(error, OperationalError | InterfaceError):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


def outage_reason(error: BaseException) -> str:
    """One line for the log: the driver's first line, without a traceback."""
    cause = getattr(error, "orig", None) or error
    first = (str(cause).strip().splitlines() or [""])[0]
    return f"{type(cause).__name__}: {first}"[:200]


def write_when_available(
    engine: Engine,
    write: Callable[[Session], T],
    *,
    patience: float,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run `write` in its own transaction, retrying while the database is unreachable.

    For writes that record something already done outside (Slack accepted a message): giving
    up at once would leave it to the slow path that settles abandoned work after a lease.
    After `patience` seconds the last error is raised.
    """
    deadline = time.monotonic() + patience
    pause = 0.25
    while True:
        try:
            with session_scope(engine) as session:
                return write(session)
        except Exception as error:
            if not database_unavailable(error) or time.monotonic() + pause > deadline:
                raise
            logger.debug("database unavailable, retrying a write in %.2f s", pause)
        sleep(pause)
        pause = min(pause * 2, 4.0)


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


def interactive_engine(engine: Engine) -> Engine:
    """The same engine and pool, for work a person is waiting on (Slack requests)."""
    return engine.execution_options(**{LOCK_WAIT_MS: INTERACTIVE_LOCK_WAIT_MS})


def _sqlite_begin_immediate(connection: Connection) -> None:
    options = connection.get_execution_options()
    # Set on every transaction: pooled connections are shared by background and interactive
    # work, so each states its own patience.
    wait = int(options.get(LOCK_WAIT_MS, BACKGROUND_LOCK_WAIT_MS))
    connection.exec_driver_sql(f"PRAGMA busy_timeout={wait}")
    if options.get(READ_ONLY):
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
