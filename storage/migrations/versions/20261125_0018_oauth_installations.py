"""oauth installations: slack-sdk's installation, bot and install-state tables

Revision ID: 0018_oauth_installations
Revises: 0017_answer_order
Create Date: 2026-11-25 09:40:00

With SLACK_CLIENT_ID set, every workspace installs the app through Bolt's OAuth flow and its
bot token is kept here by slack-sdk's SQLAlchemyInstallationStore; the state store keeps each
install's one-time `state`. The columns and indexes are the ones slack-sdk 3.x builds
(storage/oauth_tables.py declares them on our metadata, so the model comparison test checks
this revision against the library). Unused in bot-token mode, and empty there.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0018_oauth_installations'
down_revision: str | None = '0017_answer_order'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _bot_columns() -> list[sa.Column[object]]:
    return [
        sa.Column('bot_token', sa.String(length=200), nullable=True),
        sa.Column('bot_id', sa.String(length=32), nullable=True),
        sa.Column('bot_user_id', sa.String(length=32), nullable=True),
        sa.Column('bot_scopes', sa.String(length=1000), nullable=True),
        sa.Column('bot_refresh_token', sa.String(length=200), nullable=True),
        sa.Column('bot_token_expires_at', sa.DateTime(), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        'slack_installations',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('client_id', sa.String(length=32), nullable=False),
        sa.Column('app_id', sa.String(length=32), nullable=False),
        sa.Column('enterprise_id', sa.String(length=32), nullable=True),
        sa.Column('enterprise_name', sa.String(length=200), nullable=True),
        sa.Column('enterprise_url', sa.String(length=200), nullable=True),
        sa.Column('team_id', sa.String(length=32), nullable=True),
        sa.Column('team_name', sa.String(length=200), nullable=True),
        *_bot_columns(),
        sa.Column('user_id', sa.String(length=32), nullable=False),
        sa.Column('user_token', sa.String(length=200), nullable=True),
        sa.Column('user_scopes', sa.String(length=1000), nullable=True),
        sa.Column('user_refresh_token', sa.String(length=200), nullable=True),
        sa.Column('user_token_expires_at', sa.DateTime(), nullable=True),
        sa.Column('incoming_webhook_url', sa.String(length=200), nullable=True),
        sa.Column('incoming_webhook_channel', sa.String(length=200), nullable=True),
        sa.Column('incoming_webhook_channel_id', sa.String(length=200), nullable=True),
        sa.Column('incoming_webhook_configuration_url', sa.String(length=200), nullable=True),
        sa.Column('is_enterprise_install', sa.Boolean(), nullable=False),
        sa.Column('token_type', sa.String(length=32), nullable=True),
        sa.Column('installed_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('slack_installations_idx', 'slack_installations',
                    ['client_id', 'enterprise_id', 'team_id', 'user_id', 'installed_at'])
    op.create_table(
        'slack_bots',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('client_id', sa.String(length=32), nullable=False),
        sa.Column('app_id', sa.String(length=32), nullable=False),
        sa.Column('enterprise_id', sa.String(length=32), nullable=True),
        sa.Column('enterprise_name', sa.String(length=200), nullable=True),
        sa.Column('team_id', sa.String(length=32), nullable=True),
        sa.Column('team_name', sa.String(length=200), nullable=True),
        *_bot_columns(),
        sa.Column('is_enterprise_install', sa.Boolean(), nullable=False),
        sa.Column('installed_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('slack_bots_idx', 'slack_bots',
                    ['client_id', 'enterprise_id', 'team_id', 'installed_at'])
    op.create_table(
        'slack_oauth_states',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('state', sa.String(length=200), nullable=False),
        sa.Column('expire_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade() -> None:
    op.drop_table('slack_oauth_states')
    op.drop_index('slack_bots_idx', table_name='slack_bots')
    op.drop_table('slack_bots')
    op.drop_index('slack_installations_idx', table_name='slack_installations')
    op.drop_table('slack_installations')
