"""plan: the next step staff chose for each place of the engagement map

Revision ID: 0028_plan
Revises: 0027_import_pulse
Create Date: 2026-12-15 10:00:00

A plan per place (at risk → follow up; engaged advocate → ask for a referral…) is chosen once
and must outlive restarts and replicas. No row means the default step, so nothing is migrated.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = '0028_plan'
down_revision: str | None = '0027_import_pulse'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('plan_step',
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('place', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('next_step', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('set_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('set_at', storage.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['workspace.team_id'], ),
    sa.PrimaryKeyConstraint('team_id', 'place')
    )


def downgrade() -> None:
    op.drop_table('plan_step')
