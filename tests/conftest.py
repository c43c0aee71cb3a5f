"""Fixtures: one engine fixture over SQLite and PostgreSQL, the Slack sandbox, a running bot."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql
from slack_bolt.adapter.socket_mode import SocketModeHandler
from sqlalchemy import URL, Engine, event, make_url, text

from bot.app import socket_mode
from bot.app.server import EVENTS_PATH, create_asgi_app, serve_in_background
from bot.app.wiring import create_app
from bot.core.config import Settings, load_settings
from bot.core.services import Services
from bot.sandbox.client import SlackClient
from bot.sandbox.slack_api import SlackSandbox
from bot.slack.client import create_web_client
from storage.engine import create_db_engine
from storage.migrate import current_revision, head_revision, upgrade
from tests.settling import SettledSlackClient, SettledSocketModeClient, SettlingExecutor

SIGNING_SECRET = "test-signing-secret-0123456789"
POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
# Staff by being in the workspace's staff user group (STAFF_USERGROUP_ID), not an admin.
STAFF = "U0STAFF"
STAFF_GROUP = "S0STAFF"
CUSTOMERS = ("U0CUST1", "U0CUST2", "U0CUST3", "U0CUST4", "U0CUST5")


def _postgres_problem() -> str | None:
    try:
        with psycopg.connect(
            POSTGRES_URL.replace("postgresql+psycopg", "postgresql"), connect_timeout=3
        ):
            return None
    except psycopg.OperationalError as exc:
        return f"PostgreSQL not reachable at {POSTGRES_URL}: {str(exc).strip()[:200]}"


@pytest.fixture(scope="session")
def postgres_available() -> None:
    problem = _postgres_problem()
    if problem is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true requires PostgreSQL: {problem}")
    pytest.skip(problem)


@pytest.fixture(scope="session")
def postgres_database(postgres_available: None) -> Iterator[str]:
    """This worker's own database on the server (xdist runs one worker per process), so
    parallel runs, and other checkouts testing on the same server, never share a schema, a
    table or the `public` schema of POSTGRES_URL's database."""
    server = make_url(POSTGRES_URL)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"{server.database}_{worker}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_libpq(server), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_libpq(server), autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def _libpq(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a private schema in the worker's database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'bot.db'}"
        return
    database: str = request.getfixturevalue("postgres_database")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_db_engine(database, pool_size=1, max_overflow=0)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{database}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def engine(request: pytest.FixtureRequest, database_url: str) -> Iterator[Engine]:
    """`database_url` at the head revision, as `upgrade` leaves it, without running the
    migrations again for each test: they ran once in this worker (see the two fixtures below)."""
    if database_url.startswith("sqlite"):
        template: Path = request.getfixturevalue("migrated_sqlite_file")
        shutil.copyfile(template, make_url(database_url).database or "")
        engine = create_db_engine(database_url)
    else:
        engine = create_db_engine(database_url)
        migration: RecordedMigration = request.getfixturevalue("migrated_postgres_statements")
        migration.replay(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def migrated_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once per worker; each test gets a copy."""
    path = tmp_path_factory.mktemp("migrated") / "head.db"
    engine = create_db_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()  # the last connection closed: its WAL is checkpointed into the file
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture(scope="session")
def migrated_postgres_statements(postgres_database: str) -> RecordedMigration:
    """The statements `upgrade` sends to an empty PostgreSQL schema, recorded once per worker."""
    schema = f"m_{uuid.uuid4().hex[:12]}"
    engine = create_db_engine(postgres_database, pool_size=1, max_overflow=0)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    migrating = create_db_engine(f"{postgres_database}?options=-csearch_path%3D{schema}")
    migration = RecordedMigration.of(migrating)
    migrating.dispose()
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()
    return migration


@dataclass(frozen=True)
class RecordedMigration:
    """`upgrade` as the statements it sent (in its one transaction), to send again verbatim:
    an empty schema gets exactly the same, in one round trip per statement."""

    statements: list[tuple[str, Any, bool]]

    @classmethod
    def of(cls, engine: Engine) -> RecordedMigration:
        statements: list[tuple[str, Any, bool]] = []

        def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any,
                   executemany: bool) -> None:
            statements.append((statement, parameters, executemany))

        event.listen(engine, "before_cursor_execute", record)
        upgrade(engine)
        event.remove(engine, "before_cursor_execute", record)
        return cls(statements)

    def replay(self, engine: Engine) -> None:
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            for statement, parameters, executemany in self.statements:
                if executemany:
                    cursor.executemany(statement, parameters)
                else:
                    cursor.execute(statement, parameters)
            connection.commit()
        finally:
            connection.close()
        assert current_revision(engine) == head_revision()


@pytest.fixture
def sandbox() -> Iterator[SlackSandbox]:
    with SlackSandbox() as sandbox:
        sandbox.add_user(STAFF, name="staff", real_name="Sam Staff")
        sandbox.add_usergroup(STAFF_GROUP, handle="cx-team", users=[STAFF])
        for number, user_id in enumerate(CUSTOMERS, start=1):
            sandbox.add_user(user_id, name=f"customer{number}", real_name=f"Customer {number}")
        yield sandbox
        # Every message, view and inline reply the bot produced in the test stayed within
        # Slack's Block Kit limits and carried a text fallback.
        assert sandbox.problems == [], sandbox.problems


@dataclass
class FakeClock:
    """Time that moves only when a test says so."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 20, 9, 0, tzinfo=UTC))


def sandbox_settings(sandbox: SlackSandbox, database_url: str, **overrides: object) -> Settings:
    """The bot on the sandbox's one workspace (a bot token), STAFF's group as its staff."""
    return load_settings(**{
        "env_file": None,
        "slack_bot_token": sandbox.bot_token,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_app_token": None,
        "slack_api_url": sandbox.api_url,
        "database_url": database_url,
        "staff_usergroup_id": STAFF_GROUP,
        # Snapshots are served only when computing took long, which on a loaded machine a tiny
        # map might: off here so no test depends on timing; test_engagement_snapshots turns
        # them on.
        "report_snapshot_minutes": 0,
        **overrides,
    })


@pytest.fixture
def settings(sandbox: SlackSandbox, database_url: str) -> Settings:
    return sandbox_settings(sandbox, database_url)


@pytest.fixture
def services(settings: Settings, engine: Engine, clock: FakeClock) -> Services:
    return Services(settings=settings, engine=engine, clock=clock)


@pytest.fixture
def listeners() -> Iterator[SettlingExecutor]:
    """The bot's listener pool: requests sent through `slack` return once it is idle."""
    executor = SettlingExecutor()
    yield executor
    executor.shutdown(wait=True)


@pytest.fixture
def bot_url(services: Services, listeners: SettlingExecutor) -> Iterator[str]:
    """The bot serving HTTP on a free port, dispatching to the sandbox's Web API."""
    app = create_app(services, create_web_client(services.settings), listener_executor=listeners)
    with serve_in_background(create_asgi_app(app, services.engine)) as base_url:
        yield base_url


# Parametrizes `transport`: the test runs with Slack reaching the bot over signed HTTP requests
# and again over Socket Mode, through the same `slack` client interface.
BOTH_TRANSPORTS = pytest.mark.parametrize("transport", ["http", "socket"])


@pytest.fixture
def transport() -> str:
    """How Slack reaches the bot: "http" unless a test parametrizes it (BOTH_TRANSPORTS)."""
    return "http"


@pytest.fixture
def socket_bot(services: Services, sandbox: SlackSandbox,
               listeners: SettlingExecutor) -> Iterator[SocketModeHandler]:
    """The bot connected to the sandbox in Socket Mode, as `run` connects with SLACK_APP_TOKEN."""
    app = create_app(services, create_web_client(services.settings), listener_executor=listeners)
    handler = socket_mode.connect(app, sandbox.app_token)
    sandbox.socket_mode.wait_for_connections(1)
    yield handler
    # The client's reader holds its socket for up to 3 s (its receive timeout), and close()
    # waits for it: Slack's end closing first wakes it at once.
    handler.client.auto_reconnect_enabled = False
    sandbox.socket_mode.drop()
    handler.close()  # type: ignore[no-untyped-call]


@pytest.fixture
def slack(request: pytest.FixtureRequest, transport: str, sandbox: SlackSandbox,
          services: Services, listeners: SettlingExecutor) -> SlackClient:
    """Slack, signing each request (or sending it as a Socket Mode envelope); each returns once
    the listeners it started have finished. (`services` is named so that pytest sees the
    database parameters of the bot fixture chosen below.)"""
    if transport == "socket":
        request.getfixturevalue("socket_bot")
        return SettledSocketModeClient(sandbox=sandbox, listeners=listeners)
    bot_url: str = request.getfixturevalue("bot_url")
    return SettledSlackClient(
        bot_url=bot_url + EVENTS_PATH, signing_secret=SIGNING_SECRET, sandbox=sandbox,
        listeners=listeners,
    )


SendPulse = Callable[..., int]


@pytest.fixture
def send_pulse(services: Services, sandbox: SlackSandbox) -> SendPulse:
    """Define a pulse for some customers and deliver one wave; returns the wave id."""
    from bot.pulses.definition import define_pulse, identify_workspace, validate_policy
    from bot.pulses.dispatch import deliver_due
    from bot.pulses.waves import manual_wave_time, open_pulse_wave
    from storage.models import Metric, PulseMetric

    def send(
        name: str = "nps-pulse",
        metric: Metric | PulseMetric = Metric.NPS,
        users: tuple[str, ...] = CUSTOMERS,
        **policy: Any,
    ) -> int:
        client = create_web_client(services.settings)
        define_pulse(services, client, name=name, metric=metric, user_ids=list(users),
                     policy=validate_policy(metric=metric, **policy))
        team = identify_workspace(client)
        wave = open_pulse_wave(
            services,
            name=name,
            team_id=team.team_id,
            scheduled_for=manual_wave_time(services.clock()),
        )
        deliver_due(services, client, wave_id=wave.wave_id)
        return wave.wave_id

    return send
