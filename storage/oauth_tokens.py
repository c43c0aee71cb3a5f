"""The stored Slack tokens as they are on disk, for re-encrypting them in place.

Everything else reads tokens through the installation store, which decrypts them; this reads
and writes the raw column values, one compare-and-set per value, so a token saved by a refresh
in the meantime is never overwritten with an older one.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import Connection

from storage.oauth_tables import (
    BOT_TOKEN_COLUMNS,
    INSTALLATION_TOKEN_COLUMNS,
    bots,
    installations,
)

_TOKEN_COLUMNS = {installations.name: (installations, INSTALLATION_TOKEN_COLUMNS),
                  bots.name: (bots, BOT_TOKEN_COLUMNS)}


@dataclass(frozen=True)
class StoredToken:
    table: str
    row_id: int
    column: str
    value: str  # as stored: a Fernet token, or a plain Slack token stored before encryption


def stored_tokens(connection: Connection) -> list[StoredToken]:
    found = []
    for table, columns in _TOKEN_COLUMNS.values():
        # In id order: replicas sweeping at once lock rows in one order, so never deadlock.
        rows = connection.execute(
            sa.select(table.c.id, *(table.c[name] for name in columns)).order_by(table.c.id))
        for row_id, *values in rows:
            found += [StoredToken(table.name, int(row_id), column, str(value))
                      for column, value in zip(columns, values, strict=True)
                      if value is not None]
    return found


def replace_stored_token(connection: Connection, token: StoredToken, value: str) -> bool:
    """Store `value` instead of `token` if the row still holds `token`; False if it changed."""
    table, _ = _TOKEN_COLUMNS[token.table]
    column = table.c[token.column]
    result = connection.execute(
        table.update()
        .where(table.c.id == token.row_id, column == token.value)
        .values({token.column: value})
    )
    return result.rowcount == 1
