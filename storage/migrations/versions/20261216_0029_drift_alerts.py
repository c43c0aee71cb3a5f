"""drift alerts: one warning per segment, metric and period, and the switch that turns them off

Revision ID: 0029_drift_alerts
Revises: 0028_plan
Create Date: 2026-12-14 10:00:00

The leader checks every hour whether a segment's NPS or CSAT fell beyond its margin since the
period before. A warning is claimed in `drift_alert` (unique per workspace, segment, metric and
period) before it is posted, so two replicas or two checks never post it twice, and it carries
the figures that raised it. `workspacesetting.drift_alerts` is the workspace's
`/engagement set drift on|off`; NULL (not chosen) means on, so existing rows need no change.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = '0029_drift_alerts'
down_revision: str | None = '0028_plan'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('workspacesetting') as batch_op:
        batch_op.add_column(sa.Column('drift_alerts', sa.Boolean(), nullable=True))
    op.create_table('drift_alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('segment', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('metric', sa.String(length=8), nullable=False),
    sa.Column('period_start', storage.types.UTCDateTime(), nullable=False),
    sa.Column('current_start', storage.types.UTCDateTime(), nullable=False),
    sa.Column('raised_at', storage.types.UTCDateTime(), nullable=False),
    sa.Column('previous_score', sa.Float(), nullable=False),
    sa.Column('current_score', sa.Float(), nullable=False),
    sa.Column('n_previous', sa.Integer(), nullable=False),
    sa.Column('n_current', sa.Integer(), nullable=False),
    sa.Column('previous_low', sa.Float(), nullable=False),
    sa.Column('previous_high', sa.Float(), nullable=False),
    sa.Column('current_low', sa.Float(), nullable=False),
    sa.Column('current_high', sa.Float(), nullable=False),
    sa.Column('fall_low', sa.Float(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('claimed_at', storage.types.UTCDateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('channel_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('message_ts', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('posted_at', storage.types.UTCDateTime(), nullable=True),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    sa.ForeignKeyConstraint(['team_id'], ['workspace.team_id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'segment', 'metric', 'period_start',
                        name='uq_drift_alert_period')
    )
    op.create_index('ix_drift_alert_team_raised', 'drift_alert', ['team_id', 'raised_at'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_drift_alert_team_raised', table_name='drift_alert')
    op.drop_table('drift_alert')
    with op.batch_alter_table('workspacesetting') as batch_op:
        batch_op.drop_column('drift_alerts')
