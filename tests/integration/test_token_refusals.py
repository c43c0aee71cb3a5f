"""One bot token (SLACK_BOT_TOKEN) that Slack starts refusing mid-wave: the worker stops at the
first refusals, `pulse status` says why the rest waits, `pulse send` says the token is refused,
and the wave goes out once Slack accepts the token again."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import Engine

from bot.core.services import Services
from bot.pulses.dispatch import SENDERS
from bot.sandbox.slack_api import SlackSandbox
from bot.slack.client import create_web_client
from bot.worker.leader import PulseWorker
from bot.workspaces.token_refusals import RECHECK_EVERY
from storage.models import DeliveryStatus
from tests.conftest import FakeClock
from tests.integration.cli_runner import run_cli
from tests.integration.helpers import deliveries
from tests.integration.running_bots import (
    assert_each_messaged_once,
    bot_env,
    customers,
    open_wave,
)

POST = "chat.postMessage"


def test_a_bot_token_refused_mid_wave_stops_it_and_the_rest_waits_for_the_token_to_work(
    sandbox: SlackSandbox, services: Services, engine: Engine, database_url: str,
    tmp_path: Path, clock: FakeClock,
) -> None:
    users = customers(sandbox, 60)
    open_wave(services, users, name="p")
    sandbox.delay_answers(POST, 0.05)

    def revoke_after_ten() -> None:
        sandbox.wait_for(POST, count=10, timeout=60)
        sandbox.refuse_tokens(sandbox.team_id, "account_inactive")

    revoker = threading.Thread(target=revoke_after_ten)
    revoker.start()
    worker = PulseWorker(services, create_web_client(services.settings), scheduler_name="r")
    try:
        worker.deliver_once()
        revoker.join()
        refused = [c for c in sandbox.calls(POST) if c.response.get("error")]
        posts = len(sandbox.calls(POST))
        worker.run_once()
        after = len(sandbox.calls(POST))
        env = bot_env(sandbox, database_url)
        status = run_cli(env, tmp_path, "pulse", "status", "p")
        send = run_cli(env, tmp_path, "pulse", "send", "p")

        # Only the posts in flight when the first refusal came back met it.
        assert 1 <= len(refused) <= SENDERS
        assert {c.response.get("error") for c in refused} == {"account_inactive"}
        assert after == posts  # the next cycle posted nothing
        sent = [d for d in deliveries(engine) if d.status == DeliveryStatus.SENT]
        waiting = [d for d in deliveries(engine) if d.status == DeliveryStatus.PENDING]
        assert len(sent) >= 10
        assert len(sent) + len(waiting) == 60
        assert {d.error for d in waiting} == {
            "waiting: Slack refused the workspace's bot token (account_inactive)"}
        assert ("sending stopped: Slack refused the workspace's bot token (account_inactive) "
                "at ") in status.stdout, status.stdout
        assert "a new SLACK_BOT_TOKEN and a restart" in status.stdout
        assert send.returncode == 2
        assert "Slack refused the bot token (account_inactive)" in send.stderr
        for output in (status.stdout, status.stderr, send.stdout, send.stderr):
            assert sandbox.bot_token not in output

        sandbox.accept_tokens_again(sandbox.team_id)
        clock.now += RECHECK_EVERY  # the next check finds it working
        worker.run_once()
    finally:
        worker.stop()

    assert_each_messaged_once(sandbox, engine, users)
