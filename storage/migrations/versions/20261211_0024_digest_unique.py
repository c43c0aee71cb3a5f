"""digest unique: one active subscription per workspace, channel, cadence and scope

Revision ID: 0024_digest_unique
Revises: 0023_anonymity
Create Date: 2026-12-09 10:00:00

A signed `digest subscribe` replayed within the 5 minutes its signature is accepted (or typed
twice) made a second subscription, and the channel got the digest twice. A partial unique index
over the active subscriptions now refuses the second one. The scope (a pulse, a segment, or
everything) becomes one column the index can compare, since NULLs never equal each other:
"all", "pulse:<id>", or "segment:" and a hash of the normalised segment (as
storage.digests.scope_key makes it; written out here so this migration never changes).

Existing duplicates among the active subscriptions are stopped, keeping the oldest of each
(their past posts stay). Downgrading drops the index and the column; stopped duplicates stay
stopped.
"""

import hashlib
import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0024_digest_unique'
down_revision: str | None = '0023_anonymity'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = 'uq_digestsubscription_active_scope'


def _scope_key(pulse_id: int | None, segment: Any) -> str:
    if pulse_id is not None:
        return f"pulse:{pulse_id}"
    if isinstance(segment, str):  # SQLite hands JSON back as text
        segment = json.loads(segment)
    if segment:
        pairs = sorted((str(k).strip().lower(), str(v).strip().casefold())
                       for k, v in segment.items())
        canonical = json.dumps(pairs, ensure_ascii=False, separators=(",", ":"))
        return "segment:" + hashlib.sha256(canonical.encode()).hexdigest()
    return "all"


def upgrade() -> None:
    with op.batch_alter_table('digestsubscription') as batch_op:
        batch_op.add_column(
            sa.Column('scope_key', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True)
        )
    connection = op.get_bind()
    rows = connection.execute(sa.text(
        'SELECT id, team_id, channel_id, cadence, pulse_id, segment, active '
        'FROM digestsubscription ORDER BY created_at, id'
    )).all()
    kept: set[tuple[str, str, str, str]] = set()
    for row in rows:
        key = _scope_key(row.pulse_id, row.segment)
        scope = (row.team_id, row.channel_id, row.cadence, key)
        # Oldest first: the first active one of each scope stays, later ones are stopped.
        duplicate = bool(row.active) and scope in kept
        if row.active:
            kept.add(scope)
        connection.execute(
            sa.text('UPDATE digestsubscription SET scope_key = :key, active = :active '
                    'WHERE id = :id'),
            {'key': key, 'active': bool(row.active) and not duplicate, 'id': row.id},
        )
    with op.batch_alter_table('digestsubscription') as batch_op:
        batch_op.alter_column('scope_key', nullable=False,
                              existing_type=sqlmodel.sql.sqltypes.AutoString(length=80))
    op.create_index(INDEX, 'digestsubscription',
                    ['team_id', 'channel_id', 'cadence', 'scope_key'], unique=True,
                    sqlite_where=sa.text('active'), postgresql_where=sa.text('active'))


def downgrade() -> None:
    op.drop_index(INDEX, table_name='digestsubscription')
    with op.batch_alter_table('digestsubscription') as batch_op:
        batch_op.drop_column('scope_key')
