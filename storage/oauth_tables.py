"""slack-sdk's OAuth tables (installations, bots, install states), declared on our metadata.

The stores build these tables themselves and would create them with create_tables() at run
time; declared here instead, Alembic migrates them with ours (revision 0018), and
tests/db/test_migrations.py fails if a slack-sdk upgrade changes their shape without a new
revision.
"""

from __future__ import annotations

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlmodel import SQLModel

INSTALLATIONS_TABLE = SQLAlchemyInstallationStore.default_installations_table_name
BOTS_TABLE = SQLAlchemyInstallationStore.default_bots_table_name
STATES_TABLE = SQLAlchemyOAuthStateStore.default_table_name

installations = SQLAlchemyInstallationStore.build_installations_table(
    SQLModel.metadata, INSTALLATIONS_TABLE
)
bots = SQLAlchemyInstallationStore.build_bots_table(SQLModel.metadata, BOTS_TABLE)
oauth_states = SQLAlchemyOAuthStateStore.build_oauth_states_table(SQLModel.metadata, STATES_TABLE)
