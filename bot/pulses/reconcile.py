"""Settling what a stopped sender left: free what it never tried, check what it may have posted.

Every pulse message carries its delivery id in Slack message metadata. A delivery left in
SENDING by a sender that stopped (kill -9, a crash, a lost machine; bot.pulses.senders says
when a sender counts as stopped) is settled by the next sender to look, in seconds:

- claimed but never tried (its sender had not begun to post it): back in the queue at once;
- tried: looked up in the recipient's DM once POST_GRACE has passed since the post began.
  Found, it is recorded as sent with Slack's ts; absent, it goes back in the queue.

A claim older than DELIVERY_LEASE_SECONDS is settled the same way whoever holds it (a sender
stuck for good, or one of an earlier version, whose claims name no sender). A delivery is
therefore never messaged twice, and never lost.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.core.services import Services
from bot.pulses.senders import POST_GRACE, Liveness, SenderLease, judge
from bot.slack.lookup import PULSE, find_posted
from bot.slack.tokens import refused_token_error
from bot.workspaces.token_refusals import TokenRefused
from storage.deliveries import (
    PulseDelivery,
    claim_holders,
    claim_to_settle,
    free_untried,
    free_untried_claimed_before,
    give_up_claim,
    mark_sent,
    retry_later,
)
from storage.engine import session_scope
from storage.senders import remove_sender, senders

logger = logging.getLogger(__name__)

# A DM with the bot holds few messages (pulses, reminders); the newest 100 always include a
# pulse whose sender stopped a few minutes ago.
HISTORY_DEPTH = 100
SETTLE_BATCH = 50


@dataclass
class ReconcileReport:
    freed: int = 0  # claimed by a stopped sender, never tried: queued again at once
    already_sent: int = 0  # found in Slack
    requeued: int = 0  # not in Slack: queued again

    @property
    def settled(self) -> int:
        return self.freed + self.already_sent + self.requeued


def settle_abandoned(
    services: Services, client: WebClient, *, lease: SenderLease, team_id: str | None = None
) -> ReconcileReport:
    """Free and settle what stopped senders left (of `team_id`'s workspace, for the lookups
    that need its token; freeing needs none and is done for every workspace)."""
    report = ReconcileReport()
    now = services.clock()
    lease_before = now - timedelta(seconds=services.settings.delivery_lease_seconds)
    with session_scope(services.engine) as session:
        holders = claim_holders(session=session)
        registered = {sender.id: sender for sender in senders(session=session)}
    stopped = {holder for holder in holders - {lease.id}
               if judge(registered.get(holder), now=now,
                        here=lease.identity).liveness is Liveness.STOPPED}
    with session_scope(services.engine) as session:
        report.freed = free_untried(session=session, holders=stopped)
        report.freed += free_untried_claimed_before(session=session, claimed_before=lease_before)
        for sender in registered.values():  # stopped and holding nothing now: forgotten
            if (sender.id != lease.id and sender.id not in holders
                    and judge(sender, now=now, here=lease.identity).liveness is Liveness.STOPPED):
                remove_sender(session=session, sender_id=sender.id, beat_at=sender.beat_at)
    if report.freed:
        logger.info("%d deliveries claimed by stopped senders and never tried are queued again",
                    report.freed)
    seen: set[int] = set()
    while True:
        now = services.clock()
        with session_scope(services.engine) as session:
            batch = claim_to_settle(session=session, stopped=stopped,
                                    posted_before=now - POST_GRACE, lease_before=lease_before,
                                    now=now, sender_id=lease.id, team_id=team_id,
                                    limit=SETTLE_BATCH)
        fresh = [delivery for delivery in batch if delivery.delivery_id not in seen]
        for delivery in batch:
            _settle(services, client, lease, delivery, report)
        seen.update(delivery.delivery_id for delivery in batch)
        # Once a pass finds only rows it already tried (Slack could not be asked about them:
        # with a lease of 0 they are due again at once), the next call asks again.
        if not fresh:
            return report


def _settle(
    services: Services, client: WebClient, lease: SenderLease, delivery: PulseDelivery,
    report: ReconcileReport,
) -> None:
    try:
        found = find_in_slack(client, delivery)
    except (SlackApiError, SlackClientError, OSError) as exc:
        refused = refused_token_error(exc)
        with session_scope(services.engine) as session:
            # Unsure what Slack holds: let go of it, so whoever looks next asks again.
            give_up_claim(session=session, delivery_id=delivery.delivery_id, sender_id=lease.id)
        if refused is not None:
            raise TokenRefused(refused) from exc
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
                        error="sender stopped before Slack confirmed", at=services.clock(),
                        claimed_by=lease.id)
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
