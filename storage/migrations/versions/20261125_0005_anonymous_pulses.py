"""anonymous pulses

Revision ID: 0005_anonymous_pulses
Revises: 0004_audiences
Create Date: 2026-11-25 02:44:46.102288
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = '0005_anonymous_pulses'
down_revision: str | None = '0004_audiences'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answered_at', storage.types.UTCDateTime(), nullable=True))

    with op.batch_alter_table('pulse', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymous', sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymous_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column('wave_id', sa.Integer(), nullable=True))
        batch_op.alter_column('delivery_id', existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_index(batch_op.f('ix_response_wave_id'), ['wave_id'], unique=False)
        batch_op.create_unique_constraint('uq_response_anonymous_metric', ['anonymous_key', 'metric'])
        batch_op.create_foreign_key('fk_response_wave_id_wave', 'wave', ['wave_id'], ['id'])

    # Existing answers: their wave, and who has answered (for response rates and reminders).
    op.execute(
        "UPDATE response SET wave_id = "
        "(SELECT delivery.wave_id FROM delivery WHERE delivery.id = response.delivery_id)"
    )
    op.execute(
        "UPDATE delivery SET answered_at = "
        "(SELECT MIN(response.answered_at) FROM response WHERE response.delivery_id = delivery.id)"
    )


def downgrade() -> None:
    # The old schema cannot hold an answer without its delivery: anonymous answers go.
    op.execute("DELETE FROM response WHERE delivery_id IS NULL")
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_constraint('fk_response_wave_id_wave', type_='foreignkey')
        batch_op.drop_constraint('uq_response_anonymous_metric', type_='unique')
        batch_op.drop_index(batch_op.f('ix_response_wave_id'))
        batch_op.alter_column('delivery_id', existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column('wave_id')
        batch_op.drop_column('anonymous_key')

    with op.batch_alter_table('pulse', schema=None) as batch_op:
        batch_op.drop_column('anonymous')

    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_column('answered_at')
