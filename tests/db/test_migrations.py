"""Migrations run up, down and up again on both databases, and match the models exactly."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
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

TABLES = {"workspace", "respondent", "pulse", "wave", "delivery", "response", "processedevent",
          "slack_installations", "slack_bots", "slack_oauth_states",
          "follow_up", "digestsubscription", "digestpost", "datarequest",
          "surveysuppression", "workspacesetting", "workspaceadmin", "custombenchmark", "target"}


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
