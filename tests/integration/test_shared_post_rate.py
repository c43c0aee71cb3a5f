"""Replicas delivering one wave together post at SLACK_POST_RATE between them, not each, and a
Retry-After one of them is given pauses them all.

Each replica is a thread with its own engine, sender and Slack client, as a process would have;
the sandbox limits chat.postMessage as Slack does (a workspace-wide token bucket answering 429).
Several replicas need PostgreSQL; on SQLite (one process) the same test runs with one.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine

from bot.core.services import Services
from bot.pulses.dispatch import DispatchSummary, deliver_due
from bot.pulses.post_rate import batch_for
from bot.sandbox.slack_api import SlackSandbox
from bot.slack.client import create_web_client
from storage.engine import create_db_engine
from tests.conftest import FakeClock, sandbox_settings
from tests.integration.running_bots import assert_each_messaged_once, customers, open_wave

POST = "chat.postMessage"
RATE = 10  # SLACK_POST_RATE, and what the sandbox permits
# The sandbox's burst, Slack-like: room for half a second of network and scheduling jitter (the
# sandbox shares this process with every replica), far less than replicas pacing themselves
# alone would send over the rate (three times it).
BURST = 5


@dataclass
class Replica:
    services: Services
    summary: DispatchSummary | None = None


@pytest.fixture
def replicas(sandbox: SlackSandbox, database_url: str, engine: Engine,
             clock: FakeClock) -> Iterator[list[Replica]]:
    settings = sandbox_settings(sandbox, database_url, slack_post_rate=RATE)
    count = 1 if database_url.startswith("sqlite") else 3
    group = [Replica(Services(settings=settings, engine=create_db_engine(database_url),
                              clock=clock)) for _ in range(count)]
    yield group
    for replica in group:
        replica.services.engine.dispose()


def deliver_together(replicas: list[Replica], wave_id: int) -> None:
    """Every replica sends the wave's due deliveries at once, small batches each, so they
    interleave; returns once all are done."""
    start = threading.Barrier(len(replicas))

    def run(replica: Replica) -> None:
        client = create_web_client(replica.services.settings)
        start.wait()
        replica.summary = deliver_due(replica.services, client, wave_id=wave_id, batch=10)

    threads = [threading.Thread(target=run, args=(r,)) for r in replicas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_replicas_together_post_within_the_rate_and_every_one_takes_part(
    sandbox: SlackSandbox, engine: Engine, replicas: list[Replica],
) -> None:
    users = customers(sandbox, 60)
    wave_id = open_wave(replicas[0].services, users)
    sandbox.limit_rate(POST, per_second=RATE, burst=BURST)

    deliver_together(replicas, wave_id)

    counts = sandbox.rate_limit_counts(POST)
    assert (counts.accepted, counts.limited) == (60, 0)
    assert_each_messaged_once(sandbox, engine, users)
    assert all(r.summary is not None and r.summary.sent > 0 for r in replicas)


def test_a_retry_after_given_to_one_replica_pauses_them_all(
    sandbox: SlackSandbox, engine: Engine, replicas: list[Replica],
) -> None:
    users = customers(sandbox, 60)
    wave_id = open_wave(replicas[0].services, users)
    retry_after = 2
    sandbox.fail_share(POST, every=20, status=429, retry_after=retry_after)

    deliver_together(replicas, wave_id)

    assert_each_messaged_once(sandbox, engine, users)
    posted = sorted(float(sandbox.messages(sandbox.dm_channel(u))[0]["ts"]) for u in users)
    gaps = sorted((b - a for a, b in itertools.pairwise(posted)), reverse=True)
    # Every 20th post answered 429: 3 pauses in 60 posts. During each, nobody posts but what
    # the replicas had begun: the slot a sender of each was waiting for, the others' batch (they
    # hear of the pause with their next), posts already on their way. Half the pause leaves room
    # for those and for scheduling jitter on a loaded machine; without sharing the pause the
    # others post on at the rate, and the longest silence was 0.3 s.
    held = (len(replicas) + (len(replicas) - 1) * batch_for(RATE)) / RATE
    assert held < retry_after / 2
    assert gaps[2] >= retry_after / 2, gaps[:4]
