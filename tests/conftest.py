"""Fixtures: one engine fixture over SQLite and PostgreSQL, the Slack sandbox, a running bot."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import Engine, text

from bot.app.server import EVENTS_PATH, create_asgi_app, serve_in_background
from bot.app.wiring import create_app
from bot.core.config import Settings, load_settings
from bot.core.services import Services
from bot.sandbox.client import SignedSlackClient
from bot.sandbox.slack_api import SlackSandbox
from bot.slack.client import create_web_client
from storage.engine import create_db_engine
from storage.migrate import upgrade

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


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a private PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'bot.db'}"
        return
    request.getfixturevalue("postgres_available")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_db_engine(POSTGRES_URL, pool_size=1, max_overflow=0)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_db_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


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
def bot_url(services: Services) -> Iterator[str]:
    """The bot serving HTTP on a free port, dispatching to the sandbox's Web API."""
    app = create_app(services, create_web_client(services.settings))
    with serve_in_background(create_asgi_app(app, services.engine)) as base_url:
        yield base_url


@pytest.fixture
def slack(bot_url: str, sandbox: SlackSandbox) -> SignedSlackClient:
    return SignedSlackClient(
        bot_url=bot_url + EVENTS_PATH, signing_secret=SIGNING_SECRET, sandbox=sandbox
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
