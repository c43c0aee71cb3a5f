"""benchmarks and targets: workspace settings, admins' own benchmarks, targets

Revision ID: 0015_benchmarks_targets
Revises: 0014_data_requests
Create Date: 2026-11-25 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = '0015_benchmarks_targets'
down_revision: str | None = '0014_data_requests'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('workspacesetting',
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('industry', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('updated_at', storage.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['workspace.team_id'], ),
    sa.PrimaryKeyConstraint('team_id')
    )
    op.create_table('custombenchmark',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('metric', sa.String(length=8), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('added_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('added_at', storage.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint('value BETWEEN -100 AND 100', name='ck_custombenchmark_value_range'),
    sa.ForeignKeyConstraint(['team_id'], ['workspace.team_id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'metric', 'name', name='uq_custombenchmark_team_metric_name')
    )
    with op.batch_alter_table('custombenchmark', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_custombenchmark_team_id'), ['team_id'], unique=False)
    op.create_table('target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('metric', sa.String(length=8), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('set_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('set_at', storage.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint('value BETWEEN -100 AND 100', name='ck_target_value_range'),
    sa.ForeignKeyConstraint(['team_id'], ['workspace.team_id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'metric', name='uq_target_team_metric')
    )


def downgrade() -> None:
    op.drop_table('target')
    with op.batch_alter_table('custombenchmark', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_custombenchmark_team_id'))
    op.drop_table('custombenchmark')
    op.drop_table('workspacesetting')
