"""post rate: one chat.postMessage rate per workspace, shared by every replica

Revision ID: 0032_post_rate
Revises: 0031_followup_response
Create Date: 2026-12-18 10:00:00

`postrate` holds, per workspace, when its next send slot begins. Each sender takes a few slots
at a time in one short transaction, so any number of replicas together post at SLACK_POST_RATE;
a Retry-After from Slack moves the next slot past the pause for all of them. A replica of the
previous version beside new ones paces itself alone, as before.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0032_post_rate'
down_revision: str | None = '0031_followup_response'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('postrate',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('next_slot', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )


def downgrade() -> None:
    op.drop_table('postrate')
