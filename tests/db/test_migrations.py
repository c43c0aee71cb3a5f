"""Migrations run up, down and up again on both databases, and match the models exactly."""

from __future__ import annotations

from datetime import datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select
from sqlmodel import SQLModel

from storage.engine import create_db_engine
from storage.migrate import (
    SchemaOutOfDate,
    current_revision,
    downgrade,
    ensure_current,
    head_revision,
    include_name,
    upgrade,
)
from storage.oauth_tables import bots

TABLES = {"workspace", "respondent", "pulse", "wave", "delivery", "response", "processedevent",
          "slack_installations", "slack_bots", "slack_oauth_states",
          "follow_up", "digestsubscription", "digestpost", "datarequest",
          "surveysuppression", "workspacesetting", "custombenchmark", "target"}


def test_upgrade_downgrade_upgrade(database_url: str) -> None:
    engine = create_db_engine(database_url)
    try:
        upgrade(engine)
        assert set(inspect(engine).get_table_names()) >= TABLES
        downgrade(engine, "base")
        assert not TABLES & set(inspect(engine).get_table_names())
        assert current_revision(engine) is None
        upgrade(engine)
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_the_migrations_match_the_models(database_url: str) -> None:
    engine = create_db_engine(database_url)
    try:
        upgrade(engine)
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_name": include_name}
            )
            differences = compare_metadata(context, SQLModel.metadata)
        assert differences == []
    finally:
        engine.dispose()


def test_serving_refuses_an_out_of_date_schema(database_url: str) -> None:
    engine = create_db_engine(database_url)
    try:
        with pytest.raises(SchemaOutOfDate, match="python -m bot db upgrade"):
            ensure_current(engine)
        upgrade(engine)
        ensure_current(engine)
    finally:
        engine.dispose()


def test_the_token_columns_widen_for_encrypted_tokens_and_keep_stored_ones(
    database_url: str,
) -> None:
    """0022: tokens stored before it stay as they were (encrypted at the bot's next start), and
    an encrypted token longer than VARCHAR(200) fits."""
    engine = create_db_engine(database_url)
    row = {"client_id": "1.2", "app_id": "A1", "team_id": "T1", "bot_id": "B1",
           "bot_user_id": "U1", "bot_scopes": "chat:write", "is_enterprise_install": False,
           "installed_at": datetime(2026, 12, 1, 9, 0)}
    try:
        upgrade(engine, "0020_comment_language")
        with engine.begin() as connection:
            connection.execute(bots.insert().values({**row, "bot_token": "xoxb-plain-1"}))
        upgrade(engine)
        long_token = "g" * 356  # the Fernet token of a 200-character Slack token
        with engine.begin() as connection:
            connection.execute(
                bots.insert().values({**row, "team_id": "T2", "bot_token": long_token}))
            stored = connection.execute(
                select(bots.c.team_id, bots.c.bot_token).order_by(bots.c.team_id)).all()
        assert [tuple(r) for r in stored] == [("T1", "xoxb-plain-1"), ("T2", long_token)]
    finally:
        engine.dispose()
