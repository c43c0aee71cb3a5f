"""Scheduler leadership: exactly one replica schedules (a PostgreSQL advisory lock).

The lock lives as long as the session that took it, so it is held on a dedicated connection:
if the process dies, PostgreSQL drops the connection and another replica can take over. SQLite
means a single process, which is always the leader.

Advisory locks belong to the database, not to a schema: two deployments in separate schemas
of one database (staging beside production, or parallel test runs) would otherwise elect one
leader between them, and one of them would never schedule. The key is therefore derived from
the schema the bot's tables live in.
"""

from __future__ import annotations

import hashlib
import logging

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

logger = logging.getLogger(__name__)

# Any fixed 64-bit number works; this one spells "engage" in ASCII, to be recognisable in
# pg_locks.
# pg_locks (the default schema, public, keeps it as it is).
LOCK_KEY = 0x656E67616765


def lock_key(schema: str) -> int:
    """The advisory lock key for a deployment whose tables live in `schema`."""
    if schema == "public":
        return LOCK_KEY
    digest = hashlib.blake2b(f"engagement-scheduler:{schema}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)  # PostgreSQL's bigint is signed


class Leadership:
    def __init__(self, engine: Engine, *, key: int | None = None) -> None:
        self._engine = engine
        self._key = key  # None: derived from the schema at the first attempt
        self._connection: Connection | None = None

    @property
    def is_leader(self) -> bool:
        return self._connection is not None or self._engine.dialect.name != "postgresql"

    def try_acquire(self) -> bool:
        """Become leader if nobody else is; cheap to call repeatedly."""
        if self._engine.dialect.name != "postgresql":
            return True
        if self._connection is not None:
            return self._still_held()
        connection = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            if self._key is None:
                self._key = lock_key(str(connection.execute(text("SELECT current_schema()"))
                                         .scalar_one()))
            won = bool(
                connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key})
                .scalar_one()
            )
        except DBAPIError:
            connection.close()
            raise
        if won:
            self._connection = connection
            logger.info("this replica is now the scheduler leader")
        else:
            connection.close()
        return won

    def _still_held(self) -> bool:
        assert self._connection is not None
        try:
            self._connection.execute(text("SELECT 1"))
        except DBAPIError:
            # The connection, and with it the lock, is gone (database restart, network).
            logger.warning("lost the scheduler leadership connection")
            self._drop()
            return False
        return True

    def release(self) -> None:
        if self._connection is not None:
            try:
                self._connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": self._key}
                )
            except DBAPIError:
                logger.warning("could not release the leadership lock; it ends with the session")
            self._drop()

    def _drop(self) -> None:
        if self._connection is not None:
            try:
                self._connection.invalidate()
                self._connection.close()
            finally:
                self._connection = None
