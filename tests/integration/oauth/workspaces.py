"""Workspaces known to the sandbox, and the bot in OAuth mode (fixtures in conftest.py): two
stand-alone ones, and one in an Enterprise Grid org."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slack_sdk import WebClient

from bot.core.services import Services
from bot.pulses.definition import define_pulse, validate_policy
from bot.sandbox.client import SignedSlackClient
from bot.sandbox.slack_api import SlackSandbox
from bot.slack.client import create_web_client
from bot.workspaces.installations import client_for
from storage.models import Metric
from tests.conftest import SIGNING_SECRET

CLIENT_ID = "1234567890.0987654321"
CLIENT_SECRET = "sandbox-oauth-client-secret"
# The key stored tokens are encrypted with (a fixed test key; make real ones with
# `python -m bot db new-token-key`).
TOKEN_KEY = "dGVzdC1vbmx5LWtleS1mb3ItdG9rZW5zLTMyYnl0ZXM="
HOME_OPENED = {"type": "app_home_opened", "tab": "home", "channel": "D0HOME"}


@dataclass(frozen=True)
class Team:
    team_id: str
    staff: str  # an admin, and the one who installs the app
    customers: tuple[str, ...]
    channel: str  # where the team's digest goes
    enterprise_id: str | None = None  # its Enterprise Grid org, if any


ALPHA = Team("T0ALPHA", "U0ALSTAFF", tuple(f"U0AL{n}" for n in range(1, 6)), "C0ALPHA")
BRAVO = Team("T0BRAVO", "U0BRSTAFF", tuple(f"U0BR{n}" for n in range(1, 6)), "C0BRAVO")
TEAMS = (ALPHA, BRAVO)
# A workspace of an Enterprise Grid org, installed on its own (not org-wide).
GRID = Team("T0GRID", "U0GRSTAFF", tuple(f"U0GR{n}" for n in range(1, 6)), "C0GRID",
            enterprise_id="E0GRID")
KNOWN_TEAMS = (*TEAMS, GRID)


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


def cli_environment(sandbox: SlackSandbox, database_url: str,
                    token_keys: str | None = TOKEN_KEY) -> dict[str, str]:
    """The environment of `python -m bot` in OAuth mode (no TOKEN_ENCRYPTION_KEYS if None)."""
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("SLACK_", "DATABASE_URL", "TOKEN_ENCRYPTION_KEYS"))}
    env = clean | {"SLACK_CLIENT_ID": CLIENT_ID, "SLACK_CLIENT_SECRET": CLIENT_SECRET,
                   "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": sandbox.api_url,
                   "DATABASE_URL": database_url}
    return env if token_keys is None else env | {"TOKEN_ENCRYPTION_KEYS": token_keys}


def run_cli(sandbox: SlackSandbox, database_url: str, cwd: Path,
            *args: str, token_keys: str | None = TOKEN_KEY) -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` in OAuth mode, as an operator runs it beside the server."""
    env = cli_environment(sandbox, database_url, token_keys)
    return subprocess.run(  # noqa: S603 (our own CLI, fixed arguments)
        [sys.executable, "-m", "bot", *args], env=env, cwd=cwd, capture_output=True, text=True,
        timeout=60, check=False,
    )
