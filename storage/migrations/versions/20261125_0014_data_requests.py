"""data requests: audit of forgotten people, and the survey suppression list

Revision ID: 0014_data_requests
Revises: 0013_digests
Create Date: 2026-11-25 06:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = '0014_data_requests'
down_revision: str | None = '0013_digests'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'datarequest',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('subject_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('requested_by', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column('requested_at', storage.types.UTCDateTime(), nullable=False),
        sa.Column('counts', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('datarequest', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_datarequest_team_id'), ['team_id'], unique=False)
        batch_op.create_index(
            batch_op.f('ix_datarequest_subject_hash'), ['subject_hash'], unique=False
        )

    op.create_table(
        'surveysuppression',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('subject_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('created_at', storage.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('team_id', 'subject_hash', name='uq_suppression_team_subject'),
    )


def downgrade() -> None:
    op.drop_table('surveysuppression')
    with op.batch_alter_table('datarequest', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_datarequest_subject_hash'))
        batch_op.drop_index(batch_op.f('ix_datarequest_team_id'))
    op.drop_table('datarequest')
