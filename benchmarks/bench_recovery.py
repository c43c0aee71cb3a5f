"""How long a wave stays broken after its sender is killed with kill -9, and who got two messages.

    python benchmarks/bench_recovery.py [--scenario restart|replica|both] [--recipients 120]
        [--database sqlite|postgresql|both] [--kill-after 0.35] [--source DIR]

Real bot processes (`python -m bot ...`) against the Slack sandbox in this process, which
answers chat.postMessage late (0.1 s) and with faults on a share of calls: 429 with
Retry-After 1 on every 5th, 503 after posting the message on every 7th (a gateway timing out
after Slack did the work), 503 before posting on every 11th.

  restart  as an operator: `pulse send` of a wave is killed with SIGKILL once a share of the
           recipients (--kill-after) have their message; `pulse send` is run again at once
           (its output is printed), then `run` is started to finish whatever waits on a backoff.
  replica  two `run` replicas on PostgreSQL deliver the wave; the one holding more of it is
           killed; the other carries on.

Figures, from the restart (or the kill, for replica): seconds until nothing the killed sender
held is still held ("settled"), seconds until the wave is whole (every delivery recorded as
sent), and what the sandbox holds: recipients with two messages, and with none. `--source DIR`
runs the bot processes from another checkout (for instance an export of an earlier commit, to
compare); the database is then migrated by that checkout. The exit status is non-zero if
anyone got two messages or none.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench_databases import database_url  # beside this file
from sqlalchemy import Engine, text

from bot.sandbox.slack_api import SlackSandbox
from storage.engine import create_db_engine

ROOT = Path(__file__).resolve().parents[1]
POST = "chat.postMessage"
SIGNING_SECRET = "bench-signing-secret-0123456789"  # noqa: S105 (the sandbox's, not a secret)
ANSWER_DELAY = 0.1
TIMEOUT = 900.0  # a wave that waits out the old 300 s lease, with room


@dataclass
class Outcome:
    scenario: str
    database: str
    recipients: int
    killed_after: int  # messages Slack held when the sender was killed
    held: int  # deliveries the killed sender held
    settled: float  # seconds from the restart (or kill) until none of them is held
    whole: float  # seconds from the restart (or kill) until every delivery is sent
    doubled: int
    missing: int
    resend_output: str = ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", choices=["restart", "replica", "both"], default="both")
    parser.add_argument("--recipients", type=int, default=120)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--kill-after", type=float, default=0.35,
                        help="share of recipients messaged when the sender is killed")
    parser.add_argument("--source", type=Path, default=ROOT,
                        help="the checkout the bot processes run from")
    args = parser.parse_args()
    databases = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    outcomes = []
    for database in databases:
        if args.scenario in ("restart", "both"):
            outcomes.append(restart(database, args.recipients, args.kill_after, args.source))
        if args.scenario in ("replica", "both") and database == "postgresql":
            outcomes.append(replica(args.recipients, args.kill_after, args.source))
    print()
    print(f"{'scenario':9} {'database':10} {'held':>5} {'settled s':>10} {'whole s':>8} "
          f"{'doubled':>8} {'missing':>8}")
    for o in outcomes:
        print(f"{o.scenario:9} {o.database:10} {o.held:5d} {o.settled:10.1f} {o.whole:8.1f} "
              f"{o.doubled:8d} {o.missing:8d}")
    return 1 if any(o.doubled or o.missing for o in outcomes) else 0


# -- the two scenarios ---------------------------------------------------------------------


def restart(database: str, recipients: int, kill_after: float, source: Path) -> Outcome:
    with _world(database, recipients, source) as world:
        world.cli("pulse", "create", "wave", "--metric", "nps", "--users",
                  ",".join(world.users))
        world.faults()
        sender = world.spawn("pulse", "send", "wave")
        killed_after = world.kill_when_messaged(sender, kill_after)
        held = world.held()
        print(f"[{database}] killed `pulse send` (pid {sender.pid}) with {killed_after} of "
              f"{recipients} messaged; it held {len(held)}")
        restarted = time.monotonic()
        settled = _Stopwatch(restarted, lambda: not world.still_held(held))
        whole = _Stopwatch(restarted, world.whole)
        with settled.watching(), whole.watching():
            again = world.cli("pulse", "send", "wave")
            print(f"[{database}] `pulse send` again, {time.monotonic() - restarted:.1f} s:")
            print("    " + again.strip().replace("\n", "\n    "))
            run = None if whole.done() else world.spawn("run", "--port", str(_free_port()))
            try:
                whole.wait(TIMEOUT)
                settled.wait(TIMEOUT)
            finally:
                if run is not None:
                    _stop(run)
        doubled, missing = world.messaged()
    left = recipients - killed_after
    print(f"[{database}] reference: the same faults, a fresh wave of the {left} the kill left, "
          f"`pulse send` (then `run` if needed), nobody killed: whole "
          f"{calm(database, left, source):.1f} s after its first post")
    return Outcome("restart", database, recipients, killed_after, len(held),
                   settled.seconds, whole.seconds, doubled, missing, again)


def calm(database: str, recipients: int, source: Path) -> float:
    """Seconds from the first post until a wave of `recipients` is whole under the same faults:
    `pulse send`, and `run` after it if it left something to retry."""
    with _world(database, recipients, source) as world:
        world.cli("pulse", "create", "wave", "--metric", "nps", "--users",
                  ",".join(world.users))
        world.faults()
        whole = _Stopwatch(time.monotonic(), world.whole)
        with whole.watching():
            world.cli("pulse", "send", "wave")
            run = None if whole.done() else world.spawn("run", "--port", str(_free_port()))
            try:
                whole.wait(TIMEOUT)
            finally:
                if run is not None:
                    _stop(run)
        doubled, missing = world.messaged()
        assert (doubled, missing) == (0, 0), (doubled, missing)
        # Opening the wave (the audience checked with Slack) is not sending it.
        first_post = world.sandbox.calls(POST)[0].at
        return whole.seconds - (first_post - whole.started)


def replica(recipients: int, kill_after: float, source: Path) -> Outcome:
    with _world("postgresql", recipients, source) as world:
        world.cli("pulse", "create", "wave", "--metric", "nps", "--users",
                  ",".join(world.users))
        world.open_wave()
        world.faults()
        bots = [world.spawn("run", "--port", str(_free_port())) for _ in range(2)]
        try:
            killed = None
            deadline = time.monotonic() + TIMEOUT
            while killed is None and time.monotonic() < deadline:
                if world.sandbox_messaged() >= kill_after * recipients:
                    # The replica holding more of the wave: its loss is the larger.
                    killed = max(bots, key=world.holding)
                time.sleep(0.05)
            assert killed is not None, "the wave never got going"
            held = world.held()
            _kill(killed)
            killed_after = world.sandbox_messaged()
            print(f"[postgresql] killed replica pid {killed.pid} with {killed_after} of "
                  f"{recipients} messaged; it held {len(world.held_by(killed))} "
                  f"({len(held)} held by both)")
            mine = world.held_by(killed)
            at = time.monotonic()
            settled = _Stopwatch(at, lambda: not world.still_held(mine))
            whole = _Stopwatch(at, world.whole)
            with settled.watching(), whole.watching():
                whole.wait(TIMEOUT)
                settled.wait(TIMEOUT)
        finally:
            for bot in bots:
                _stop(bot)
        doubled, missing = world.messaged()
        return Outcome("replica", "postgresql", recipients, killed_after, len(mine),
                       settled.seconds, whole.seconds, doubled, missing)


# -- the world: sandbox, database, bot processes -------------------------------------------


class _World:
    def __init__(self, sandbox: SlackSandbox, engine: Engine, url: str, source: Path,
                 workdir: Path, users: list[str]) -> None:
        self.sandbox, self.engine, self.url, self.source = sandbox, engine, url, source
        self.workdir, self.users = workdir, users
        clean = {k: v for k, v in os.environ.items()
                 if not k.startswith(("SLACK_", "DATABASE_", "DELIVERY_", "PYTHONPATH"))}
        self.env = clean | {
            "SLACK_BOT_TOKEN": sandbox.bot_token, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": sandbox.api_url, "DATABASE_URL": url, "LOG_LEVEL": "INFO",
            "PYTHONPATH": str(source),
        }
        self._logs = 0

    def cli(self, *args: str) -> str:
        done = subprocess.run(  # noqa: S603 (our own CLI, fixed arguments)
            [sys.executable, "-m", "bot", *args], env=self.env, cwd=self.source,
            capture_output=True, text=True, timeout=TIMEOUT, check=False)
        if done.returncode != 0:
            raise SystemExit(f"`{' '.join(args[:2])}` failed: {done.stderr[-2000:]}")
        if os.environ.get("BENCH_VERBOSE"):
            print(done.stderr)
        return done.stdout

    def spawn(self, *args: str) -> subprocess.Popen[bytes]:
        self._logs += 1
        log = (self.workdir / f"bot-{self._logs}.log").open("wb")
        return subprocess.Popen(  # noqa: S603 (our own CLI, fixed arguments)
            [sys.executable, "-m", "bot", *args], env=self.env, cwd=self.source,
            stdout=log, stderr=subprocess.STDOUT)

    def faults(self) -> None:
        self.sandbox.fail_share(POST, every=5, status=429, retry_after=1)
        self.sandbox.fail_share(POST, every=7, status=503, applied=True)
        self.sandbox.fail_share(POST, every=11, status=503, applied=False)
        self.sandbox.delay_answers(POST, ANSWER_DELAY)

    def open_wave(self) -> None:
        """Today's wave of the pulse, opened without sending it (the replicas send it)."""
        from bot.core.config import load_settings
        from bot.core.services import create_services
        from bot.pulses.waves import manual_wave_time, open_pulse_wave
        from bot.slack.client import create_web_client

        settings = load_settings(env_file=None, slack_bot_token=self.sandbox.bot_token,
                                 slack_signing_secret=SIGNING_SECRET,
                                 slack_api_url=self.sandbox.api_url, database_url=self.url)
        services = create_services(settings)
        open_pulse_wave(services, name="wave", team_id=self.sandbox.team_id,
                        scheduled_for=manual_wave_time(services.clock()),
                        client=create_web_client(settings))
        services.engine.dispose()

    def sandbox_messaged(self) -> int:
        return sum(1 for user in self.users
                   if self.sandbox.messages(self.sandbox.dm_channel(user)))

    def kill_when_messaged(self, process: subprocess.Popen[bytes], share: float) -> int:
        deadline = time.monotonic() + TIMEOUT
        while self.sandbox_messaged() < share * len(self.users):
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the sender finished or stalled before it could be killed")
            time.sleep(0.02)
        _kill(process)
        return self.sandbox_messaged()

    def held(self) -> dict[int, Any]:
        """Deliveries being sent now, and when each was claimed."""
        with self.engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT id, claimed_at FROM delivery WHERE status = 'sending'")).all()
        return {int(row_id): claimed_at for row_id, claimed_at in rows}

    def holding(self, process: subprocess.Popen[bytes]) -> int:
        return len(self.held_by(process))

    def held_by(self, process: subprocess.Popen[bytes]) -> dict[int, Any]:
        with self.engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT d.id, d.claimed_at FROM delivery d JOIN sender s "
                "ON s.id = d.claimed_by WHERE d.status = 'sending' AND s.pid = :pid"),
                {"pid": process.pid}).all()
        return {int(row_id): claimed_at for row_id, claimed_at in rows}

    def still_held(self, claims: dict[int, Any]) -> bool:
        """Is any of these deliveries still sending under the same claim?"""
        now = self.held()
        return any(now.get(row_id) == claimed_at for row_id, claimed_at in claims.items())

    def whole(self) -> bool:
        """Every recipient's delivery recorded as sent (not merely none unsent: before the
        wave is opened there is no delivery at all)."""
        with self.engine.connect() as connection:
            sent = connection.execute(text(
                "SELECT count(*) FROM delivery WHERE status = 'sent'")).scalar_one()
        return int(sent) == len(self.users)

    def messaged(self) -> tuple[int, int]:
        counts = [len(self.sandbox.messages(self.sandbox.dm_channel(user)))
                  for user in self.users]
        return sum(1 for n in counts if n > 1), sum(1 for n in counts if n == 0)


@contextmanager
def _world(database: str, recipients: int, source: Path) -> Iterator[_World]:
    with tempfile.TemporaryDirectory(prefix="bench-recovery-") as tmp, SlackSandbox() as sandbox:
        users = [f"U0R{n:06d}" for n in range(recipients)]
        for user in users:
            sandbox.add_user(user, name=user.lower())
        with database_url(database) as url:
            engine = create_db_engine(url)
            world = _World(sandbox, engine, url, source, Path(tmp), users)
            world.cli("db", "upgrade")
            try:
                yield world
            finally:
                engine.dispose()


# -- timing --------------------------------------------------------------------------------


class _Stopwatch:
    """Seconds from `start` until `condition` first holds, polled every 50 ms in a thread."""

    def __init__(self, start: float, condition: Callable[[], bool]) -> None:
        self.started, self._condition = start, condition
        self.seconds = float("nan")
        self._stop = False

    def done(self) -> bool:
        return self.seconds == self.seconds  # not NaN

    @contextmanager
    def watching(self) -> Iterator[None]:
        import threading

        def poll() -> None:
            while not self._stop and not self.done():
                if self._condition():
                    self.seconds = time.monotonic() - self.started
                    return
                time.sleep(0.05)

        thread = threading.Thread(target=poll, daemon=True)
        thread.start()
        try:
            yield
        finally:
            self._stop = True
            thread.join()

    def wait(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not self.done() and time.monotonic() < deadline:
            time.sleep(0.05)


def _kill(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            _kill(process)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


if __name__ == "__main__":
    sys.exit(main())
