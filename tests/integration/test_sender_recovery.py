"""A sender that stops mid-wave holds nobody for the lease: what it never tried goes out at once,
what it began is checked against Slack seconds later, and the operator is told who holds what.

The lease (DELIVERY_LEASE_SECONDS) stays at its default of 300 s in these tests: they pass
only if recovery comes from the senders' heartbeats and process checks, not from the lease.
"""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import threading
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.core.processes import ProcessIdentity
from bot.core.services import Services, utc_now
from bot.pulses.dispatch import deliver_due
from bot.pulses.pacing import Pacer
from bot.pulses.senders import FRESH_SECONDS, SILENT_AFTER, SenderLease
from bot.pulses.status import wave_status
from bot.sandbox.slack_api import SlackSandbox
from bot.slack.client import create_web_client
from bot.slack.lookup import PULSE
from storage.deliveries import claim_due, free_untried, start_post
from storage.engine import session_scope
from storage.models import Delivery, DeliveryStatus, Sender
from storage.senders import register_sender
from tests.conftest import FakeClock
from tests.integration.cli_runner import CliResult, run_cli
from tests.integration.helpers import deliveries
from tests.integration.running_bots import (
    assert_each_messaged_once,
    bot_env,
    customers,
    open_wave,
)

POST = "chat.postMessage"


@pytest.fixture
def env(sandbox: SlackSandbox, database_url: str) -> dict[str, str]:
    environment = bot_env(sandbox, database_url, SLACK_POST_RATE="50")
    assert "DELIVERY_LEASE_SECONDS" not in environment  # the default, 300 s
    return environment


def _cli(env: dict[str, str], cwd: Path, *args: str) -> CliResult:
    result = run_cli(env, cwd, *args)
    assert result.returncode == 0, result.stderr
    return result


def _held_by(engine: Engine, sender_pid: int) -> list[Delivery]:
    with Session(engine) as session:
        sender = session.exec(select(Sender).where(Sender.pid == sender_pid)).one()
        return list(session.exec(select(Delivery).where(
            Delivery.claimed_by == sender.id, Delivery.status == DeliveryStatus.SENDING)).all())


def test_after_a_kill_9_the_next_send_settles_the_wave_without_waiting_out_the_lease(
    env: dict[str, str], tmp_path: Path, sandbox: SlackSandbox, services: Services,
    engine: Engine,
) -> None:
    users = customers(sandbox, 40)
    open_wave(replace(services, clock=utc_now), users, name="p")
    # Under 429s and 5xxs, some of them answered after Slack posted the message.
    sandbox.fail_share(POST, every=5, status=429, retry_after=1)
    sandbox.fail_share(POST, every=7, status=503, applied=True)
    # Each answer comes late, so the kill lands with posts in flight and a batch claimed.
    sandbox.delay_answers(POST, 0.3)
    sender = subprocess.Popen(
        [sys.executable, "-m", "bot", "pulse", "send", "p"], env=env, cwd=tmp_path,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        sandbox.wait_for(POST, count=8, timeout=120)
    finally:
        sender.send_signal(signal.SIGKILL)
        sender.wait(timeout=10)
    held = _held_by(engine, sender.pid)
    begun = [d for d in held if d.post_started_at is not None]
    assert len(held) > len(begun) > 0, "the kill should leave claims both begun and not"

    status = _cli(env, tmp_path, "pulse", "status", "p").stdout
    host = socket.gethostname()
    assert re.search(
        rf"held: {len(held)} held by {re.escape(host)} pid {sender.pid}, which has stopped "
        rf"\(its process has ended\): {len(held) - len(begun)} never tried are queued again at "
        rf"once and {len(begun)} begun are checked against Slack from \d\d:\d\d:\d\d UTC",
        status), status

    sandbox.delay_answers(POST, 0)
    resumed = _cli(env, tmp_path, "pulse", "send", "p")

    assert re.search(r"sent 40, pending 0, failed 0", resumed.stdout), resumed.stdout
    assert_each_messaged_once(sandbox, engine, users)
    with Session(engine) as session:
        assert session.exec(select(Sender)).all() == []  # the dead one forgotten, ours signed off


def test_a_sender_elsewhere_that_falls_silent_is_settled_once_it_counts_as_stopped(
    services: Services, sandbox: SlackSandbox, engine: Engine, clock: FakeClock,
) -> None:
    users = customers(sandbox, 5)
    client = create_web_client(services.settings)
    open_wave(services, users, name="p")
    elsewhere = ProcessIdentity("other-host", 4242, None, None)
    silent_since = clock.now
    with session_scope(engine) as session:
        register_sender(session=session, sender=Sender(
            id="e" * 32, host=elsewhere.host, pid=elsewhere.pid, started_at=silent_since,
            beat_at=silent_since))
        claimed = claim_due(session=session, now=clock.now, limit=5, sender_id="e" * 32)
        for delivery in claimed[:2]:
            assert start_post(session=session, delivery_id=delivery.delivery_id,
                              sender_id="e" * 32, now=clock.now)
    # Slack took the first of its two begun posts before the sender fell silent.
    posted = claimed[0]
    client.chat_postMessage(channel=posted.user_id, text="How likely…",
                            metadata=PULSE.metadata(posted.delivery_id))
    sandbox.clear_calls()

    clock.now = silent_since + SILENT_AFTER - timedelta(seconds=1)
    deliver_due(services, client)
    report = wave_status(services, pulse_name="p").report()

    assert sandbox.calls(POST) == []  # it may still be alive: nothing of it is touched
    assert ("held: 5 held by other-host pid 4242, silent for 19 s; if it does not beat again "
            "it counts as stopped at 09:00:20 UTC (in 1 s): then 3 never tried are queued "
            "again at once and 2 begun are checked against Slack from 09:00:20 UTC (in 1 s)"
            ) in report, report

    clock.now = silent_since + SILENT_AFTER
    summary = deliver_due(services, client)

    # Three never tried and one begun that Slack did not have: sent; the one it had: found.
    assert (summary.sent, summary.reconciled) == (4, 5)
    assert len(sandbox.calls(POST)) == 4
    assert_each_messaged_once(sandbox, engine, users)
    assert "held" not in wave_status(services, pulse_name="p").report()


def test_a_clean_stop_hands_back_what_it_never_tried(
    services: Services, sandbox: SlackSandbox, engine: Engine,
) -> None:
    """`run` stopping (SIGTERM, a deploy) frees its claims at once rather than leave them to
    be judged: the next sender finds them due, however it judges the one that stopped."""
    users = customers(sandbox, 3)
    open_wave(services, users, name="p")
    lease = SenderLease(services).start()
    with session_scope(engine) as session:
        claim_due(session=session, now=services.clock(), limit=3, sender_id=lease.id)
    lease.stop()

    with Session(engine) as session:
        rows = session.exec(select(Delivery)).all()
        assert {(d.status, d.claimed_by, d.attempts) for d in rows} == {
            (DeliveryStatus.PENDING, None, 0)}
        assert session.exec(select(Sender)).all() == []


def test_a_sender_whose_beats_went_stale_does_not_retry_a_429(
    services: Services, sandbox: SlackSandbox, engine: Engine,
) -> None:
    """A 429 is waited out and retried, but only by a sender still beating: one that is not
    may be judged stopped meanwhile, and its delivery settled and sent by another."""
    users = customers(sandbox, 1)
    open_wave(services, users, name="p")
    monotonic = [0.0]
    # Registered (a fresh beat), then no more beats for an hour.
    lease = SenderLease(services, monotonic=lambda: monotonic[0], beat_every=3600).start()
    sandbox.rate_limit(POST, retry_after=1)

    def stale_once_answered() -> None:
        sandbox.wait_for(POST, count=1, timeout=30)
        monotonic[0] += FRESH_SECONDS  # while Retry-After is waited out

    stale = threading.Thread(target=stale_once_answered)
    stale.start()
    try:
        summary = deliver_due(services, create_web_client(services.settings), lease=lease)
    finally:
        stale.join()
        lease.stop()

    assert [c.status for c in sandbox.calls(POST)] == [429]  # the retry was never sent
    assert summary.retrying == 1
    [delivery] = deliveries(engine)
    assert (delivery.status, delivery.error, delivery.claimed_by) == (
        DeliveryStatus.PENDING, "ratelimited", None)


def test_a_sender_judged_stopped_while_only_slow_posts_nothing_taken_from_it(
    services: Services, sandbox: SlackSandbox, engine: Engine,
) -> None:
    users = customers(sandbox, 5)
    open_wave(services, users, name="p")
    client = create_web_client(services.settings)
    slow = SenderLease(services).start()

    def take_over() -> None:
        sandbox.wait_for(POST, count=1, timeout=30)
        # As a process that judged the slow sender stopped: what it never tried is freed and
        # sent by another sender, while the slow one still holds its batch in memory.
        with session_scope(engine) as session:
            free_untried(session=session, holders={slow.id})
        deliver_due(services, client)

    other = threading.Thread(target=take_over)
    other.start()
    try:
        # One post every 2 s: the other sender is done long before the slow one's second.
        deliver_due(services, client, lease=slow, pacer=Pacer(0.5), senders=1)
    finally:
        other.join()
        slow.stop()

    assert_each_messaged_once(sandbox, engine, users)
