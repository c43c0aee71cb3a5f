"""Reading what Slack sent, which a garbled or forged payload may not hold in Slack's shapes."""

from __future__ import annotations

import codecs
import logging
from typing import Any
from urllib.parse import unquote_plus

from slack_bolt import Respond

logger = logging.getLogger(__name__)


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


FORM_PAYLOAD = "payload="


def form_payload_json(text: str) -> str | None:
    """The JSON of an interaction posted as a form (`payload=` and the JSON, percent-encoded),
    decoded exactly as urllib's `unquote_plus` decodes it; None for any other body.

    urllib decodes escape by escape in Python: for a click's few kilobytes of JSON, every quote,
    brace and colon percent-encoded, that was 0.17 ms, 5-8% of the bot's CPU per click. Here a
    C codec does the work whenever the text allows no other reading (ASCII, no backslash to
    misread, every escape well formed, valid UTF-8); anything else goes to urllib.
    """
    if not text.startswith(FORM_PAYLOAD) or "&" in text:
        return None
    value = text[len(FORM_PAYLOAD):]
    if value.isascii() and "\\" not in value:
        try:
            decoded = codecs.escape_decode(
                value.replace("+", " ").replace("%", "\\x"))[0].decode("utf-8")
        except (ValueError, UnicodeDecodeError):  # a malformed escape, or not UTF-8
            decoded = unquote_plus(value)
    else:
        decoded = unquote_plus(value)
    return decoded if decoded.startswith("{") else None


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
