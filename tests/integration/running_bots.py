"""`python -m bot run` as real processes, and a wave for them to deliver, for fault tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

from sqlalchemy import Engine, func
from sqlmodel import select

from bot.core.services import Services
from bot.pulses.definition import define_pulse, validate_policy
from bot.pulses.waves import manual_wave_time, open_pulse_wave
from bot.sandbox.slack_api import SlackSandbox
from bot.slack.client import create_web_client
from bot.workspaces.installations import identify_workspace
from storage.engine import read_only_session
from storage.models import Delivery, DeliveryStatus, Metric
from tests.conftest import SIGNING_SECRET


def bot_env(sandbox: SlackSandbox, database_url: str, **extra: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("SLACK_", "DATABASE_URL", "PORT", "ADMIN_", "DELIVERY_"))}
    return clean | {
        "SLACK_BOT_TOKEN": sandbox.bot_token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": sandbox.api_url,
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "INFO",
        "SLACK_POST_RATE": "1000",
        **extra,
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RunningBot:
    process: subprocess.Popen[bytes]
    base_url: str
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def healthy(self) -> bool:
        try:
            with urlopen(self.base_url + "/healthz", timeout=5) as answer:  # noqa: S310 (local)
                return bool(answer.status == 200)
        except (URLError, ConnectionError, TimeoutError):
            return False

    def kill_9(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill_9()


def start_run(env: dict[str, str], cwd: Path, name: str) -> RunningBot:
    """Start `run` (HTTP and the pulse worker) and wait until it answers /healthz."""
    port = free_port()
    log = cwd / f"{name}.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(  # noqa: S603 (our own CLI, fixed arguments)
            [sys.executable, "-m", "bot", "run", "--host", "127.0.0.1", "--port", str(port)],
            env=env, cwd=cwd, stdout=sink, stderr=subprocess.STDOUT,
        )
    bot = RunningBot(process, f"http://127.0.0.1:{port}", log)
    # A separate process: polling its health endpoint is the only signal it gives.
    wait_until(lambda: bot.healthy() or process.poll() is not None, timeout=60,
               what=f"{name} to start")
    if process.poll() is not None:
        raise AssertionError(f"{name} did not start: {bot.output()}")
    return bot


def wait_until(condition: Callable[[], bool], *, timeout: float, what: str,
               every: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


def customers(sandbox: SlackSandbox, count: int) -> list[str]:
    users = [f"U0W{n:06d}" for n in range(count)]
    for user_id in users:
        sandbox.add_user(user_id, name=user_id.lower())
    return users


def open_wave(services: Services, users: list[str], *, name: str = "wave") -> int:
    """Define a pulse for `users` and open today's wave without sending it: the bots do."""
    client = create_web_client(services.settings)
    define_pulse(services, client, name=name, metric=Metric.NPS, user_ids=users,
                 policy=validate_policy(metric=Metric.NPS))
    opened = open_pulse_wave(services, name=name, team_id=identify_workspace(client).team_id,
                             scheduled_for=manual_wave_time(services.clock()), client=client)
    return opened.wave_id


def unsettled(engine: Engine) -> int:
    """Deliveries not yet recorded as sent (a plain read: on SQLite it never waits for the
    bots' write lock)."""
    with read_only_session(engine) as session:
        return int(session.exec(
            select(func.count()).select_from(Delivery)
            .where(Delivery.status != DeliveryStatus.SENT)
        ).one())


def assert_each_messaged_once(sandbox: SlackSandbox, engine: Engine, users: list[str]) -> None:
    """What Slack holds, not what it answered: a post answered 5xx may still be there."""
    held = {user: sandbox.messages(sandbox.dm_channel(user)) for user in users}
    doubled = {user: len(messages) for user, messages in held.items() if len(messages) > 1}
    missing = [user for user, messages in held.items() if not messages]
    assert (doubled, missing[:10], len(missing)) == ({}, [], 0)
    assert unsettled(engine) == 0
    with read_only_session(engine) as session:
        recorded = {d.message_ts for d in session.exec(select(Delivery)).all()}
    assert recorded == {messages[0]["ts"] for messages in held.values()}
