"""Posting follow-up alerts, editing them as things change, and reminding about stale ones.

The row is written with the answer; everything here works from rows, so a post that failed
(Slack down, a crash after the ack) is simply found again by the next sweep. Every alert carries
its follow-up id in Slack message metadata: an alert still unpublished long after it was raised
may have been posted by a poster that died before recording it, so the channel is searched for
that id before posting again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.core.services import Services
from bot.core.text import is_pseudonym
from bot.followups.alert_blocks import alert_message
from bot.followups.blocks import reminder_text
from bot.slack.client import posting_client
from bot.slack.lookup import FOLLOW_UP_ALERT, find_posted
from storage.engine import session_scope
from storage.followups import (
    claim_alert,
    claim_reminder,
    due_reminders,
    follow_up_details,
    mark_alert_published,
    release_alert_claim,
    unpublished_alerts,
    workspace_alert_channel,
)

logger = logging.getLogger(__name__)

# Longer than one chat.postMessage with its retries: a live poster is never second-guessed.
ALERT_LEASE = timedelta(seconds=60)
HISTORY_DEPTH = 200  # alerts are rare; the newest 200 messages reach back past any lease


@dataclass(frozen=True)
class SweepReport:
    published: int
    reminded: int


def alert_channel(services: Services, chosen: str | None) -> str | None:
    """Where a workspace's alerts go: its own choice ("" = none), else, with one workspace,
    ALERT_CHANNEL_ID. In OAuth mode a workspace that chose nothing gets no alerts."""
    if chosen is None:
        return services.settings.default_alert_channel_id
    return chosen or None


def publish_alert(services: Services, client: WebClient, *, follow_up_id: int) -> bool:
    """Post the alert, or edit it to match its row; True when Slack now shows the latest."""
    now = services.clock()
    with session_scope(services.engine) as session:
        if not claim_alert(session=session, follow_up_id=follow_up_id, now=now,
                           lease_before=now - ALERT_LEASE):
            return False
        details = follow_up_details(session=session, follow_up_id=follow_up_id)
        channel = None if details is None else alert_channel(
            services, workspace_alert_channel(session=session, team_id=details.row.team_id))
    if details is None:
        return False
    row = details.row
    message = alert_message(details)
    blocks = [block.to_dict() for block in message.blocks]
    posting = False
    try:
        if row.alert_ts and row.alert_channel_id:
            client.chat_update(channel=row.alert_channel_id, ts=row.alert_ts,
                               text=message.text, blocks=blocks)
            channel, ts = row.alert_channel_id, row.alert_ts
        elif channel is None:
            return False  # alerts were turned off after this one was raised
        elif now - row.raised_at > ALERT_LEASE and (
            found := find_posted(client, channel=channel, kind=FOLLOW_UP_ALERT,
                                 record_id=follow_up_id, since=row.raised_at, depth=HISTORY_DEPTH)
        ):
            # Posted by a poster that died before recording it: bring it up to date instead.
            client.chat_update(channel=channel, ts=found, text=message.text, blocks=blocks)
            ts = found
        else:
            posting = True
            answer = posting_client(client).chat_postMessage(
                channel=channel, text=message.text, blocks=blocks,
                metadata=FOLLOW_UP_ALERT.metadata(follow_up_id))
            ts = str(answer["ts"])
            channel = str(answer["channel"])
    except (SlackApiError, SlackClientError, OSError) as exc:
        if posting and not (isinstance(exc, SlackApiError) and exc.response.status_code < 500):
            # Slack may have posted it: keep the claim, so the next try comes after the lease
            # and looks for it in the channel first instead of posting it again.
            logger.warning("follow-up %s alert may not have been posted (checked in the channel "
                           "after %s): %s", follow_up_id, ALERT_LEASE, exc)
            return False
        logger.warning("follow-up %s alert not published (retried by the sweep): %s",
                       follow_up_id, exc)
        with session_scope(services.engine) as session:
            release_alert_claim(session=session, follow_up_id=follow_up_id)
        return False
    with session_scope(services.engine) as session:
        mark_alert_published(session=session, follow_up_id=follow_up_id,
                             revision=row.revision, channel_id=channel, ts=ts)
    return True


def remind_stale_follow_ups(
    services: Services, client: WebClient, *, team_id: str | None = None
) -> int:
    """Once per FOLLOW_UP_REMINDER_DAYS: DM the owner, or nudge the alert's thread if unowned."""
    days = services.settings.follow_up_reminder_days
    now = services.clock()
    cutoff = now - timedelta(days=days)
    with session_scope(services.engine) as session:
        due = [row.id for row in due_reminders(session=session, touched_before=cutoff,
                                               team_id=team_id)]
    reminded = 0
    for follow_up_id in due:
        assert follow_up_id is not None
        with session_scope(services.engine) as session:
            if not claim_reminder(session=session, follow_up_id=follow_up_id,
                                  touched_before=cutoff, now=now):
                continue
            details = follow_up_details(session=session, follow_up_id=follow_up_id)
        if details is None:
            continue
        row = details.row
        # An owner who was forgotten cannot be reached: the team hears of it, as if unowned.
        owner = row.owner_user_id if row.owner_user_id and not is_pseudonym(row.owner_user_id) \
            else None
        channel = owner or row.alert_channel_id
        if channel is None:
            continue
        text = reminder_text(details, days=days, owned=owner is not None)
        try:
            # The owner by DM; unowned, in the alert's thread where the team will see it.
            # Through the posting client: a 5xx may come after Slack posted it.
            posting_client(client).chat_postMessage(channel=channel, text=text,
                                                    thread_ts=None if owner else row.alert_ts)
            reminded += 1
        except (SlackApiError, SlackClientError, OSError) as exc:
            # A reminder is a nudge: a failed one (perhaps posted all the same) waits for the
            # next period rather than retry.
            logger.warning("follow-up %s reminder failed: %s", follow_up_id, exc)
    return reminded


def sweep_follow_ups(
    services: Services, client: WebClient, *, team_id: str | None = None
) -> SweepReport:
    """The worker's periodic pass: publish what is missing or behind, then remind."""
    now = services.clock()
    with session_scope(services.engine) as session:
        pending = unpublished_alerts(session=session, lease_before=now - ALERT_LEASE,
                                     team_id=team_id)
    published = sum(publish_alert(services, client, follow_up_id=i) for i in pending)
    reminded = remind_stale_follow_ups(services, client, team_id=team_id)
    return SweepReport(published=published, reminded=reminded)
