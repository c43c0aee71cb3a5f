"""audiences

Revision ID: 0004_audiences
Revises: 0003_delivery_claims
Create Date: 2026-11-25 02:31:10.433415
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = '0004_audiences'
down_revision: str | None = '0003_delivery_claims'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('pulse', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audience_channel', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch_op.add_column(sa.Column('audience_segment', sa.JSON(), nullable=True))

    with op.batch_alter_table('respondent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('imported_at', storage.types.UTCDateTime(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('respondent', schema=None) as batch_op:
        batch_op.drop_column('imported_at')

    with op.batch_alter_table('pulse', schema=None) as batch_op:
        batch_op.drop_column('audience_segment')
        batch_op.drop_column('audience_channel')

