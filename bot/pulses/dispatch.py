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
from bot.pulses.pacing import Pace
from bot.pulses.post_rate import shared_pacer
from bot.pulses.reconcile import ReconcileReport, find_in_slack, settle_abandoned
from bot.pulses.senders import FRESH_SECONDS, SenderLease
from bot.slack.client import posting_client
from bot.slack.lookup import PERMANENT_ERRORS, PULSE
from bot.slack.tokens import refused_token_error
from bot.workspaces.token_refusals import (
    Refusal,
    TokenRefused,
    mark_waiting,
    standing_refusal,
    stop_sending,
)
from storage.deliveries import (
    PulseDelivery,
    claim_due,
    free_untried,
    give_up_claim,
    mark_failed,
    mark_sent,
    retry_later,
    start_post,
)
from storage.engine import session_scope, write_when_available

logger = logging.getLogger(__name__)

# A transient failure (a 5xx Slack did not act on, 429s past their retries, a lost connection)
# is tried again after 5 s, then 10, 20... : a wave under a share of 5xxs is whole again in
# seconds, and a delivery still rides out a Slack outage of 10 minutes (5 s x (2^7 - 1)) before
# it is given up.
MAX_ATTEMPTS = 8
# Sends in flight at once. Slack answers chat.postMessage in 100-300 ms, so one sender at a
# time could not reach a rate of more than a few a second whatever the limit; the pacer, shared
# by the senders (and through the database with every other replica's), keeps their total at
# the permitted rate.
SENDERS = 4
PACER_BURST = 1  # for a Pacer of this process alone: see deliver_due
BASE_BACKOFF = timedelta(seconds=5)
MAX_BACKOFF = timedelta(hours=1)
# How long a sender keeps trying to record what Slack answered while the database is away (a
# restart, a failover): within it the wave carries on where it was; beyond it the delivery is
# left claimed and settled against Slack once this sender is judged stopped, or after
# DELIVERY_LEASE_SECONDS if it lives on.
RECORD_PATIENCE_SECONDS = 60.0


@dataclass
class DispatchSummary:
    sent: int = 0
    failed: dict[str, int] = field(default_factory=dict)
    retrying: int = 0
    reconciled: int = 0  # left by a sender that stopped: freed, or settled against Slack
    stopped: Refusal | None = None  # Slack refused the workspace's token: nothing more sent
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

    def add_reconciled(self, report: ReconcileReport) -> None:
        with self._lock:
            self.reconciled += report.settled

    def add(self, other: DispatchSummary) -> None:
        """Another call's figures, for a caller that sends in several calls."""
        with self._lock:
            self.sent += other.sent
            self.retrying += other.retrying
            self.reconciled += other.reconciled
            for reason, count in other.failed.items():
                self.failed[reason] = self.failed.get(reason, 0) + count
            self.stopped = other.stopped or self.stopped


class PostingStopped(Exception):
    """This sender may no longer post: its heartbeat is stale, or another process settled the
    delivery meanwhile."""


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
    pacer: Pace | None = None,
    senders: int = SENDERS,
    team_id: str | None = None,
    lease: SenderLease | None = None,
    recheck_token: bool = False,
) -> DispatchSummary:
    """Send every delivery due now (of `team_id`, whose bot `client` speaks for, or of every
    workspace with one bot token); transient failures are rescheduled with backoff.

    `lease` is the calling process's standing as a sender (`run` keeps one for its life);
    without it the call holds one of its own. Nothing is sent while Slack's refusal of the
    client's token stands (`recheck_token`: ask Slack again first).
    """
    if lease is None:
        with SenderLease(services) as own:
            return deliver_due(services, client, wave_id=wave_id, batch=batch, pacer=pacer,
                               senders=senders, team_id=team_id, lease=own,
                               recheck_token=recheck_token)
    summary = DispatchSummary()
    summary.stopped = standing_refusal(services, client, team_id=team_id, recheck=recheck_token)
    if summary.stopped is not None:
        return summary
    # The workspace's rate is shared by every replica (bot.pulses.post_rate). No burst is
    # saved up: one that saves up as many calls as Slack's own burst lets them arrive bunched
    # (network and scheduling jitter), Slack answers 429 and Retry-After idles the senders for a
    # second or more. With several senders a slot one of them loses to a slow commit is taken by
    # another, which a burst would otherwise have to make up. Measured with
    # benchmarks/bench_dispatch.py at 100/s against a burst-5 limit (2,000 sends, SQLite), with
    # a Pacer of this process alone: burst 5 with one sender reached 5% of the permitted rate
    # (66 429s in 500 sends); burst 3 with four senders 85% (three 429s); burst 1 with four
    # senders 93.5%, no 429.
    run = _Dispatch(services, client, lease, summary, team_id,
                    pacer or shared_pacer(services, team_id))
    try:
        run.leave_nothing_behind()  # what an earlier call of this sender could not finish
        with ThreadPoolExecutor(max_workers=max(1, senders),
                                thread_name_prefix="pulse-sender") as pool:
            claimed = run.claim(wave_id=wave_id, limit=batch)
            while claimed:
                sending = [pool.submit(run.send, delivery) for delivery in claimed]
                # The next batch is claimed while this one is being sent: claiming between
                # batches left the senders idle for the claim's round trip, 200 times in a
                # 10,000 wave.
                claimed = [] if run.halted else run.claim(wave_id=wave_id, limit=batch)
                for future in sending:
                    future.result()  # re-raises an unexpected error instead of losing it
    except TokenRefused as refused:
        run.halt(refused.error, team_id)
    finally:
        run.leave_nothing_behind()
        if run.halted and summary.stopped is not None:
            # What this call held and never posted is queued again: it says why it waits.
            mark_waiting(services, summary.stopped)
    return summary


class _Dispatch:
    """One deliver_due call: its sender, what it holds, and whether Slack refused its token."""

    def __init__(self, services: Services, client: WebClient, lease: SenderLease,
                 summary: DispatchSummary, team_id: str | None, pacer: Pace) -> None:
        self.services, self.client, self.lease = services, client, lease
        self.summary, self.team_id, self.pacer = summary, team_id, pacer
        self.halted: str | None = None
        self._lock = threading.Lock()
        self._posting = threading.local()
        self.poster = posting_client(client, before_retry=self._before_retry,
                                     wait_out=self._wait_out)

    def claim(self, *, wave_id: int | None, limit: int) -> list[PulseDelivery]:
        # A sender that stopped is noticed between batches too, not only when a call starts:
        # a replica busy with a long wave frees a dead replica's share within seconds.
        self.summary.add_reconciled(
            settle_abandoned(self.services, self.client, lease=self.lease,
                             team_id=self.team_id))
        with session_scope(self.services.engine) as session:
            return claim_due(session=session, now=self.services.clock(), limit=limit,
                             wave_id=wave_id, team_id=self.team_id, sender_id=self.lease.id)

    def send(self, delivery: PulseDelivery) -> None:
        if self.halted:
            return  # freed at the end of the call, for when a token works again
        try:
            self.pacer.wait()
        except Exception as error:  # no slot (the database away): freed at the end of the call
            logger.info("delivery %s not started, no send slot: %s", delivery.delivery_id,
                        type(error).__name__)
            return
        # Not beating (the database away): post nothing others may soon settle as ours.
        if self.halted or not self.lease.wait_fresh(FRESH_SECONDS):
            return
        if not self._start(delivery):
            return  # freed or settled by another process meanwhile: not ours to post
        self._posting.delivery = delivery
        try:
            _deliver_one(self, delivery)
        finally:
            self._posting.delivery = None

    def _start(self, delivery: PulseDelivery) -> bool:
        try:
            with session_scope(self.services.engine) as session:
                return start_post(session=session, delivery_id=delivery.delivery_id,
                                  sender_id=self.lease.id, now=self.services.clock())
        except Exception as error:  # unrecorded, so unposted: freed at the end of the call
            logger.info("delivery %s not started: %s", delivery.delivery_id,
                        type(error).__name__)
            return False

    def _wait_out(self, seconds: float) -> None:
        """A 429's Retry-After: the workspace pauses for every replica, then this sender waits
        for a slot like any other post."""
        logger.info("Slack asked for %.0f s without posts; every sender of the workspace waits",
                    seconds)
        try:
            self.pacer.pause(seconds)
        except Exception as error:  # the pause not shared (the database away): back in the queue
            raise PostingStopped(f"rate limited, pause not recorded: {type(error).__name__}"
                                 ) from error

    def _before_retry(self) -> None:
        """Before a 429 is retried: still beating, and the new start recorded."""
        delivery: PulseDelivery | None = getattr(self._posting, "delivery", None)
        if delivery is None:
            return
        if self.halted or not self.lease.fresh() or not self._start(delivery):
            raise PostingStopped(f"delivery {delivery.delivery_id}")

    def halt(self, error: str, team_id: str | None) -> None:
        """Slack refused the token: record it once, and send nothing more in this call."""
        with self._lock:
            if self.halted:
                return
            self.halted = error
        self.summary.stopped = stop_sending(self.services, token=self.client.token,
                                            team_id=team_id, error=error)

    def leave_nothing_behind(self) -> None:
        """Free what this sender claimed and did not try; let go of what it tried and could
        not settle (anyone checks it against Slack once its post could be under way no more)."""
        try:
            with session_scope(self.services.engine) as session:
                free_untried(session=session, holders=[self.lease.id])
                give_up_claim(session=session, sender_id=self.lease.id)
        except Exception as error:  # the database away: settled once it is back
            logger.info("sender %s could not hand back its claims: %s", self.lease.id[:8],
                        type(error).__name__)


def _deliver_one(run: _Dispatch, delivery: PulseDelivery) -> None:
    services, summary = run.services, run.summary
    reason = ""
    try:
        posted: tuple[str, str] | Literal["unknown"] | None = _send(run.poster, delivery)
    except PostingStopped:
        # Every attempt was answered 429 (nothing posted): back in the queue.
        _record_failure(run, delivery, "ratelimited", permanent=False)
        return
    except SlackApiError as exc:
        status = exc.response.status_code
        reason = str(exc.response.get("error") or f"http_{status}")
        refused = refused_token_error(exc)
        if refused is not None:  # the token, not this message: the workspace stops here
            run.halt(refused, delivery.team_id)
            _record_failure(run, delivery, run.summary.stopped.waiting_note()
                            if run.summary.stopped else refused, permanent=False, at_once=True)
            return
        if status < 500:  # Slack said no (or 429, its retries spent): nothing was posted
            _record_failure(run, delivery, reason, permanent=reason in PERMANENT_ERRORS)
            return
        reason = f"http_{status}"
        posted = _posted_after_all(run.client, delivery, reason)
    except (SlackClientError, OSError) as exc:
        reason = type(exc).__name__
        posted = _posted_after_all(run.client, delivery, reason)
    if posted == "unknown":
        with session_scope(services.engine) as session:
            give_up_claim(session=session, delivery_id=delivery.delivery_id,
                          sender_id=run.lease.id)
        return
    if posted is None:
        _record_failure(run, delivery, reason, permanent=False)
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
        logger.warning("delivery %s: %s, and Slack could not be checked (%s); checked again "
                       "by the next sender to look", delivery.delivery_id, reason, exc)
        return "unknown"
    if found is not None:
        logger.info("delivery %s: %s, but Slack had posted it", delivery.delivery_id, reason)
    return found


def _record_failure(
    run: _Dispatch,
    delivery: PulseDelivery,
    reason: str,
    *,
    permanent: bool,
    at_once: bool = False,
) -> None:
    services, summary, holder = run.services, run.summary, run.lease.id
    attempts = delivery.attempts
    if permanent or (attempts >= MAX_ATTEMPTS and not at_once):
        final = reason if permanent else f"gave up after {attempts} attempts: {reason}"
        write_when_available(
            services.engine,
            lambda session: mark_failed(
                session=session, delivery_id=delivery.delivery_id, error=final,
                claimed_by=holder,
            ),
            patience=RECORD_PATIENCE_SECONDS,
        )
        summary.add_failure(reason)
        logger.warning(
            "delivery %s to %s failed: %s", delivery.delivery_id, delivery.user_id, final
        )
        return
    # A refused token is no attempt at the message: it waits, due now, for a token that works.
    at = services.clock() + (timedelta(0) if at_once else backoff(attempts))
    write_when_available(
        services.engine,
        lambda session: retry_later(
            session=session,
            delivery_id=delivery.delivery_id,
            error=reason,
            at=at,
            claimed_by=holder,
        ),
        patience=RECORD_PATIENCE_SECONDS,
    )
    summary.add_retrying()
    logger.info("delivery %s will be retried: %s", delivery.delivery_id, reason)
