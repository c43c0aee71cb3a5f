"""tokens: the Slack token columns become TEXT, to hold them encrypted

Revision ID: 0022_tokens
Revises: 0020_comment_language
Create Date: 2026-12-10 09:00:00

OAuth installs keep each workspace's bot and refresh tokens encrypted with Fernet
(TOKEN_ENCRYPTION_KEYS). A Fernet token is longer than slack-sdk's VARCHAR(200) allows for a
long Slack token, so the four token columns of slack_installations and the two of slack_bots
become TEXT. The values are not touched here: the key is the application's setting, not the
migration's. The installation store reads a value that is not a Fernet token as the plain token
it is, and `python -m bot run` (or `python -m bot db encrypt-tokens`) encrypts every stored
plain token at start-up, so rows stored before this revision are encrypted at the first start.

Downgrade: the columns become VARCHAR(200) again. Versions before this one cannot read
encrypted tokens, so after going back each workspace must install the app again; on PostgreSQL
an encrypted token longer than 200 characters stops the downgrade until its row is deleted.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0022_tokens'
down_revision: str | None = '0020_comment_language'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TOKEN_COLUMNS = {
    'slack_installations': ('bot_token', 'bot_refresh_token', 'user_token', 'user_refresh_token'),
    'slack_bots': ('bot_token', 'bot_refresh_token'),
}


def _set_type(old: sa.types.TypeEngine[str], new: sa.types.TypeEngine[str]) -> None:
    for table, columns in TOKEN_COLUMNS.items():
        with op.batch_alter_table(table) as batch_op:
            for column in columns:
                batch_op.alter_column(column, existing_type=old, type_=new,
                                      existing_nullable=True)


def upgrade() -> None:
    _set_type(sa.String(length=200), sa.Text())


def downgrade() -> None:
    _set_type(sa.Text(), sa.String(length=200))
