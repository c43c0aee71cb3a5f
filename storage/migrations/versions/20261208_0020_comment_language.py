"""comment language: which language a comment is in, so other languages are stored unscored

Revision ID: 0020_comment_language
Revises: 0019_report_snapshots
Create Date: 2026-12-08 10:00:00

The sentiment scorer reads English. A comment in another language is now stored with
sentiment_label 'unscored', no polarity, and its language here (ISO 639-1), and the comment and
themes views say how many were not scored instead of counting them as neutral. Comments stored
before this keep a NULL language: they were scored as English.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0020_comment_language'
down_revision: str | None = '0019_report_snapshots'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('response') as batch_op:
        batch_op.add_column(
            sa.Column('comment_language', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table('response') as batch_op:
        batch_op.drop_column('comment_language')
