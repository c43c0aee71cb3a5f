"""A workspace whose bot token Slack refuses stops sending at once, and starts again by itself.

Slack answering token_revoked, invalid_auth, account_inactive or app_uninstalled speaks of the
token, not of one message: every further call with it would fail the same way. The first
sender to meet it records the refusal (by the token's fingerprint, never the token) and says
so once in the log; the workspace's unsent deliveries stay in the queue, each saying why it
waits, and no process calls Slack with that token again except for one auth.test every
RECHECK_EVERY (an invalid_auth during a Slack incident passes). Other workspaces carry on.
A different token for the workspace (a reinstall, a new SLACK_BOT_TOKEN, a refresh) or Slack
accepting the old one again lifts the refusal, and the waiting deliveries go out.

An uninstall (the app_uninstalled or tokens_revoked event) still cancels what was waiting
(bot.workspaces.uninstalls): a refusal only stops sending until the event says more.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.core.services import Services
from bot.slack.tokens import refused_token_error, token_fingerprint
from storage.deliveries import hold_pending
from storage.engine import session_scope
from storage.models import TokenRefusal
from storage.token_refusals import (
    checked,
    lift,
    lift_replaced,
    record_refusal,
    refusal_of,
    refusals_of_team,
)

logger = logging.getLogger(__name__)

RECHECK_EVERY = timedelta(minutes=5)


class TokenRefused(Exception):
    """Slack refused the token; `error` is its code."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


@dataclass(frozen=True)
class Refusal:
    team_id: str | None
    error: str
    refused_at: datetime

    @classmethod
    def of(cls, row: TokenRefusal) -> Refusal:
        return cls(row.team_id, row.error, row.refused_at)

    def waiting_note(self) -> str:
        """What an unsent delivery says while it waits."""
        return f"waiting: Slack refused the workspace's bot token ({self.error})"

    def describe(self, *, oauth: bool) -> str:
        remedy = ("the app reinstalled in the workspace" if oauth
                  else "a new SLACK_BOT_TOKEN and a restart")
        return (f"sending stopped: Slack refused the workspace's bot token ({self.error}) at "
                f"{self.refused_at:%Y-%m-%d %H:%M:%S} UTC; unsent deliveries wait and go out "
                f"once a token works ({remedy}, or Slack accepting it again, checked every "
                f"{RECHECK_EVERY.total_seconds() / 60:.0f} minutes)")


def stop_sending(services: Services, *, token: str | None, team_id: str | None,
                 error: str) -> Refusal:
    """Record that Slack refused `token` and mark the workspace's unsent deliveries."""
    now = services.clock()
    refusal = Refusal(team_id, error, now)
    with session_scope(services.engine) as session:
        first = record_refusal(session=session, fingerprint=token_fingerprint(token),
                               team_id=team_id, error=error, now=now)
        hold_pending(session=session, team_id=team_id, error=refusal.waiting_note())
    if first:
        logger.warning("team %s: Slack refused the bot token (%s); sending stopped for this "
                       "workspace, its unsent deliveries wait for a token that works",
                       team_id or "of SLACK_BOT_TOKEN", error)
    return refusal


def mark_waiting(services: Services, refusal: Refusal) -> int:
    """Say on the workspace's unsent deliveries why they wait."""
    with session_scope(services.engine) as session:
        return hold_pending(session=session, team_id=refusal.team_id,
                            error=refusal.waiting_note())


def standing_refusal(services: Services, client: WebClient, *, team_id: str | None,
                     recheck: bool = False) -> Refusal | None:
    """The refusal that stops `client`'s token now, if any.

    Refusals of tokens the workspace has since replaced are lifted. A refusal older than
    RECHECK_EVERY (or any, with `recheck`) is put to Slack again with auth.test, and lifted
    if the token works.
    """
    fingerprint = token_fingerprint(client.token)
    now = services.clock()
    with session_scope(services.engine) as session:
        for replaced in lift_replaced(session=session, team_id=team_id, current=fingerprint):
            logger.warning("team %s has a new bot token: sending resumes (the refused one "
                           "answered %s)", replaced.team_id or team_id, replaced.error)
        row = refusal_of(session=session, fingerprint=fingerprint)
        refusal = None if row is None else Refusal.of(row)
        last_checked = None if row is None else row.checked_at
    if refusal is None or last_checked is None:
        return None
    if not recheck and now - last_checked < RECHECK_EVERY:
        return refusal
    try:
        client.auth_test()
    except (SlackApiError, SlackClientError, OSError) as error:
        with session_scope(services.engine) as session:
            checked(session=session, fingerprint=fingerprint, now=now)
        if refused_token_error(error) is None:
            logger.info("team %s: could not ask Slack about its refused token (%s)",
                        refusal.team_id or team_id, type(error).__name__)
        return refusal
    with session_scope(services.engine) as session:
        lift(session=session, fingerprint=fingerprint)
    logger.warning("team %s: Slack accepts the bot token again; sending resumes",
                   refusal.team_id or team_id)
    return None


def refusals_for(services: Services, *, team_id: str | None) -> list[Refusal]:
    """What `pulse status` shows for a workspace."""
    with session_scope(services.engine) as session:
        return [Refusal.of(row) for row in refusals_of_team(session=session, team_id=team_id)]
