"""delivery claims

Revision ID: 0003_delivery_claims
Revises: 0002_pulse_lifecycle
Create Date: 2026-11-25 02:26:30.310488
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = '0003_delivery_claims'
down_revision: str | None = '0002_pulse_lifecycle'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_at', storage.types.UTCDateTime(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_column('claimed_at')

