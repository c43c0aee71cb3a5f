"""rollups: answers per team, metric, day and score

Revision ID: 0016_rollups
Revises: 0015_benchmarks_targets
Create Date: 2026-11-25 06:40:00

The reports read whole days from this table and only the partial first and last day from
`response`, so their cost no longer grows with the history. Existing answers are counted in
once here; from then on every answer updates its day in the same transaction.

The report index also carries the delivery and id, so the engagement map reads each answer's
customer and order from the index alone; comments get an index for "newest first", and
response rates one that counts a period's deliveries per wave from the index alone.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0016_rollups'
down_revision: str | None = '0015_benchmarks_targets'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_index('ix_response_report')
        batch_op.create_index('ix_response_report', ['team_id', 'metric', 'answered_at', 'score',
                                                      'delivery_id', 'id'], unique=False)
        batch_op.create_index('ix_response_comments', ['team_id', 'commented_at'], unique=False)
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.create_index('ix_delivery_report', ['wave_id', 'status', 'sent_at', 'answered_at'],
                              unique=False)
    op.create_table(
        'dailyscorecount',
        sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('metric', sa.String(length=8), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('score', sa.Integer(), nullable=False),
        sa.Column('answers', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('team_id', 'metric', 'day', 'score'),
    )
    # answered_at holds naive UTC on both backends, so its date is the UTC day.
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            'INSERT INTO dailyscorecount (team_id, metric, day, score, answers) '
            'SELECT team_id, metric, CAST(answered_at AS DATE), score, COUNT(*) FROM response '
            'GROUP BY team_id, metric, CAST(answered_at AS DATE), score'
        )
    else:
        op.execute(
            'INSERT INTO dailyscorecount (team_id, metric, day, score, answers) '
            'SELECT team_id, metric, date(answered_at), score, COUNT(*) FROM response '
            'GROUP BY team_id, metric, date(answered_at), score'
        )


    op.create_table(
        'dailydeliverycount',
        sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('delivered', sa.Integer(), nullable=False),
        sa.Column('answered', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('team_id', 'day'),
    )
    sent_day = ('CAST(delivery.sent_at AS DATE)' if op.get_bind().dialect.name == 'postgresql'
                else 'date(delivery.sent_at)')
    op.execute(
        'INSERT INTO dailydeliverycount (team_id, day, delivered, answered) '  # noqa: S608 (no input)
        f'SELECT pulse.team_id, {sent_day}, COUNT(*), COUNT(delivery.answered_at) '
        'FROM delivery JOIN wave ON wave.id = delivery.wave_id '
        'JOIN pulse ON pulse.id = wave.pulse_id '
        "WHERE delivery.status = 'sent' AND delivery.sent_at IS NOT NULL "
        # A channel post has no response rate (see storage.delivery_rollup).
        'AND pulse.post_channel IS NULL '
        f'GROUP BY pulse.team_id, {sent_day}'
    )


def downgrade() -> None:
    op.drop_table('dailydeliverycount')
    op.drop_table('dailyscorecount')
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_index('ix_delivery_report')
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_index('ix_response_comments')
        batch_op.drop_index('ix_response_report')
        batch_op.create_index('ix_response_report', ['team_id', 'metric', 'answered_at', 'score'],
                              unique=False)
