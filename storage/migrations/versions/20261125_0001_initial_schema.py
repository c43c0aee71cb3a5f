"""initial schema

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-25 01:26:31.555945
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = '0001_initial'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('processedevent',
    sa.Column('event_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('received_at', storage.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('event_id')
    )
    op.create_table('workspace',
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('team_id')
    )
    op.create_table('pulse',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('metric', sa.String(length=8), nullable=False),
    sa.Column('question', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('follow_up', sqlmodel.sql.sqltypes.AutoString(length=150), nullable=False),
    sa.Column('audience', sa.JSON(), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['workspace.team_id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'name', name='uq_pulse_team_name')
    )
    op.create_table('respondent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('account', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    sa.Column('tz', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('attributes', sa.JSON(), nullable=False),
    sa.Column('opted_out', sa.Boolean(), nullable=False),
    sa.Column('deactivated', sa.Boolean(), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['workspace.team_id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'user_id', name='uq_respondent_team_user')
    )
    op.create_table('wave',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pulse_id', sa.Integer(), nullable=False),
    sa.Column('scheduled_for', storage.types.UTCDateTime(), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(), nullable=False),
    sa.Column('closed_at', storage.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['pulse_id'], ['pulse.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('pulse_id', 'scheduled_for', name='uq_wave_pulse_time')
    )
    with op.batch_alter_table('wave', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wave_pulse_id'), ['pulse_id'], unique=False)

    op.create_table('delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('respondent_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', storage.types.UTCDateTime(), nullable=False),
    sa.Column('channel_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('message_ts', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    sa.Column('sent_at', storage.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['respondent_id'], ['respondent.id'], ),
    sa.ForeignKeyConstraint(['wave_id'], ['wave.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('wave_id', 'respondent_id', name='uq_delivery_wave_respondent')
    )
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.create_index('ix_delivery_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_delivery_respondent_id'), ['respondent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_delivery_wave_id'), ['wave_id'], unique=False)

    op.create_table('response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('delivery_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('metric', sa.String(length=8), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('action_ts', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('answered_at', storage.types.UTCDateTime(), nullable=False),
    sa.Column('changed_at', storage.types.UTCDateTime(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('commented_at', storage.types.UTCDateTime(), nullable=True),
    sa.Column('sentiment_polarity', sa.Float(), nullable=True),
    sa.Column('sentiment_subjectivity', sa.Float(), nullable=True),
    sa.Column('sentiment_label', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.CheckConstraint('score BETWEEN 0 AND 10', name='ck_response_score_range'),
    sa.ForeignKeyConstraint(['delivery_id'], ['delivery.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('delivery_id', 'metric', name='uq_response_delivery_metric')
    )
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.create_index('ix_response_report', ['team_id', 'metric', 'answered_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_index('ix_response_report')

    op.drop_table('response')
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_wave_id'))
        batch_op.drop_index(batch_op.f('ix_delivery_respondent_id'))
        batch_op.drop_index('ix_delivery_due')

    op.drop_table('delivery')
    with op.batch_alter_table('wave', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wave_pulse_id'))

    op.drop_table('wave')
    op.drop_table('respondent')
    op.drop_table('pulse')
    op.drop_table('workspace')
    op.drop_table('processedevent')
