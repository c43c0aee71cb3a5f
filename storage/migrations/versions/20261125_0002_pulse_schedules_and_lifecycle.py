"""pulse schedules and lifecycle

Revision ID: 0002_pulse_lifecycle
Revises: 0001_initial
Create Date: 2026-11-25 02:09:35.618383
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = '0002_pulse_lifecycle'
down_revision: str | None = '0001_initial'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Server defaults fill the new NOT NULL columns of rows that already exist.
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminder', sa.String(length=16), nullable=False, server_default='none'))
        batch_op.add_column(sa.Column('reminded_at', storage.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('closed_shown_at', storage.types.UTCDateTime(), nullable=True))

    with op.batch_alter_table('pulse', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=16), nullable=False, server_default='active'))
        batch_op.add_column(sa.Column('schedule', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True))
        batch_op.add_column(sa.Column('timezone', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False, server_default='UTC'))
        batch_op.add_column(sa.Column('min_interval_days', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('remind_after_hours', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('close_after_days', sa.Integer(), nullable=False, server_default='7'))

    with op.batch_alter_table('wave', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closes_at', storage.types.UTCDateTime(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('wave', schema=None) as batch_op:
        batch_op.drop_column('closes_at')

    with op.batch_alter_table('pulse', schema=None) as batch_op:
        batch_op.drop_column('close_after_days')
        batch_op.drop_column('remind_after_hours')
        batch_op.drop_column('min_interval_days')
        batch_op.drop_column('timezone')
        batch_op.drop_column('schedule')
        batch_op.drop_column('status')

    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_column('closed_shown_at')
        batch_op.drop_column('reminded_at')
        batch_op.drop_column('reminder')

