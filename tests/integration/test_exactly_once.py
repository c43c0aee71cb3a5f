"""kill -9 in the middle of a wave, then a restart: every recipient has exactly one message."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.sandbox.slack_api import SlackSandbox
from storage.models import DeliveryStatus
from tests.conftest import CUSTOMERS, SIGNING_SECRET
from tests.integration.cli_runner import CliResult, run_cli
from tests.integration.helpers import deliveries


@pytest.fixture
def env(sandbox: SlackSandbox, database_url: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_"))}
    return clean | {
        "SLACK_BOT_TOKEN": sandbox.bot_token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": sandbox.api_url,
        "DATABASE_URL": database_url,
        "SLACK_POST_RATE": "1000",
        # The killed sender is gone for good, so its claims may be reconciled at once.
        "DELIVERY_LEASE_SECONDS": "0",
    }


def _bot(env: dict[str, str], cwd: Path, *args: str) -> CliResult:
    """In process (the sender killed below is the real process this test is about)."""
    result = run_cli(env, cwd, *args)
    assert result.returncode == 0, result.stderr
    return result


@pytest.mark.parametrize("killed_after", [1, 3])
def test_kill_9_mid_wave_and_restart_messages_everyone_exactly_once(
    env: dict[str, str], tmp_path: Path, sandbox: SlackSandbox, engine: Engine,
    killed_after: int,
) -> None:
    _bot(env, tmp_path, "pulse", "create", "p", "--metric", "nps",
         "--users", ",".join(CUSTOMERS))
    # Each message reaches the recipient, then its answer hangs: the kill lands after Slack
    # accepted message N and before the sender could record it, with the rest of its batch
    # claimed but unsent.
    sandbox.delay_answers("chat.postMessage", 0.5)
    sender = subprocess.Popen(
        [sys.executable, "-m", "bot", "pulse", "send", "p"], env=env, cwd=tmp_path,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        # A real process: polled, with room for a slow start on a loaded machine.
        sandbox.wait_for("chat.postMessage", count=killed_after, timeout=120)
    finally:
        sender.send_signal(signal.SIGKILL)
        sender.wait(timeout=10)
    assert {d.status for d in deliveries(engine)} >= {DeliveryStatus.SENDING}

    sandbox.delay_answers("chat.postMessage", 0)
    resumed = _bot(env, tmp_path, "pulse", "send", "p")

    assert "sent 5, pending 0, failed 0" in resumed.stdout, resumed.stdout
    for user_id in CUSTOMERS:
        assert len(sandbox.messages(sandbox.dm_channel(user_id))) == 1, user_id
    assert {d.status for d in deliveries(engine)} == {DeliveryStatus.SENT}
    recorded = {d.message_ts for d in deliveries(engine)}
    posted = {sandbox.messages(sandbox.dm_channel(u))[0]["ts"] for u in CUSTOMERS}
    assert recorded == posted
