"""Migrations run up, down and up again on both databases, and match the models exactly."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy import select as core_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, select

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
from storage.models import Delivery
from storage.oauth_tables import bots

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
                core_select(bots.c.team_id, bots.c.bot_token).order_by(bots.c.team_id)).all()
        assert [tuple(r) for r in stored] == [("T1", "xoxb-plain-1"), ("T2", long_token)]
    finally:
        engine.dispose()


def test_anonymous_deliveries_lose_the_day_of_their_answer(database_url: str) -> None:
    """0023: an anonymous pulse's answered deliveries, and the deliveries made by clicks on an
    anonymous channel post, all carry their wave's day instead of the answer's."""
    engine = create_db_engine(database_url)
    try:
        upgrade(engine, "0020_comment_language")
        with engine.begin() as connection:
            for statement in (
                "INSERT INTO workspace (team_id, name, created_at) "
                "VALUES ('T1', 't', '2026-11-01 00:00:00')",
                "INSERT INTO respondent (id, team_id, user_id, attributes, opted_out, "
                "deactivated, created_at) VALUES "
                "(1, 'T1', 'U1', '{}', false, false, '2026-11-01 00:00:00'), "
                "(2, 'T1', 'U2', '{}', false, false, '2026-11-01 00:00:00'), "
                "(3, 'T1', 'C1', '{}', false, false, '2026-11-01 00:00:00')",
                "INSERT INTO pulse (id, team_id, name, metric, question, follow_up, audience, "
                "post_channel, status, timezone, min_interval_days, anonymous, close_after_days, "
                "created_at) VALUES "
                "(1, 'T1', 'anon', 'nps', 'q', 'f', '[]', NULL, 'active', 'UTC', 0, true, 7, "
                "'2026-11-01 00:00:00'), "
                "(2, 'T1', 'named', 'nps', 'q', 'f', '[]', NULL, 'active', 'UTC', 0, false, 7, "
                "'2026-11-01 00:00:00'), "
                "(3, 'T1', 'post', 'nps', 'q', 'f', '[]', 'C1', 'active', 'UTC', 0, true, 7, "
                "'2026-11-01 00:00:00')",
                "INSERT INTO wave (id, pulse_id, scheduled_for, created_at) VALUES "
                "(1, 1, '2026-11-02 09:00:00', '2026-11-02 09:00:00'), "
                "(2, 2, '2026-11-02 09:00:00', '2026-11-02 09:00:00'), "
                "(3, 3, '2026-11-02 09:00:00', '2026-11-02 09:00:00')",
                "INSERT INTO delivery (id, wave_id, respondent_id, status, attempts, "
                "next_attempt_at, sent_at, answered_at, reminder, post_delivery_id) VALUES "
                "(1, 1, 1, 'sent', 1, '2026-11-02 09:00:00', '2026-11-02 09:00:01', "
                "'2026-11-04 00:00:00', 'none', NULL), "
                "(2, 1, 2, 'sent', 1, '2026-11-02 09:00:00', '2026-11-02 09:00:01', NULL, "
                "'none', NULL), "
                "(3, 2, 1, 'sent', 1, '2026-11-02 09:00:00', '2026-11-02 09:00:01', "
                "'2026-11-03 10:11:12', 'none', NULL), "
                "(4, 3, 3, 'sent', 1, '2026-11-02 09:00:00', '2026-11-02 09:00:01', NULL, "
                "'none', NULL), "
                "(5, 3, 1, 'sent', 0, '2026-11-05 14:15:16', '2026-11-05 14:15:16', "
                "'2026-11-05 00:00:00', 'none', 4)",
            ):
                connection.execute(text(statement))

        upgrade(engine)

        with Session(engine) as session:
            rows = session.exec(
                select(Delivery.id, Delivery.next_attempt_at, Delivery.sent_at,
                       Delivery.answered_at).order_by(col(Delivery.id))
            ).all()
        day, nine = datetime(2026, 11, 2, tzinfo=UTC), datetime(2026, 11, 2, 9, tzinfo=UTC)
        sent = datetime(2026, 11, 2, 9, 0, 1, tzinfo=UTC)
        assert [tuple(row) for row in rows] == [
            (1, nine, sent, day),
            (2, nine, sent, None),
            (3, nine, sent, datetime(2026, 11, 3, 10, 11, 12, tzinfo=UTC)),  # not anonymous
            (4, nine, sent, None),  # the post itself
            (5, day, day, day),  # made by a click on the anonymous post
        ]
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
