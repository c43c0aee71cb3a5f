"""follow-ups: closing the loop on detractors and strongly negative comments

Revision ID: 0012_follow_ups
Revises: 0011_channel_posts
Create Date: 2026-11-25 06:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from storage.types import UTCDateTime

revision: str = '0012_follow_ups'
down_revision: str | None = '0011_channel_posts'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    string = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        'follow_up',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('team_id', string(length=32), nullable=False),
        sa.Column('delivery_id', sa.Integer(), nullable=True),
        sa.Column('respondent_id', sa.Integer(), nullable=True),
        sa.Column('metric', sa.String(length=8), nullable=False),
        sa.Column('raised_score', sa.Integer(), nullable=False),
        sa.Column('score', sa.Integer(), nullable=False),
        sa.Column('comment', sa.Text(), nullable=True),
        sa.Column('raised_at', UTCDateTime(), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('alert_revision', sa.Integer(), nullable=False),
        sa.Column('alert_channel_id', string(length=32), nullable=True),
        sa.Column('alert_ts', string(length=32), nullable=True),
        sa.Column('alert_claimed_at', UTCDateTime(), nullable=True),
        sa.Column('owner_user_id', string(length=32), nullable=True),
        sa.Column('previous_owner_user_id', string(length=32), nullable=True),
        sa.Column('owned_at', UTCDateTime(), nullable=True),
        sa.Column('first_response_at', UTCDateTime(), nullable=True),
        sa.Column('resolved_at', UTCDateTime(), nullable=True),
        sa.Column('resolved_by', string(length=32), nullable=True),
        sa.Column('resolution_note', sa.Text(), nullable=True),
        sa.Column('touched_at', UTCDateTime(), nullable=False),
        sa.Column('last_reminded_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['delivery_id'], ['delivery.id']),
        sa.ForeignKeyConstraint(['respondent_id'], ['respondent.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('delivery_id', name='uq_follow_up_delivery'),
    )
    op.create_index('ix_follow_up_open', 'follow_up', ['team_id', 'resolved_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_follow_up_open', table_name='follow_up')
    op.drop_table('follow_up')
