"""counter shards: each daily count kept in several rows, summed when read

Revision ID: 0033_counter_shards
Revises: 0032_post_rate
Create Date: 2026-12-19 10:00:00

Every first answer of a day added to one delivery-counter row, and every answer of a score to
one score-counter row; the row lock each took until commit made clicks on PostgreSQL queue
behind each other. Both tables gain `shard` in their primary key: a writer adds to its
connection's shard and a count is the sum of its shards (storage.counter_shards). Existing
counts become shard 0, so nothing is recounted. Downgrading sums the shards back into one row.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0033_counter_shards'
down_revision: str | None = '0032_post_rate'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = (
    ('dailyscorecount', ('team_id', 'metric', 'day', 'score'), ('answers',)),
    ('dailydeliverycount', ('team_id', 'day'), ('delivered', 'answered')),
)


def _columns(table: str, *, sharded: bool) -> list[sa.Column]:  # type: ignore[type-arg]
    """The table's columns as migration 0016 made them, with `shard` or without."""
    key = [sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False)]
    if table == 'dailyscorecount':
        key += [sa.Column('metric', sa.String(length=8), nullable=False),
                sa.Column('day', sa.Date(), nullable=False),
                sa.Column('score', sa.Integer(), nullable=False)]
        counts = [sa.Column('answers', sa.Integer(), nullable=False)]
    else:
        key += [sa.Column('day', sa.Date(), nullable=False)]
        counts = [sa.Column('delivered', sa.Integer(), nullable=False),
                  sa.Column('answered', sa.Integer(), nullable=False)]
    shard = [sa.Column('shard', sa.SmallInteger(), server_default='0', nullable=False)]
    return key + (shard if sharded else []) + counts


def _reshape(table: str, key: Sequence[str], *, sharded: bool) -> None:
    """The table with `shard` in its primary key, or without the column. PostgreSQL alters it
    in place; SQLite cannot change a primary key, so the table is rebuilt and its rows copied
    (shard 0 going up; one row per count, as downgrade leaves them, coming down)."""
    primary_key = [*key, 'shard'] if sharded else list(key)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f'ALTER TABLE {table} DROP CONSTRAINT {table}_pkey')
        if sharded:
            op.add_column(table, sa.Column('shard', sa.SmallInteger(), server_default='0',
                                           nullable=False))
        else:
            op.drop_column(table, 'shard')
        op.execute(f'ALTER TABLE {table} ADD CONSTRAINT {table}_pkey '
                   f'PRIMARY KEY ({", ".join(primary_key)})')
        return
    columns = _columns(table, sharded=sharded)
    names = ', '.join(column.name for column in columns)
    copied = names.replace('shard', '0') if sharded else names
    op.create_table(f'{table}_reshaped', *columns, sa.PrimaryKeyConstraint(*primary_key))
    op.execute(f'INSERT INTO {table}_reshaped ({names}) '  # noqa: S608 (no input)
               f'SELECT {copied} FROM {table}')
    op.drop_table(table)
    op.rename_table(f'{table}_reshaped', table)


def upgrade() -> None:
    for table, key, _ in _TABLES:
        _reshape(table, key, sharded=True)


def downgrade() -> None:
    for table, key, counts in _TABLES:
        columns = ', '.join(key)
        same_count = ' AND '.join(f'other.{k} = {table}.{k}' for k in key)
        # Each count's shards summed into its shard 0 (made where it has none), the rest dropped.
        op.execute(
            f'INSERT INTO {table} ({columns}, shard, {", ".join(counts)}) '  # noqa: S608
            f'SELECT {columns}, 0, {", ".join("0" for _ in counts)} FROM {table} '
            f'GROUP BY {columns} HAVING MIN(shard) > 0'
        )
        summed = ', '.join(f'{name} = (SELECT SUM(other.{name}) '  # noqa: S608 (no input)
                           f'FROM {table} other WHERE {same_count})' for name in counts)
        op.execute(f'UPDATE {table} SET {summed} WHERE shard = 0')  # noqa: S608 (no input)
        op.execute(f'DELETE FROM {table} WHERE shard <> 0')  # noqa: S608 (no input)
        _reshape(table, key, sharded=False)
