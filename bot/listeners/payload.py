"""Reading what Slack sent, which a garbled or forged payload may not hold in Slack's shapes."""

from __future__ import annotations

from typing import Any


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def who_clicked(body: dict[str, Any]) -> tuple[str, str]:
    """(team id, user id) of whoever acted; empty strings when the payload names nobody."""
    user, team = _object(body.get("user")), _object(body.get("team"))
    return str(team.get("id") or user.get("team_id") or ""), str(user.get("id") or "")
