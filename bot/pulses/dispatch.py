"""Sending due deliveries from the outbox, recording what Slack answered."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Literal

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.core.services import Services
from bot.pulses.blocks import pulse_message
from bot.pulses.pacing import Pacer
from bot.pulses.reconcile import find_in_slack, reconcile_abandoned
from bot.slack.client import posting_client
from bot.slack.lookup import PERMANENT_ERRORS, PULSE
from storage.deliveries import PulseDelivery, claim_due, mark_failed, mark_sent, retry_later
from storage.engine import session_scope, write_when_available

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# Sends in flight at once. Slack answers chat.postMessage in 100-300 ms, so one sender at a
# time could not reach a rate of more than a few a second whatever the limit; the pacer, shared
# by the senders, keeps their total at the permitted rate.
SENDERS = 4
PACER_BURST = 1  # see deliver_due
BASE_BACKOFF = timedelta(seconds=30)
MAX_BACKOFF = timedelta(hours=1)
# How long a sender keeps trying to record what Slack answered while the database is away (a
# restart, a failover): within it the wave carries on where it was; beyond it the delivery is
# left claimed and settled against Slack after DELIVERY_LEASE_SECONDS.
RECORD_PATIENCE_SECONDS = 60.0


@dataclass
class DispatchSummary:
    sent: int = 0
    failed: dict[str, int] = field(default_factory=dict)
    retrying: int = 0
    reconciled: int = 0  # abandoned by a sender that died, settled against Slack
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add_sent(self) -> None:
        with self._lock:
            self.sent += 1

    def add_retrying(self) -> None:
        with self._lock:
            self.retrying += 1

    def add_failure(self, reason: str) -> None:
        with self._lock:
            self.failed[reason] = self.failed.get(reason, 0) + 1


def backoff(attempts: int) -> timedelta:
    """Exponential backoff after the n-th failed attempt, capped."""
    return min(BASE_BACKOFF * (1 << min(max(attempts - 1, 0), 16)), MAX_BACKOFF)


def _send(client: WebClient, delivery: PulseDelivery) -> tuple[str, str]:
    message = pulse_message(
        delivery_id=delivery.delivery_id,
        metric=delivery.metric,
        question=delivery.question,
        csat_question=delivery.csat_question,
    )
    # Posting to the user ID lands in the app's DM with them without an extra conversations.open.
    answer = client.chat_postMessage(
        channel=delivery.user_id,
        text=message.text,
        blocks=[block.to_dict() for block in message.blocks],
        # The delivery id travels with the message, so a crash between Slack accepting it and
        # our commit can be reconciled from Slack's side instead of sending again.
        metadata=PULSE.metadata(delivery.delivery_id),
        unfurl_links=False,
    )
    return str(answer["channel"]), str(answer["ts"])


def deliver_due(
    services: Services,
    client: WebClient,
    *,
    wave_id: int | None = None,
    batch: int = 50,
    pacer: Pacer | None = None,
    senders: int = SENDERS,
    team_id: str | None = None,
) -> DispatchSummary:
    """Send every delivery due now (of `team_id`, whose bot `client` speaks for, or of every
    workspace with one bot token); transient failures are rescheduled with backoff."""
    # Burst 1: a pacer that saves up as many calls as Slack's own burst lets them arrive bunched
    # (network and scheduling jitter), Slack answers 429 and Retry-After idles the senders for a
    # second or more. With several senders a slot one of them loses to a slow commit is taken by
    # another, which a burst would otherwise have to make up. Measured with
    # benchmarks/bench_dispatch.py at 100/s against a burst-5 limit (2,000 sends, SQLite):
    # burst 5 with one sender reached 5% of the permitted rate (66 429s in 500 sends); burst 3
    # with four senders 85% (three 429s); burst 1 with four senders 93.5%, no 429.
    pacer = pacer or Pacer(services.settings.slack_post_rate, burst=PACER_BURST)
    summary = DispatchSummary()
    reconciled = reconcile_abandoned(services, client, team_id=team_id)
    summary.reconciled = reconciled.already_sent + reconciled.requeued
    paced = pacer
    poster = posting_client(client)

    def send(delivery: PulseDelivery) -> None:
        paced.wait()
        _deliver_one(services, client, poster, delivery, summary)

    def claim() -> list[PulseDelivery]:
        with session_scope(services.engine) as session:
            return claim_due(session=session, now=services.clock(), limit=batch, wave_id=wave_id,
                             team_id=team_id)

    with ThreadPoolExecutor(max_workers=max(1, senders), thread_name_prefix="pulse-sender") as pool:
        claimed = claim()
        while claimed:
            sending = [pool.submit(send, delivery) for delivery in claimed]
            # The next batch is claimed while this one is being sent: claiming between batches
            # left the senders idle for the claim's round trip, 200 times in a 10,000 wave.
            claimed = claim()
            for future in sending:
                future.result()  # re-raises an unexpected error instead of losing it
    return summary


def _deliver_one(
    services: Services,
    client: WebClient,
    poster: WebClient,
    delivery: PulseDelivery,
    summary: DispatchSummary,
) -> None:
    reason = ""
    try:
        posted: tuple[str, str] | Literal["unknown"] | None = _send(poster, delivery)
    except SlackApiError as exc:
        status = exc.response.status_code
        reason = str(exc.response.get("error") or f"http_{status}")
        if status < 500:  # Slack said no (or 429, its retries spent): nothing was posted
            _record_failure(services, delivery, reason, summary,
                            permanent=reason in PERMANENT_ERRORS)
            return
        reason = f"http_{status}"
        posted = _posted_after_all(client, delivery, reason)
    except (SlackClientError, OSError) as exc:
        reason = type(exc).__name__
        posted = _posted_after_all(client, delivery, reason)
    if posted == "unknown":
        return  # left claimed: settled against Slack after DELIVERY_LEASE_SECONDS
    if posted is None:
        _record_failure(services, delivery, reason, summary, permanent=False)
        return
    channel, ts = posted
    write_when_available(
        services.engine,
        lambda session: mark_sent(
            session=session,
            delivery_id=delivery.delivery_id,
            channel_id=channel,
            message_ts=ts,
            now=services.clock(),
        ),
        patience=RECORD_PATIENCE_SECONDS,
    )
    summary.add_sent()


def _posted_after_all(
    client: WebClient, delivery: PulseDelivery, reason: str
) -> tuple[str, str] | Literal["unknown"] | None:
    """After an answer that leaves open whether Slack posted the message: its (channel, ts) if
    it did, None if not, "unknown" if Slack cannot be asked now either."""
    try:
        found = find_in_slack(client, delivery)
    except (SlackApiError, SlackClientError, OSError) as exc:
        logger.warning("delivery %s: %s, and Slack could not be checked (%s); settled after "
                       "the lease", delivery.delivery_id, reason, exc)
        return "unknown"
    if found is not None:
        logger.info("delivery %s: %s, but Slack had posted it", delivery.delivery_id, reason)
    return found


def _record_failure(
    services: Services,
    delivery: PulseDelivery,
    reason: str,
    summary: DispatchSummary,
    *,
    permanent: bool,
) -> None:
    attempts = delivery.attempts
    if permanent or attempts >= MAX_ATTEMPTS:
        final = reason if permanent else f"gave up after {attempts} attempts: {reason}"
        write_when_available(
            services.engine,
            lambda session: mark_failed(
                session=session, delivery_id=delivery.delivery_id, error=final
            ),
            patience=RECORD_PATIENCE_SECONDS,
        )
        summary.add_failure(reason)
        logger.warning(
            "delivery %s to %s failed: %s", delivery.delivery_id, delivery.user_id, final
        )
        return
    write_when_available(
        services.engine,
        lambda session: retry_later(
            session=session,
            delivery_id=delivery.delivery_id,
            error=reason,
            at=services.clock() + backoff(attempts),
        ),
        patience=RECORD_PATIENCE_SECONDS,
    )
    summary.add_retrying()
    logger.info("delivery %s will be retried: %s", delivery.delivery_id, reason)

