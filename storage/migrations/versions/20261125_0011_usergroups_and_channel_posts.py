"""user-group audiences, pulses posted in a (shared) channel, NPS and CSAT in one pulse

Revision ID: 0011_channel_posts
Revises: 0007_report_indexes
Create Date: 2026-11-25 06:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0011_channel_posts'
down_revision: str | None = '0007_report_indexes'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('pulse', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audience_usergroup', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch_op.add_column(sa.Column('post_channel', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch_op.add_column(sa.Column('csat_question', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True))
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.add_column(sa.Column('post_delivery_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_delivery_post_delivery_id_delivery', 'delivery', ['post_delivery_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_constraint('fk_delivery_post_delivery_id_delivery', type_='foreignkey')
        batch_op.drop_column('post_delivery_id')
    with op.batch_alter_table('pulse', schema=None) as batch_op:
        batch_op.drop_column('csat_question')
        batch_op.drop_column('post_channel')
        batch_op.drop_column('audience_usergroup')
