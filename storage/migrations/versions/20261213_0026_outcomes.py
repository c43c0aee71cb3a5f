"""outcomes: imported answers, what customers did, and the workspace's currency

Revision ID: 0026_outcomes
Revises: 0025_access
Create Date: 2026-12-13 10:00:00

Teams bring their history (answers from other survey tools) and their customers' behaviour
(renewals, churn, revenue) so the bot can show movement over time and revealed loyalty. An
imported answer has no delivery or wave; its import key finds it again so a second import of the
same file adds nothing. Existing rows need no change: every new column is nullable.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = '0026_outcomes'
down_revision: str | None = '0025_access'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('response') as batch_op:
        batch_op.add_column(sa.Column('import_key', sqlmodel.sql.sqltypes.AutoString(length=64),
                                      nullable=True))
        batch_op.create_unique_constraint('uq_response_import', ['team_id', 'import_key'])
    with op.batch_alter_table('workspacesetting') as batch_op:
        batch_op.add_column(sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3),
                                      nullable=True))
    op.create_table('outcome_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('respondent_id', sa.Integer(), nullable=False),
    sa.Column('event', sa.String(length=16), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.Float(), nullable=True),
    sa.Column('imported_at', storage.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['respondent_id'], ['respondent.id'], ),
    sa.ForeignKeyConstraint(['team_id'], ['workspace.team_id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'respondent_id', 'event', 'occurred_on',
                        name='uq_outcome_event')
    )
    op.create_index('ix_outcome_event_team_day', 'outcome_event', ['team_id', 'occurred_on'],
                    unique=False)
    op.create_index(op.f('ix_outcome_event_respondent_id'), 'outcome_event', ['respondent_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_outcome_event_respondent_id'), table_name='outcome_event')
    op.drop_index('ix_outcome_event_team_day', table_name='outcome_event')
    op.drop_table('outcome_event')
    with op.batch_alter_table('workspacesetting') as batch_op:
        batch_op.drop_column('currency')
    with op.batch_alter_table('response') as batch_op:
        batch_op.drop_constraint('uq_response_import', type_='unique')
        batch_op.drop_column('import_key')
