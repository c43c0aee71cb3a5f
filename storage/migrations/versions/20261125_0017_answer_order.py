"""answer order: each linked answer's respondent, place and previous score

Revision ID: 0017_answer_order
Revises: 0016_rollups
Create Date: 2026-11-25 09:40:00

The engagement map ranked every answer of three periods per customer at read time (a join to
the delivery, a window function and a sort): seconds at a million answers. Each answer now
carries its respondent (copied from its delivery; none for anonymous answers), its place among
that respondent's answers of its metric and the score before it (storage.answer_order), so the
map is one GROUP BY over an index. Existing answers are linked and numbered once here.

The report index swaps the delivery and id (the old map's columns) for the respondent, which
the segment breakdown groups by, and the order, which the map reads on PostgreSQL.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0017_answer_order'
down_revision: str | None = '0016_rollups'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('respondent_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('respondent_seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('previous_score', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_response_respondent_id_respondent', 'respondent',
                                    ['respondent_id'], ['id'])
    op.execute(
        'UPDATE response SET respondent_id = '
        '(SELECT delivery.respondent_id FROM delivery WHERE delivery.id = response.delivery_id) '
        'WHERE delivery_id IS NOT NULL'
    )
    op.execute(
        'UPDATE response SET respondent_seq = ordered.place, previous_score = ordered.before '
        'FROM (SELECT id, ROW_NUMBER() OVER w AS place, LAG(score) OVER w AS before '
        'FROM response WHERE respondent_id IS NOT NULL '
        'WINDOW w AS (PARTITION BY respondent_id, metric ORDER BY answered_at, id)) AS ordered '
        'WHERE ordered.id = response.id'
    )
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_index('ix_response_report')
        batch_op.create_index('ix_response_report', ['team_id', 'metric', 'answered_at', 'score',
                                                      'respondent_id', 'respondent_seq',
                                                      'previous_score'], unique=False)
        batch_op.create_index('ix_response_customer', ['respondent_id', 'answered_at', 'metric',
                                                        'respondent_seq', 'score',
                                                        'previous_score'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_index('ix_response_customer')
        batch_op.drop_index('ix_response_report')
        batch_op.create_index('ix_response_report', ['team_id', 'metric', 'answered_at', 'score',
                                                      'delivery_id', 'id'], unique=False)
        batch_op.drop_constraint('fk_response_respondent_id_respondent', type_='foreignkey')
        batch_op.drop_column('previous_score')
        batch_op.drop_column('respondent_seq')
        batch_op.drop_column('respondent_id')
