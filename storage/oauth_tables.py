"""slack-sdk's OAuth tables (installations, bots, install states), declared on our metadata.

The stores build these tables themselves and would create them with create_tables() at run
time; declared here instead, Alembic migrates them with ours (revisions 0018 and 0022), and
tests/db/test_migrations.py fails if a slack-sdk upgrade changes their shape without a new
revision.

One change from slack-sdk's shape: the token columns are TEXT, not VARCHAR(200), because they
hold the tokens encrypted (a Fernet token of a 200-character Slack token is 356 characters).
"""

from __future__ import annotations

import sqlalchemy as sa
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlmodel import SQLModel

INSTALLATIONS_TABLE = SQLAlchemyInstallationStore.default_installations_table_name
BOTS_TABLE = SQLAlchemyInstallationStore.default_bots_table_name
STATES_TABLE = SQLAlchemyOAuthStateStore.default_table_name

# The columns that hold a Slack token, in each table.
INSTALLATION_TOKEN_COLUMNS = ("bot_token", "bot_refresh_token", "user_token",
                              "user_refresh_token")
BOT_TOKEN_COLUMNS = ("bot_token", "bot_refresh_token")


def set_token_type(table: sa.Table, columns: tuple[str, ...], type_: sa.types.TypeEngine[str],
                   ) -> sa.Table:
    """`table` with its token columns of `type_`; called right after the table is built, before
    any statement uses it."""
    for name in columns:
        table.c[name].type = type_
    return table


installations = set_token_type(
    SQLAlchemyInstallationStore.build_installations_table(SQLModel.metadata, INSTALLATIONS_TABLE),
    INSTALLATION_TOKEN_COLUMNS, sa.Text(),
)
bots = set_token_type(
    SQLAlchemyInstallationStore.build_bots_table(SQLModel.metadata, BOTS_TABLE),
    BOT_TOKEN_COLUMNS, sa.Text(),
)
oauth_states = SQLAlchemyOAuthStateStore.build_oauth_states_table(SQLModel.metadata, STATES_TABLE)
