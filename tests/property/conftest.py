"""One bot per test function, shared by its hypothesis examples, with listeners it can wait on."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

pytest.register_assert_rewrite("tests.property.harness", "tests.property.markup")

from hypothesis import HealthCheck  # noqa: E402 (after the rewrite registration)
from hypothesis import settings as hypothesis_settings  # noqa: E402

from bot.app.server import EVENTS_PATH, create_asgi_app, serve_in_background  # noqa: E402
from bot.app.wiring import create_app  # noqa: E402
from bot.core.config import Settings  # noqa: E402
from bot.core.services import Services  # noqa: E402
from bot.sandbox.slack_api import SlackSandbox  # noqa: E402
from bot.slack.client import create_web_client  # noqa: E402
from tests.conftest import CUSTOMERS, SIGNING_SECRET, STAFF, sandbox_settings  # noqa: E402
from tests.property.harness import ErrorLog, HostileBot  # noqa: E402
from tests.settling import SettledSlackClient, SettlingExecutor  # noqa: E402

ADMIN = "U0ADMIN"
ALERTS = "C0ALERTS"

# Each example of an HTTP property is a signed round trip through the bot: few, and no deadline.
# The bot and database are shared by a function's examples on purpose (every example must leave
# them unchanged), hence the function-scoped fixture check is off.
over_http = hypothesis_settings(max_examples=12, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture,
                                            HealthCheck.too_slow])
# The same properties run long under `pytest -m soak`.
soak_over_http = hypothesis_settings(over_http, max_examples=300)


@pytest.fixture
def settings(sandbox: SlackSandbox, database_url: str) -> Settings:
    """Detractor alerts on, so follow-ups and their buttons exist to be attacked."""
    sandbox.add_channel(ALERTS, name="cx-alerts", members=[STAFF, sandbox.bot_user_id])
    return sandbox_settings(sandbox, database_url, alert_channel_id=ALERTS)


@pytest.fixture
def hostile(services: Services, sandbox: SlackSandbox) -> Iterator[HostileBot]:
    sandbox.add_user(ADMIN, name="admin", real_name="Ada Admin", is_admin=True)
    # Where the commands are typed, and where a digest can be subscribed.
    sandbox.add_channel("C0GENERAL", name="general", members=[STAFF, ADMIN, sandbox.bot_user_id])
    listeners = SettlingExecutor()
    errors = ErrorLog()
    # The bot's own loggers, Bolt's (named bot.slack) and the server's, where a 500 is logged.
    watched = [logging.getLogger(name) for name in ("bot", "slack_bolt", "uvicorn.error")]
    for logger in watched:
        logger.addHandler(errors)
    app = create_app(services, create_web_client(services.settings), listener_executor=listeners)
    try:
        with serve_in_background(create_asgi_app(app, services.engine)) as base_url:
            slack = SettledSlackClient(bot_url=base_url + EVENTS_PATH,
                                       signing_secret=SIGNING_SECRET, sandbox=sandbox,
                                       listeners=listeners)
            yield HostileBot(sandbox=sandbox, slack=slack, engine=services.engine,
                             listeners=listeners, errors=errors,
                             known_ids=[STAFF, ADMIN, *CUSTOMERS, sandbox.bot_user_id])
    finally:
        listeners.shutdown(wait=True)
        for logger in watched:
            logger.removeHandler(errors)
