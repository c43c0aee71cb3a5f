"""access: each workspace's staff group, alert channel and admins of its own

Revision ID: 0025_access
Revises: 0024_digest_unique
Create Date: 2026-12-10 10:00:00

Staff, admins and the alert channel were settings of the whole deployment (STAFF was anyone
never surveyed; ADMIN_USER_IDS and ALERT_CHANNEL_ID counted in every workspace). Each workspace
now chooses its own: the user group whose members are staff, the channel its alerts go to, and
people its Slack admins make admins of the bot. Existing workspaces start with none chosen, which
means the environment's single-workspace values (with SLACK_BOT_TOKEN) or nothing (OAuth), so
no row needs migrating.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = '0025_access'
down_revision: str | None = '0024_digest_unique'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('workspacesetting') as batch_op:
        batch_op.add_column(sa.Column('staff_usergroup_id',
                                      sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch_op.add_column(sa.Column('alert_channel_id',
                                      sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
    op.create_table('workspaceadmin',
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('added_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('added_at', storage.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['workspace.team_id'], ),
    sa.PrimaryKeyConstraint('team_id', 'user_id')
    )


def downgrade() -> None:
    op.drop_table('workspaceadmin')
    with op.batch_alter_table('workspacesetting') as batch_op:
        batch_op.drop_column('alert_channel_id')
        batch_op.drop_column('staff_usergroup_id')
