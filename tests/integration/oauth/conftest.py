"""Fixtures: the bot in OAuth mode, serving HTTP, with three workspaces known to the sandbox
(two stand-alone, one in an Enterprise Grid org)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from bot.app.server import EVENTS_PATH, create_asgi_app, serve_in_background
from bot.app.wiring import create_app
from bot.core.config import Settings, load_settings
from bot.core.services import Services
from bot.sandbox.slack_api import SlackSandbox
from bot.slack.client import create_web_client
from bot.workspaces.installations import REDIRECT_PATH
from tests.conftest import SIGNING_SECRET, FakeClock
from tests.integration.oauth.workspaces import (
    CLIENT_ID,
    CLIENT_SECRET,
    KNOWN_TEAMS,
    TOKEN_KEY,
    OAuthBot,
)
from tests.settling import SettledSlackClient, SettlingExecutor


@pytest.fixture
def oauth_settings(sandbox: SlackSandbox, database_url: str) -> Settings:
    return load_settings(
        env_file=None,
        slack_bot_token=None,
        slack_signing_secret=SIGNING_SECRET,
        slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET,
        token_encryption_keys=TOKEN_KEY,
        slack_app_token=None,
        slack_api_url=sandbox.api_url,
        database_url=database_url,
    )


@pytest.fixture
def oauth_bot(
    oauth_settings: Settings, engine: Engine, clock: FakeClock, sandbox: SlackSandbox,
    listeners: SettlingExecutor,
) -> Iterator[OAuthBot]:
    """The bot in OAuth mode, serving HTTP; three workspaces known to Slack, none installed."""
    services = Services(settings=oauth_settings, engine=engine, clock=clock)
    app = create_app(services, create_web_client(oauth_settings), listener_executor=listeners)
    for number, team in enumerate(KNOWN_TEAMS):
        sandbox.add_team(team.team_id, name=f"Team {team.team_id[2:]}",
                         bot_user_id=f"U0BOT{number}", installer=team.staff,
                         enterprise_id=team.enterprise_id)
        sandbox.add_user(team.staff, name=f"staff-{number}", team_id=team.team_id,
                         is_admin=True)
        for user_id in team.customers:
            sandbox.add_user(user_id, name=user_id.lower(), team_id=team.team_id)
        sandbox.add_channel(team.channel, name=f"cx-{number}", members=[team.staff])
    with serve_in_background(create_asgi_app(app, engine)) as base_url:
        sandbox.register_app(client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                             redirect_url=base_url + REDIRECT_PATH)
        yield OAuthBot(services, {
            team.team_id: SettledSlackClient(bot_url=base_url + EVENTS_PATH,
                                             signing_secret=SIGNING_SECRET, sandbox=sandbox,
                                             team_id=team.team_id, listeners=listeners)
            for team in KNOWN_TEAMS
        })
