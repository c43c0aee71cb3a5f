"""Migrations run up, down and up again on both databases, and match the models exactly."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

from storage.digests import scope_key
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


def test_digest_unique_stops_duplicate_subscriptions_keeping_the_oldest(
    database_url: str,
) -> None:
    engine = create_db_engine(database_url)
    try:
        upgrade(engine, "0020_comment_language")
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO workspace (team_id, name, created_at) VALUES ('T1', '', :now)"),
                {"now": datetime(2026, 11, 1, tzinfo=UTC)})
            for number, (channel, cadence, segment, active) in enumerate([
                ("C1", "weekly", None, True),  # 1: the oldest of three: kept
                ("C1", "weekly", None, True),  # 2: stopped
                ("C1", "weekly", None, False),  # 3: stopped already
                ("C1", "weekly", None, True),  # 4: stopped
                ("C1", "monthly", None, True),  # 5: another cadence: kept
                ("C2", "weekly", None, True),  # 6: another channel: kept
                ("C1", "weekly", {"Plan": " Enterprise"}, True),  # 7: a segment: kept
                ("C1", "weekly", {"plan": "enterprise"}, True),  # 8: the same one: stopped
            ], start=1):
                connection.execute(text(
                    "INSERT INTO digestsubscription (id, team_id, channel_id, cadence, send_time, "
                    "timezone, segment, created_at, active) VALUES (:id, 'T1', :channel, "
                    ":cadence, '09:00', 'UTC', :segment, :created, :active)"),
                    {"id": number, "channel": channel, "cadence": cadence,
                     "segment": None if segment is None else json.dumps(segment),
                     "created": datetime(2026, 11, 1, tzinfo=UTC) + timedelta(hours=number),
                     "active": active})

        upgrade(engine)

        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT id, active, scope_key FROM digestsubscription ORDER BY id")).all()
        assert [row.id for row in rows if row.active] == [1, 5, 6, 7]
        assert [row.scope_key for row in rows][:6] == ["all"] * 6
        assert rows[6].scope_key == rows[7].scope_key == scope_key(None, {"plan": "enterprise"})
        with engine.begin() as connection, pytest.raises(IntegrityError):
            connection.execute(text("UPDATE digestsubscription SET active = :yes WHERE id = 2"),
                               {"yes": True})
    finally:
        engine.dispose()
