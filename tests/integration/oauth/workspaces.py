"""Two workspaces known to the sandbox, and the bot in OAuth mode (fixtures in conftest.py)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient

from bot.core.services import Services
from bot.pulses.definition import define_pulse, validate_policy
from bot.sandbox.client import SignedSlackClient
from bot.slack.client import create_web_client
from bot.workspaces.installations import client_for
from storage.models import Metric

CLIENT_ID = "1234567890.0987654321"
CLIENT_SECRET = "sandbox-oauth-client-secret"
HOME_OPENED = {"type": "app_home_opened", "tab": "home", "channel": "D0HOME"}


@dataclass(frozen=True)
class Team:
    team_id: str
    staff: str  # an admin, and the one who installs the app
    customers: tuple[str, ...]
    channel: str  # where the team's digest goes


ALPHA = Team("T0ALPHA", "U0ALSTAFF", tuple(f"U0AL{n}" for n in range(1, 6)), "C0ALPHA")
BRAVO = Team("T0BRAVO", "U0BRSTAFF", tuple(f"U0BR{n}" for n in range(1, 6)), "C0BRAVO")
TEAMS = (ALPHA, BRAVO)


@dataclass(frozen=True)
class OAuthBot:
    services: Services
    slack: dict[str, SignedSlackClient]  # by team id: requests from that workspace

    @property
    def base_client(self) -> WebClient:
        """The token-less client the app and the worker start from."""
        return create_web_client(self.services.settings)

    def client(self, team: Team) -> WebClient:
        client = client_for(self.services, self.base_client, team.team_id)
        assert client is not None, f"{team.team_id} is not installed"
        return client

    def define_pulse(self, team: Team, name: str, **policy: Any) -> int:
        """A pulse to the team's customers, checked with Slack through its own token."""
        return define_pulse(self.services, self.client(team), name=name, metric=Metric.NPS,
                            user_ids=list(team.customers),
                            policy=validate_policy(metric=Metric.NPS, **policy))


def wait_until(condition: Callable[[], bool], *, timeout: float = 10.0) -> None:
    """Bolt runs event listeners after acknowledging Slack's request: wait for the effect."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"not so after {timeout}s")
        time.sleep(0.02)
