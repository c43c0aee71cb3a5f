"""follow-up response: each follow-up names the answer it was raised on

Revision ID: 0031_followup_response
Revises: 0030_senders
Create Date: 2026-12-18 10:00:00

Follow-ups were found from answers only through their delivery, so an imported answer (which
has no delivery) could never count as followed up. `follow_up.response_id` names the answer the
follow-up was raised on, one follow-up per answer at most. Existing rows get their delivery's
answer of the follow-up's metric; a row whose delivery or answer is gone keeps NULL.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0031_followup_response'
down_revision: str | None = '0030_senders'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FILL = sa.text(
    "UPDATE follow_up SET response_id = ("
    " SELECT response.id FROM response"
    " WHERE response.delivery_id = follow_up.delivery_id"
    " AND response.metric = follow_up.metric)"
    " WHERE follow_up.delivery_id IS NOT NULL"
)


def upgrade() -> None:
    with op.batch_alter_table('follow_up') as batch_op:
        batch_op.add_column(sa.Column('response_id', sa.Integer(), nullable=True))
    op.execute(_FILL)
    with op.batch_alter_table('follow_up') as batch_op:
        batch_op.create_unique_constraint('uq_follow_up_response', ['response_id'])
        batch_op.create_foreign_key('fk_follow_up_response', 'response', ['response_id'],
                                    ['id'])


def downgrade() -> None:
    with op.batch_alter_table('follow_up') as batch_op:
        batch_op.drop_constraint('fk_follow_up_response', type_='foreignkey')
        batch_op.drop_constraint('uq_follow_up_response', type_='unique')
        batch_op.drop_column('response_id')
