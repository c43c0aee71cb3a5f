"""Instructions the bot executes per score click, counted by valgrind's callgrind.

    python benchmarks/bench_click_instructions.py [--clicks 150] [--database sqlite|postgresql]

CPU time per click moves with whatever else the machine runs (other processes' caches, a busy
sibling core); the count of instructions does not, so it compares two versions of the bot on a
shared machine. Needs valgrind (Debian's `valgrind` package).

1. A fresh database gets one NPS wave, delivered to the sandbox in this process.
2. The bot runs as `python -m bot run --no-worker` under callgrind with instrumentation off, so
   it starts at near full speed; instrumentation is switched on, warm-up clicks run (the first
   of each kind pays for imports and caches), and the counters are zeroed.
3. --clicks clicks follow one at a time, each waiting for its acknowledgement and for the
   chat.update that shows the answer, so every instruction the click caused (HTTP server, Bolt,
   the answer's transaction, the after-ack work on its own threads) is inside the count. The
   sandbox and this script run in another process and are not counted.

Under callgrind the bot runs about 50 times slower: Bolt's 3 s for an ack then passes for some
warm-up clicks (404), which is why they are not counted.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_click_ack import (
    ACTION_TS,
    SIGNING_SECRET,
    _free_port,
    add_users,
    click_bodies,
    plan_clicks,
)
from bench_databases import database_url
from bench_dispatch import enqueue_wave
from slack_sdk.signature import SignatureVerifier

from bot.core.config import load_settings
from bot.core.services import Services, utc_now
from bot.pulses.dispatch import deliver_due
from bot.sandbox.client import signature_headers
from bot.sandbox.slack_api import SlackSandbox
from bot.slack.client import create_web_client
from storage.engine import create_db_engine
from storage.migrate import upgrade

ROOT = Path(__file__).resolve().parents[1]
WARM_UP = 30
STARTUP_SECONDS = 900  # imports under callgrind take minutes on a busy machine


def count(kind: str, clicks: int, folder: Path) -> tuple[int, float]:
    """(instructions counted over `clicks` clicks, seconds they took under callgrind)."""
    with SlackSandbox() as sandbox, database_url(kind) as url:
        users = add_users(sandbox, clicks + WARM_UP)
        engine = create_db_engine(url)
        upgrade(engine)
        settings = load_settings(
            env_file=None, slack_bot_token=sandbox.bot_token,
            slack_signing_secret=SIGNING_SECRET, slack_app_token=None,
            slack_api_url=sandbox.api_url, database_url=url)
        wave = enqueue_wave(engine, sandbox.team_id, users)
        services = Services(settings=settings, engine=engine, clock=utc_now)
        while deliver_due(services, create_web_client(settings), wave_id=wave).sent:
            pass
        planned = plan_clicks(users, total=clicks + WARM_UP, rate=200, repeat_share=0,
                              rng=random.Random(11))
        bodies = click_bodies(sandbox, planned)
        port = _free_port()
        env = {**{k: v for k, v in os.environ.items()
                  if not k.startswith(("SLACK_", "DATABASE_"))},
               "DATABASE_URL": url, "SLACK_API_URL": sandbox.api_url,
               "SLACK_BOT_TOKEN": sandbox.bot_token, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
               "LOG_LEVEL": "INFO", "PYTHONPATH": str(ROOT)}
        out = folder / f"callgrind-{kind}.out"
        with (folder / f"bot-{kind}.log").open("wb") as log:
            bot = subprocess.Popen(  # noqa: S603 (valgrind and our own interpreter)
                [shutil.which("valgrind") or "valgrind", "--tool=callgrind", "--instr-atstart=no",
                 f"--callgrind-out-file={out}.%p", sys.executable, "-m", "bot", "run",
                 "--host", "127.0.0.1", "--port", str(port), "--no-worker"],
                env=env, cwd=folder, stdout=log, stderr=subprocess.STDOUT)
            try:
                _wait_healthy(port, bot)
                _control(bot.pid, "-i", "on")
                verifier = SignatureVerifier(SIGNING_SECRET)
                for body in bodies[:WARM_UP]:
                    _click(sandbox, verifier, port, body, strict=False)
                _control(bot.pid, "-z")
                started = time.monotonic()
                for body in bodies[WARM_UP:]:
                    _click(sandbox, verifier, port, body, strict=True)
                took = time.monotonic() - started
                _control(bot.pid, "-d")
            finally:
                bot.terminate()
                bot.wait(timeout=300)
        engine.dispose()
    # The dump asked for above is the file whose name ends in ".<pid>.1".
    dump = next(folder.glob(f"{out.name}.*.1"))
    for line in dump.read_text().splitlines():
        if line.startswith("totals:"):
            return int(line.split()[1]), took
    raise RuntimeError(f"no totals in {dump}")


def _control(pid: int, *command: str) -> None:
    """callgrind_control: -i on (count from now), -z (zero the counts), -d (write them)."""
    subprocess.run(["callgrind_control", *command, str(pid)],  # noqa: S603, S607 (valgrind's)
                   check=True, capture_output=True)


def _wait_healthy(port: int, bot: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if bot.poll() is not None:
            raise RuntimeError("the bot exited during start-up; see its log")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(1)
    raise RuntimeError(f"the bot did not start within {STARTUP_SECONDS} s")


def _click(sandbox: SlackSandbox, verifier: SignatureVerifier, port: int, template: bytes,
           *, strict: bool) -> None:
    body = template.replace(ACTION_TS.encode(), f"{time.time():.6f}".encode())
    updates = len(sandbox.calls("chat.update"))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("POST", "/slack/events", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded",
        **signature_headers(verifier, body)})
    answer = connection.getresponse()
    answer.read()
    if strict and answer.status != 200:
        raise RuntimeError(f"a counted click was answered {answer.status}")
    # The after-ack work (the message edited) belongs to the click: wait for it.
    sandbox.wait_for("chat.update", count=updates + 1, timeout=120)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--clicks", type=int, default=150)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        parser.error("needs valgrind on PATH (apt-get install valgrind)")
    folder = Path(tempfile.mkdtemp(prefix="bench-click-instructions-"))
    print(f"bot logs and callgrind output in {folder}")
    kinds = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    for kind in kinds:
        instructions, took = count(kind, args.clicks, folder)
        print(f"{kind}: {instructions / args.clicks / 1e6:.2f} M instructions per click "
              f"({args.clicks} clicks, {took:.0f} s under callgrind)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
