"""local send time

Revision ID: 0006_local_send_time
Revises: 0005_anonymous_pulses
Create Date: 2026-11-25 02:50:29.355593
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0006_local_send_time'
down_revision: str | None = '0005_anonymous_pulses'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('pulse', schema=None) as batch_op:
        batch_op.add_column(sa.Column('local_time', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('pulse', schema=None) as batch_op:
        batch_op.drop_column('local_time')

