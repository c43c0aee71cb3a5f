"""report snapshots: the engagement map and segments as last computed, for large workspaces

Revision ID: 0019_report_snapshots
Revises: 0018_oauth_installations
Create Date: 2026-12-04 14:00:00

At a million answers the engagement map and a segment breakdown cost about a second (their
work follows the customers in the period, not the stored history). The leader keeps the ones
people read recomputed here, and /engagement answers from them, saying "as of" when they are
not live; see bot/reporting/snapshots.py.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = '0019_report_snapshots'
down_revision: str | None = '0018_oauth_installations'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'reportsnapshot',
        sa.Column('team_id', sa.String(length=32), nullable=False),
        sa.Column('view', sa.String(length=16), nullable=False),
        sa.Column('key', sa.String(length=80), nullable=False),
        sa.Column('period_start', storage.types.UTCDateTime(), nullable=False),
        sa.Column('period_end', storage.types.UTCDateTime(), nullable=False),
        sa.Column('computed_at', storage.types.UTCDateTime(), nullable=False),
        sa.Column('compute_ms', sa.Float(), nullable=False),
        sa.Column('read_at', storage.types.UTCDateTime(), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('team_id', 'view', 'key'),
    )


def downgrade() -> None:
    op.drop_table('reportsnapshot')
