"""The history the playground starts on. `load_demo_history` is the one place that chooses it:
the demo's year (bot.demo), through the importers a team uses, so the page shows what
`make demo` shows."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.core.services import Services
from bot.demo.loading import load_history


def load_demo_history(services: Services, client: WebClient, *, team_id: str) -> str:
    """Fill the empty workspace `team_id` (the one `client` speaks for) with the demo's year up
    to the services' clock; returns one line that says what was loaded."""
    return load_history(services, client, team_id=team_id).summary()
