"""senders and token refusals: claims that name a live sender, tokens Slack refused

Revision ID: 0030_senders
Revises: 0029_drift_alerts
Create Date: 2026-12-13 10:00:00

A delivery being sent now names its sender (`claimed_by`, a row of `sender` that the process
beats every few seconds) and says when the sender began to post it (`post_started_at`), so a
sender that stops is noticed in seconds: what it never tried is free again at once, and only
what it may have posted is checked against Slack. Rows claimed before this revision name no
sender; the lease (DELIVERY_LEASE_SECONDS) settles them as before, so replicas of the previous
version may run beside new ones during a rolling upgrade.

`tokenrefusal` holds bot tokens Slack refused, so a workspace whose token was revoked stops
sending at once; `tokenrefreshclaim` lets one replica at a time refresh a rotating token.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = '0030_senders'
down_revision: str | None = '0029_drift_alerts'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('sender',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('host', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('pid', sa.Integer(), nullable=False),
    sa.Column('machine', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
    sa.Column('process_start', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('started_at', storage.types.UTCDateTime(), nullable=False),
    sa.Column('beat_at', storage.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('tokenrefusal',
    sa.Column('token_fingerprint', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('refused_at', storage.types.UTCDateTime(), nullable=False),
    sa.Column('checked_at', storage.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('token_fingerprint')
    )
    op.create_table('tokenrefreshclaim',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('holder', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('expires_at', storage.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    with op.batch_alter_table('delivery') as batch_op:
        batch_op.add_column(sa.Column('claimed_by', sqlmodel.sql.sqltypes.AutoString(length=32),
                                      nullable=True))
        batch_op.add_column(sa.Column('post_started_at', storage.types.UTCDateTime(),
                                      nullable=True))


def downgrade() -> None:
    # In place (SQLite 3.35+ drops a column itself): copying the table would drop `delivery`,
    # which the answers' and follow-ups' foreign keys forbid once it holds rows.
    with op.batch_alter_table('delivery', recreate='never') as batch_op:
        batch_op.drop_column('post_started_at')
        batch_op.drop_column('claimed_by')
    op.drop_table('tokenrefreshclaim')
    op.drop_table('tokenrefusal')
    op.drop_table('sender')
