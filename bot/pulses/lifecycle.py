"""After a wave goes out: one reminder to those who have not answered, then closing it."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.core.services import Services
from bot.privacy.anonymity import answer_key
from bot.pulses.blocks import closed_message, reminder_message
from bot.slack.lookup import PULSE_REMINDER, PostUnconfirmed, post_once
from storage.engine import session_scope
from storage.lifecycle import (
    SentPulse,
    claim_closed_notices,
    claim_reminders,
    close_due_waves,
    mark_reminded,
)
from storage.responses import (
    AnswerKey,
    answered_scores,
    forget_anonymous_links,
    mark_anonymous_answered,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LifecycleReport:
    reminded: int
    waves_closed: int
    messages_closed: int


def send_reminders(services: Services, client: WebClient, *, team_id: str | None = None) -> int:
    """One reminder per unanswered delivery, in the same DM, once its pulse's delay has passed."""
    sent = 0
    while True:
        with session_scope(services.engine) as session:
            due = claim_reminders(session=session, now=services.clock(), team_id=team_id)
        if not due:
            return sent
        for pulse in due:
            if pulse.anonymous and _answered_unmarked(services, pulse):
                continue
            message = reminder_message(closes_at=pulse.closes_at)
            try:
                # Posted once: after a 5xx it is looked for in the DM by its delivery id.
                post_once(client, kind=PULSE_REMINDER, record_id=pulse.delivery_id,
                          channel=pulse.channel_id, text=message.text,
                          blocks=[block.to_dict() for block in message.blocks])
                ok = True
            except PostUnconfirmed as exc:
                # Perhaps sent: recorded as not sent rather than risk a second one.
                logger.warning("reminder for delivery %s not confirmed: %s",
                               pulse.delivery_id, exc)
                ok = False
            except (SlackApiError, SlackClientError, OSError) as exc:
                # A reminder is a courtesy: one failed attempt is recorded, never retried.
                logger.warning("reminder for delivery %s failed: %s", pulse.delivery_id, exc)
                ok = False
            with session_scope(services.engine) as session:
                mark_reminded(
                    session=session, delivery_id=pulse.delivery_id, now=services.clock(), sent=ok
                )
            sent += ok


def _answered_unmarked(services: Services, pulse: SentPulse) -> bool:
    """An anonymous answer whose delivery missed its "answered" mark (written after the answer,
    in a transaction of its own that can fail): marked now, and no reminder."""
    with session_scope(services.engine) as session:
        if not answered_scores(session=session, key=_key(services, pulse)):
            return False
        mark_anonymous_answered(session, pulse.delivery_id)
        mark_reminded(session=session, delivery_id=pulse.delivery_id, now=services.clock(),
                      sent=False)
    return True


def close_waves(
    services: Services, client: WebClient, *, team_id: str | None = None
) -> tuple[int, int]:
    """Close waves past their closing time and edit their messages to say so.

    Returns (waves closed now, messages edited now). Late clicks on a closed wave are refused
    politely by the answer handler, whether or not its message has been edited yet.
    """
    with session_scope(services.engine) as session:
        closed = close_due_waves(session=session, now=services.clock())
    edited = 0
    while True:
        with session_scope(services.engine) as session:
            notices = claim_closed_notices(session=session, now=services.clock(),
                                           team_id=team_id)
            chosen = {
                n.delivery_id: answered_scores(session=session, key=_key(services, n))
                for n in notices
            }
        if not notices:
            with session_scope(services.engine) as session:
                forget_anonymous_links(session=session)
            return len(closed), edited
        for notice in notices:
            message = closed_message(question=notice.question, chosen=chosen[notice.delivery_id])
            try:
                client.chat_update(
                    channel=notice.channel_id,
                    ts=notice.message_ts,
                    text=message.text,
                    blocks=[block.to_dict() for block in message.blocks],
                )
                edited += 1
            except (SlackApiError, SlackClientError, OSError) as exc:
                logger.warning("closing message of delivery %s: %s", notice.delivery_id, exc)


def _key(services: Services, notice: SentPulse) -> AnswerKey:
    return answer_key(services, delivery_id=notice.delivery_id, anonymous=notice.anonymous)


def run_lifecycle(
    services: Services, client: WebClient, *, team_id: str | None = None
) -> LifecycleReport:
    """Close due waves (of every workspace: no Slack call), then edit and remind in `team_id`'s
    (None: the one bot token's workspace, which is every row)."""
    # Close first: a wave past its closing time gets a "closed" notice, never a late reminder.
    waves, messages = close_waves(services, client, team_id=team_id)
    reminded = send_reminders(services, client, team_id=team_id)
    return LifecycleReport(reminded=reminded, waves_closed=waves, messages_closed=messages)
