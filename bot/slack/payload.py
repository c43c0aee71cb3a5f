"""Reading what Slack sent, which a garbled or forged payload may not hold in Slack's shapes."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Respond

logger = logging.getLogger(__name__)


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def who_clicked(body: dict[str, Any]) -> tuple[str, str]:
    """(team id, user id) of whoever acted; empty strings when the payload names nobody."""
    user, team = _object(body.get("user")), _object(body.get("team"))
    return str(team.get("id") or user.get("team_id") or ""), str(user.get("id") or "")


def actor_team(body: dict[str, Any]) -> str | None:
    """The team the person who acted belongs to, as the payload says: in a Slack Connect
    channel, their own organisation's rather than the workspace's."""
    team = _object(body.get("user")).get("team_id")
    return team if isinstance(team, str) and team else None


def tell_privately(respond: Respond, body: dict[str, Any], text: str) -> None:
    """An ephemeral answer to whoever clicked.

    Slack gives every click on a message a response_url; a click without one (App Home, or a
    payload Slack did not send) cannot be answered there, so the refusal is only logged.
    """
    if body.get("response_url"):
        respond(text=text, response_type="ephemeral", replace_original=False)
    else:
        logger.info("refusal not shown, the click came without a response_url: %s", text)
