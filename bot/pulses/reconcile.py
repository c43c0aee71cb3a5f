"""Closing the window between "Slack accepted the message" and "we recorded it".

Every pulse message carries its delivery id in Slack message metadata. A delivery left in
SENDING by a sender that died (kill -9, a crash, a lost database connection) is looked up in
the recipient's DM before anything is resent: found, it is recorded as sent with Slack's ts;
absent, it goes back in the queue. A delivery is therefore never messaged twice, and never lost.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.core.services import Services
from bot.slack.lookup import PULSE, find_posted
from storage.deliveries import PulseDelivery, claim_abandoned, mark_sent, retry_later
from storage.engine import session_scope

logger = logging.getLogger(__name__)

# A DM with the bot holds few messages (pulses, reminders); the newest 100 always include a
# pulse whose sender died within the lease.
HISTORY_DEPTH = 100


@dataclass
class ReconcileReport:
    already_sent: int = 0
    requeued: int = 0


def reconcile_abandoned(
    services: Services, client: WebClient, *, team_id: str | None = None
) -> ReconcileReport:
    report = ReconcileReport()
    lease = timedelta(seconds=services.settings.delivery_lease_seconds)
    while True:
        now = services.clock()
        with session_scope(services.engine) as session:
            abandoned = claim_abandoned(session=session, claimed_before=now - lease, now=now,
                                        team_id=team_id)
        if not abandoned:
            return report
        for delivery in abandoned:
            _settle(services, client, delivery, report)


def _settle(
    services: Services, client: WebClient, delivery: PulseDelivery, report: ReconcileReport
) -> None:
    try:
        found = find_in_slack(client, delivery)
    except (SlackApiError, SlackClientError, OSError) as exc:
        # Unsure what Slack holds: leave the row claimed; the next pass after the lease asks again.
        logger.warning("could not check delivery %s in Slack: %s", delivery.delivery_id, exc)
        return
    with session_scope(services.engine) as session:
        if found is not None:
            channel, ts = found
            mark_sent(session=session, delivery_id=delivery.delivery_id, channel_id=channel,
                      message_ts=ts, now=services.clock())
            report.already_sent += 1
        else:
            retry_later(session=session, delivery_id=delivery.delivery_id,
                        error="sender stopped before Slack confirmed", at=services.clock())
            report.requeued += 1
    logger.info("delivery %s reconciled: %s", delivery.delivery_id,
                "found in Slack" if found else "not in Slack, queued again")


def find_in_slack(client: WebClient, delivery: PulseDelivery) -> tuple[str, str] | None:
    """The (channel, ts) of the delivery's message if Slack holds it."""
    if delivery.channel_id or delivery.is_post:
        # A channel post is addressed to the channel itself, not a DM to open.
        channel = delivery.channel_id or delivery.user_id
    else:
        channel = str(client.conversations_open(users=delivery.user_id)["channel"]["id"])
    ts = find_posted(client, channel=channel, kind=PULSE, record_id=delivery.delivery_id,
                     depth=HISTORY_DEPTH)
    return None if ts is None else (channel, ts)
