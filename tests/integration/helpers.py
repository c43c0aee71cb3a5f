"""Small readers of stored rows and sandbox state shared by the integration tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from bot import ids
from bot.sandbox.client import SignedSlackClient
from bot.sandbox.slack_api import SlackSandbox
from storage.models import Delivery, Response


def responses(engine: Engine) -> list[Response]:
    with Session(engine) as session:
        return list(session.exec(select(Response).order_by(Response.id)).all())  # type: ignore[arg-type]


def deliveries(engine: Engine) -> list[Delivery]:
    with Session(engine) as session:
        return list(session.exec(select(Delivery).order_by(Delivery.id)).all())  # type: ignore[arg-type]


def pulse_message(sandbox: SlackSandbox, user_id: str) -> dict[str, Any]:
    messages = sandbox.messages(sandbox.dm_channel(user_id))
    assert messages, f"no DM to {user_id}"
    return messages[-1]


def click_score(
    sandbox: SlackSandbox, slack: SignedSlackClient, user_id: str, score: int, *,
    clicker: str | None = None, metric: str = "nps", wait: bool = True,
) -> int:
    """Click a score on user_id's pulse (as `clicker`, default the recipient); HTTP status."""
    updates = len(sandbox.calls("chat.update"))
    reply = slack.click(clicker or user_id, pulse_message(sandbox, user_id),
                        ids.score_action_id(metric, score))
    if wait:
        sandbox.wait_for("chat.update", count=updates + 1)
    return reply.status
