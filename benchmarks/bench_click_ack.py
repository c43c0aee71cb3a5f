"""How fast the bot acknowledges score clicks over HTTP under a steady, open-loop request rate.

    python benchmarks/bench_click_ack.py [--rate 200] [--seconds 60]
        [--database sqlite|postgresql|both] [--repeat-share 0.15] [--post-rate 1000]
        [--bot-cpu quietest|none|N]

Three processes, as in production: this one holds the Slack sandbox (Slack's Web API) and the
database set-up; the bot runs as `python -m bot run` (uvicorn, its worker included) in a second;
the load generator, in a third, plays Slack's side of the interactivity URL.

1. A fresh database (SQLite file, or a private PostgreSQL schema) gets one NPS wave to as many
   recipients as there will be first clicks; the bot's own worker delivers it to the sandbox.
2. The generator sends --rate signed block_actions clicks a second for --seconds, open loop:
   request i leaves at start + i/rate whether or not earlier ones were answered, each on its own
   connection, so a slow server shows as latency and concurrency, never as a lower rate.
   Most clicks are a delivery's first; --repeat-share of them click a delivery again 1-5 s later
   (two in three a different score, one in three the same score: a double click).
3. Latency is from the moment a request was due to its whole HTTP answer (the ack); the
   generator's own lateness (sent minus due) is printed beside it. It prints p50, p90, p95, p99 and
   max of the acknowledged clicks, p99 over Slack's 3 s, the answers that were 5xx (503: the
   bot refused the click), other failures (4xx, connection failures, 10 s timeouts), and
   "> 3 s", answers Slack would have given up on.
4. Afterwards the database must hold exactly one answer per clicked delivery, with the score of
   that delivery's last click: a lost (acknowledged, not stored, and the person not told so),
   doubled or stale answer is a failure (exit status 1). "told" counts clicks answered 200 with
   the private "not saved, click again" note (a SQLite write lock held past 1.2 s).
5. CPU ms per click is the bot process's CPU (every thread, user and system, from /proc) over
   the clicks offered, beside its threads' context switches a click; the sandbox counts the
   connections the bot opened to Slack meanwhile. Every click's times and the bot's CPU every
   half second are kept in timeline-<database>.json beside the bot's log, to see when a run
   fell behind.
6. The bot is held to one core (PIN_TO_CPU, --bot-cpu; by default the core devices interrupt
   least), as docs/OPERATIONS.md advises for production, and Slack's side (this process's
   sandbox, the generator) to the others, as it is never on the bot's machine; PostgreSQL goes
   where the kernel puts it. --bot-cpu none leaves every thread to the kernel.

This prints figures; it asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.error import URLError
from urllib.parse import urlencode
from urllib.request import urlopen

from bench_databases import database_url
from bench_dispatch import enqueue_wave
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import Engine, text

from bot.app.outage import CLICK_NOT_SAVED
from bot.core import ids
from bot.core.cpu import TASKS, hold_threads
from bot.sandbox.client import SignedSlackClient, signature_headers
from bot.sandbox.slack_api import SlackSandbox
from storage.deliveries import status_counts
from storage.engine import create_db_engine, read_only_session
from storage.migrate import upgrade
from storage.models import DeliveryStatus, Metric

SIGNING_SECRET = "bench-signing-secret"  # noqa: S105 (the sandbox's, never sent anywhere real)
ACTION_TS = "BENCHACTIONTS"  # replaced by the send time in each body: survives urlencode as is
SLACK_LIMIT = 3.0  # seconds Slack waits for an ack
TIMEOUT = 10.0
ROOT = Path(__file__).resolve().parents[1]


def loadavg() -> str:
    """The 1, 5 and 15-minute load averages: how busy the shared machine was."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# -- the bot, in a process of its own ----------------------------------------------------------


class BotProcess:
    """`python -m bot run` on a free port, against the sandbox and one database."""

    def __init__(self, *, database_url: str, sandbox: SlackSandbox, log: Path,
                 post_rate: float = 1000.0, extra_env: dict[str, str] | None = None,
                 command: list[str] | None = None, worker: bool = True) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_"))},
            "DATABASE_URL": database_url, "SLACK_API_URL": sandbox.api_url,
            "SLACK_BOT_TOKEN": sandbox.bot_token, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_POST_RATE": f"{post_rate:g}", "LOG_LEVEL": "INFO",
            "PYTHONPATH": str(ROOT), **(extra_env or {}),
        }
        self._log: IO[bytes] = log.open("wb")
        # The working directory is the log's folder: no stray .env is read from the checkout.
        self.process = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
            command or [sys.executable, "-m", "bot", "run", "--host", "127.0.0.1",
                        "--port", str(self.port), *([] if worker else ["--no-worker"])],
            env=env, cwd=log.parent, stdout=self._log, stderr=subprocess.STDOUT)
        self.log = log
        self._wait_healthy()

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urlopen(self.url + "/healthz", timeout=2):  # noqa: S310 (local)
                    return
            except (URLError, ConnectionError, TimeoutError):  # a busy machine starts slowly
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("the bot did not start:\n"
                                       + self.log.read_text(errors="replace")[-3000:]) from None
                time.sleep(0.2)

    def status(self, key: str) -> float:
        """A /proc/PID/status memory figure (VmRSS, VmHWM) in MB."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024  # kB
        raise KeyError(key)

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime

    def context_switches(self) -> int:
        """Voluntary and involuntary context switches of every thread the bot has now."""
        total = 0
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            try:
                lines = (task / "status").read_text().splitlines()
            except OSError:  # the thread ended meanwhile
                continue
            total += sum(int(line.split()[1]) for line in lines
                         if "ctxt_switches" in line)
        return total

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


class RssSampler:
    """Samples the bot's RSS twice a second while a phase runs (VmHWM gives the true peak)."""

    def __init__(self, bot: BotProcess) -> None:
        self.bot = bot
        self.samples: list[float] = []
        self.cpu: list[tuple[float, float]] = []  # (monotonic time, the bot's CPU seconds)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            try:
                self.samples.append(self.bot.status("VmRSS"))
                self.cpu.append((time.monotonic(), self.bot.cpu_seconds()))
            except (OSError, KeyError):
                return

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- the wave the clicks answer ----------------------------------------------------------------


@dataclass(frozen=True)
class Wave:
    wave_id: int
    users: list[str]
    deliver_seconds: float


def add_users(sandbox: SlackSandbox, count: int) -> list[str]:
    users = [f"U{n:08d}" for n in range(count)]
    for user_id in users:
        sandbox.add_user(user_id, name=user_id.lower())
    return users


def deliver_wave(engine: Engine, sandbox: SlackSandbox, users: list[str],
                 *, timeout: float = 900) -> Wave:
    """Enqueue a wave to `users` and wait until the running bot's worker has sent all of it."""
    started = time.perf_counter()
    wave_id = enqueue_wave(engine, sandbox.team_id, users)
    while True:
        with read_only_session(engine) as session:
            counts = status_counts(session=session, wave_id=wave_id)
        done = counts[DeliveryStatus.SENT] + counts[DeliveryStatus.FAILED]
        if done >= len(users):
            break
        if time.perf_counter() - started > timeout:
            raise RuntimeError(f"only {done} of {len(users)} delivered in {timeout:.0f} s")
        time.sleep(0.5)
    if counts[DeliveryStatus.FAILED]:
        raise RuntimeError(f"{counts[DeliveryStatus.FAILED]} deliveries failed")
    return Wave(wave_id, users, time.perf_counter() - started)


# -- what the clicks are -----------------------------------------------------------------------


@dataclass(frozen=True)
class Click:
    user: str
    score: int


def plan_clicks(users: list[str], *, total: int, rate: float, repeat_share: float,
                rng: random.Random) -> list[Click]:
    """First clicks in user order; each repeat 1-5 s after the first click it repeats."""
    repeats = round(total * repeat_share)
    firsts = total - repeats
    if firsts > len(users):
        raise ValueError(f"{firsts} first clicks need as many recipients, not {len(users)}")
    timed: list[tuple[float, Click]] = []
    first_scores: list[int] = []
    for index in range(firsts):
        first_scores.append(rng.randint(0, 10))
        timed.append((index, Click(users[index], first_scores[-1])))
    for _ in range(repeats):
        index = rng.randrange(firsts)
        # Two in three change the score, one in three repeat it (a double click).
        score = (first_scores[index] if rng.random() < 1 / 3
                 else rng.choice([s for s in range(11) if s != first_scores[index]]))
        timed.append((index + rate * rng.uniform(1, 5) + 0.5, Click(users[index], score)))
    timed.sort(key=lambda pair: pair[0])
    return [click for _, click in timed]


def click_bodies(sandbox: SlackSandbox, clicks: list[Click]) -> list[bytes]:
    """Each click as Slack would post it, built by the sandbox client from the real message,
    with a placeholder where the generator writes the send time as action_ts."""
    client = SignedSlackClient(bot_url="http://unused", signing_secret=SIGNING_SECRET,
                               sandbox=sandbox)
    messages: dict[str, dict[str, Any]] = {}
    bodies = []
    for click in clicks:
        if click.user not in messages:
            messages[click.user] = sandbox.messages(sandbox.dm_channel(click.user))[0]
        payload = client.click_payload(click.user, messages[click.user],
                                       ids.score_action_id(Metric.NPS.value, click.score))
        payload["actions"][0]["action_ts"] = ACTION_TS
        bodies.append(urlencode({"payload": json.dumps(payload)}).encode())
    return bodies


# -- the load generator, in a process of its own -----------------------------------------------


@dataclass(frozen=True)
class Sample:
    due: float
    sent: float
    done: float
    status: int  # 0: no HTTP answer (see error)
    error: str = ""


@dataclass
class Load:
    samples: list[Sample]
    started: float
    finished: float
    cpu_seconds: float
    extra: dict[str, float] = field(default_factory=dict)


def generate_load(host: str, port: int, bodies: list[bytes], rate: float,
                  cpus: set[int] | None = None) -> Load:
    if cpus:
        os.sched_setaffinity(0, cpus)
    return asyncio.run(_drive(host, port, bodies, rate))


def quietest_cpu() -> int:
    """Of the cores this process may use, the one that has handled fewest device interrupts
    (/proc/interrupts): a disk's or network card's are often all taken on one core, and a
    PostgreSQL commit's fsync lands there."""
    allowed = sorted(os.sched_getaffinity(0))
    lines = Path("/proc/interrupts").read_text().splitlines()
    cores = [int(name[3:]) for name in lines[0].split()]  # "CPU0 CPU1 ..."
    taken = dict.fromkeys(cores, 0)
    for line in lines[1:]:
        counts = line.split()[1:1 + len(cores)]
        if len(counts) == len(cores) and all(count.isdigit() for count in counts):
            for core, count in zip(cores, counts, strict=True):
                taken[core] += int(count)
    return min(allowed, key=lambda core: (taken.get(core, 0), core))


def keep_off(cpu: int | None) -> set[int] | None:
    """Hold the other threads of this process (the sandbox's: Slack's side) to the cores other
    than the bot's; the cores to give the load generator too. None when the bot is not held.
    The calling thread stays as it is: the next bot process started from it inherits its
    affinity, and must be free to take its core."""
    others = os.sched_getaffinity(0) - {cpu}
    if cpu is None or not others:
        return None
    hold_threads(TASKS, others, but=threading.get_native_id())
    return others


async def _drive(host: str, port: int, bodies: list[bytes], rate: float) -> Load:
    verifier = SignatureVerifier(SIGNING_SECRET)
    loop = asyncio.get_running_loop()
    cpu = time.process_time()
    start = loop.time() + 0.2
    tasks = []
    for index, body in enumerate(bodies):
        due = start + index / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(_click(host, port, verifier, body, due)))
    samples = list(await asyncio.gather(*tasks))
    return Load(samples, start, loop.time(), time.process_time() - cpu)


async def _click(host: str, port: int, verifier: SignatureVerifier, template: bytes,
                 due: float) -> Sample:
    loop = asyncio.get_running_loop()
    sent = loop.time()
    body = template.replace(ACTION_TS.encode(), f"{time.time():.6f}".encode())
    headers = {"Host": f"{host}:{port}", "Content-Type": "application/x-www-form-urlencoded",
               "Content-Length": str(len(body)), "Connection": "close",
               "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
               **signature_headers(verifier, body)}
    request = ("POST /slack/events HTTP/1.1\r\n"
               + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n").encode() + body
    try:
        status = await asyncio.wait_for(_exchange(host, port, request), TIMEOUT)
    except TimeoutError:
        return Sample(due, sent, loop.time(), 0, "timeout")
    except OSError as error:
        return Sample(due, sent, loop.time(), 0, type(error).__name__)
    return Sample(due, sent, loop.time(), status)


async def _exchange(host: str, port: int, request: bytes) -> int:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(request)
        await writer.drain()
        status = int((await reader.readline()).split()[1])
        length = 0
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        await reader.readexactly(length)
        return status
    finally:
        writer.close()


# -- checking the database afterwards ----------------------------------------------------------


@dataclass(frozen=True)
class Check:
    clicked: int  # distinct deliveries clicked
    answers: int  # answer rows of the wave
    missing: int  # acknowledged, yet not stored
    doubled: int
    wrong_score: int

    @property
    def ok(self) -> bool:
        return not (self.missing or self.doubled or self.wrong_score)


def check_answers(engine: Engine, wave: Wave, clicks: list[Click], acked: list[bool], *,
                  quiet: float = 10, limit: float = 900) -> Check:
    """Every clicked delivery answered exactly once, with its last click's score.

    A click that got no 200 is one Slack would report as failed: it may or may not have been
    stored, so a delivery whose last clicks failed may hold any of their scores or the score of
    the acknowledged click before them. A listener whose ack missed Slack's 3 s still runs,
    later, from Bolt's queue: wait until the answers stop changing for `quiet` seconds (or
    `limit` passes) before judging.
    """
    allowed: dict[str, set[int]] = {}
    answered = {click.user for click, ok in zip(clicks, acked, strict=True) if ok}
    for click, ok in zip(clicks, acked, strict=True):
        # An acknowledged click settles the answer; failed ones after it may have changed it.
        allowed[click.user] = ({click.score} if ok
                               else allowed.get(click.user, set()) | {click.score})
    query = text("SELECT r.delivery_id, r.score, r.action_ts, p.user_id FROM response r "
                 "JOIN delivery d ON d.id = r.delivery_id "
                 "JOIN respondent p ON p.id = d.respondent_id WHERE r.wave_id = :wave")
    started = changed = time.monotonic()
    rows: list[Any] = []
    while True:
        # Read-only: on SQLite a plain BEGIN reads beside the bot's writers in WAL mode, where
        # the bot's BEGIN IMMEDIATE would queue behind them.
        with read_only_session(engine) as session:
            now_rows = sorted(session.connection().execute(query, {"wave": wave.wave_id}).all())
        now = time.monotonic()
        if now_rows != rows:
            rows, changed = now_rows, now
        if now - changed > quiet or now - started > limit:
            break
        time.sleep(2)
    by_user: dict[str, list[int]] = {}
    for _delivery, score, _ts, user in rows:
        by_user.setdefault(user, []).append(score)
    return Check(
        clicked=len(allowed), answers=len(rows),
        missing=sum(1 for user in answered if user not in by_user),
        doubled=sum(1 for scores in by_user.values() if len(scores) > 1),
        wrong_score=sum(1 for user, scores in by_user.items()
                        if user in allowed and scores[-1] not in allowed[user]))


# -- one case ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    database: str
    load: Load
    check: Check
    deliver_seconds: float
    recipients: int
    bot_cpu: float
    rss_rest: float
    rss_peak: float
    updates: int
    connections: int  # TCP connections the bot opened to the sandbox during the clicks
    told_not_saved: int  # clicks answered 200 and told privately their answer was not saved
    load_before: str
    load_after: str
    switches: int = 0  # the bot's threads' context switches during the clicks


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


# Where a click's CPU goes: a sample is charged to the first of these steps with a frame in its
# stack, so a library's work counts for the step of the click that called it.
PROFILE_STEPS = (
    ("chat.update: rendering the answered pulse", ("render_answered_pulse",)),
    ("chat.update: the Web API call (JSON, HTTP)", ("WebClient.chat_update",)),
    ("logging", ("Logger.", "Handler.", "Formatter.")),
    ("storing the answer (SQL)", ("record_answer",)),
    ("Bolt: middleware, matching, arguments", ("App.dispatch", "ThreadListenerRunner")),
    ("parsing the request", ("_bolt_request", "to_bolt_request", "BoltRequest.__init__")),
    ("signature check", ("SignatureVerifier.",)),
    ("HTTP server (uvicorn, Starlette, the event loop)",
     ("uvicorn", "starlette", "Runner.run", "slack_events")),
)
# Samples matching no step above, charged by their innermost frame alone (every thread's stack
# starts in threading.py and concurrent.futures).
HANDOVER = ("threads handing work over",
            ("ThreadPoolExecutor.submit", "concurrent/futures/thread.py", "Condition.", "Event.",
             "Queue.", "Semaphore."))


def profile_summary(raw: Path, *, cpu_ms_per_click: float, top: int = 15) -> str:
    """py-spy's collapsed stacks (GIL holder only) as CPU ms per click by step of the click,
    then the functions most often on CPU themselves."""
    own: dict[str, int] = {}
    steps: dict[str, int] = {}
    samples = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        samples += int(count)
        own[frames[-1]] = own.get(frames[-1], 0) + int(count)
        step = next((name for name, marks in PROFILE_STEPS
                     if any(mark in frame for frame in frames for mark in marks)),
                    HANDOVER[0] if any(mark in frames[-1] for mark in HANDOVER[1])
                    else "other (the worker, the sweeps, the interpreter)")
        steps[step] = steps.get(step, 0) + int(count)
    if not samples:
        return "py-spy: no samples"
    lines = [f"py-spy: {samples:,} samples of the thread holding the GIL; "
             f"CPU ms per click by step (of {cpu_ms_per_click:.2f}):"]
    lines += [f"  {cpu_ms_per_click * n / samples:6.2f} ms {n / samples:6.1%}  {name}"
              for name, n in sorted(steps.items(), key=lambda i: -i[1])]
    lines += ["own time:"]
    lines += [f"  {n / samples:6.1%}  {f}"
              for f, n in sorted(own.items(), key=lambda i: -i[1])[:top]]
    return "\n".join(lines)


def measure(kind: str, *, rate: float, seconds: float, repeat_share: float,
            post_rate: float, folder: Path, py_spy: str | None = None,
            bot_cpu_core: int | None = None) -> Outcome:
    total = round(rate * seconds)
    recipients = total - round(total * repeat_share)
    with SlackSandbox() as sandbox, database_url(kind) as url:
        users = add_users(sandbox, recipients)
        engine = create_db_engine(url)
        upgrade(engine)
        profile = folder / f"py-spy-{kind}.txt"
        bot = BotProcess(database_url=url, sandbox=sandbox, log=folder / f"bot-{kind}.log",
                         post_rate=post_rate,
                         extra_env=({} if bot_cpu_core is None
                                    else {"PIN_TO_CPU": str(bot_cpu_core)}))
        # Slack's side is not on the bot's machine in production: kept off the bot's core.
        elsewhere = keep_off(bot_cpu_core)
        try:
            print(f"  delivering {recipients:,} pulses through the bot's worker ...", flush=True)
            wave = deliver_wave(engine, sandbox, users)
            print(f"  ... in {wave.deliver_seconds:.1f} s; building {total:,} clicks", flush=True)
            clicks = plan_clicks(users, total=total, rate=rate, repeat_share=repeat_share,
                                 rng=random.Random(11))
            bodies = click_bodies(sandbox, clicks)
            sandbox.clear_calls()
            time.sleep(2)  # let the worker's post-wave sweep finish before the clock starts
            connections = sandbox.connections_accepted
            rest = bot.status("VmRSS")
            before, cpu, switches = loadavg(), bot.cpu_seconds(), bot.context_switches()
            print(f"  {rate:g} clicks/s for {seconds:g} s (load average {before}) ...",
                  flush=True)
            # py-spy attaches for the clicks only; its sampling costs the bot CPU, so a
            # profiled run's latencies are pessimistic. Only the thread holding the GIL is
            # sampled: without --gil, threads waiting on a queue or a socket were counted as
            # working (py-spy cannot tell in --nonblocking mode), a third of all samples.
            spy = subprocess.Popen(  # noqa: S603 (the profiler the caller asked for)
                [py_spy, "record", "--pid", str(bot.process.pid), "--format", "raw",
                 "--gil", "--rate", "200", "--nonblocking", "-o", str(profile)],
                stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT) if py_spy else None
            with (RssSampler(bot) as sampler,
                  ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool):
                load = pool.submit(generate_load, "127.0.0.1", bot.port, bodies, rate,
                                   elsewhere).result()
            if spy is not None:
                spy.send_signal(signal.SIGINT)  # py-spy writes its profile on SIGINT
                spy.wait(timeout=60)
            bot_cpu, after = bot.cpu_seconds() - cpu, loadavg()
            switches = bot.context_switches() - switches
            (folder / f"timeline-{kind}.json").write_text(json.dumps({
                "samples": [[x.due, x.sent, x.done, x.status] for x in load.samples],
                "started": load.started, "cpu": sampler.cpu}))
            print(f"  sent {len(load.samples):,}; {sum(x.status == 200 for x in load.samples):,} "
                  f"answered 200; checking the database ...", flush=True)
            check = check_answers(engine, wave, clicks,
                                  [sample.status == 200 for sample in load.samples])
            updates = len(sandbox.calls("chat.update"))
            connections = sandbox.connections_accepted - connections
            # A click whose transaction met a locked SQLite file for over 1.2 s is answered 200
            # with this private note (bot.app.outage): not stored, but not lost silently.
            told = sum(1 for call in sandbox.calls("response_url")
                       if call.args.get("text") == CLICK_NOT_SAVED)
            peak = bot.status("VmHWM")
        finally:
            bot.stop()
            engine.dispose()
    if py_spy and profile.exists():
        print(profile_summary(profile, cpu_ms_per_click=1000 * bot_cpu / len(load.samples)))
    return Outcome(kind, load, check, wave.deliver_seconds, recipients, bot_cpu, rest, peak,
                   updates, connections, told, before, after, switches)


def print_table(outcomes: list[Outcome], rate: float) -> None:
    """One row per database: what Slack offered and got, and what it cost the bot."""
    print(f"\n{'database':<10} {'offered':>7} {'acked':>7} {'p50 ms':>7} {'p90 ms':>7} "
          f"{'p95 ms':>7} "
          f"{'p99 ms':>7} {'max ms':>7} {'p99/3s':>6} {'> 3 s':>5} {'5xx':>5} {'other':>5} "
          f"{'lost':>5} {'told':>5} {'doubled':>7} {'stale':>5} {'CPU ms/click':>12} "
          f"{'gen lag p99':>11}")
    for o in outcomes:
        s = o.load.samples
        acked = [x for x in s if x.status == 200]
        latency = [1000 * (x.done - x.due) for x in acked]
        lag = [1000 * (x.sent - x.due) for x in s]
        answered_5xx = sum(1 for x in s if 500 <= x.status <= 599)
        other = len(s) - len(acked) - answered_5xx  # 4xx, refused connections, timeouts
        late = sum(1 for x in latency if x > 1000 * SLACK_LIMIT)
        p99 = percentile(latency, .99) if latency else float("nan")
        cells = (f"{percentile(latency, .5):>7.0f} {percentile(latency, .9):>7.0f} "
                 f"{percentile(latency, .95):>7.0f} {p99:>7.0f} {max(latency):>7.0f}"
                 if latency else f"{'-':>7} {'-':>7} {'-':>7} {'-':>7} {'-':>7}")
        c = o.check
        # The bot's CPU (user + system, every thread) over the clicks offered: what one click
        # costs it, refused ones included.
        print(f"{o.database:<10} {len(s):>7,} {len(acked):>7,} {cells} "
              f"{p99 / (1000 * SLACK_LIMIT):>6.2f} {late:>5} {answered_5xx:>5} {other:>5} "
              f"{max(0, c.missing - o.told_not_saved):>5} {o.told_not_saved:>5} "
              f"{c.doubled:>7} {c.wrong_score:>5} "
              f"{1000 * o.bot_cpu / len(s):>12.2f} {percentile(lag, .99):>9.1f}ms")
    for o in outcomes:
        kinds: dict[str, int] = {}
        for x in o.load.samples:
            if x.status != 200:
                key = x.error or f"HTTP {x.status}"
                kinds[key] = kinds.get(key, 0) + 1
        last_sent = max(x.sent for x in o.load.samples) - o.load.started
        achieved = len(o.load.samples) / last_sent if last_sent else 0.0
        print(f"  {o.database}: offered at {achieved:.1f}/s; {o.check.answers:,} answers stored "
              f"for {o.check.clicked:,} deliveries clicked; errors {kinds or 'none'}; "
              f"{o.updates:,} chat.update calls over {o.connections:,} new connection(s) to "
              f"Slack; {o.recipients:,} pulses delivered by the bot in "
              f"{o.deliver_seconds:.0f} s; {o.switches / len(o.load.samples):.0f} context "
              f"switches a click in the bot; bot RSS {o.rss_rest:.0f} MB before, peak "
              f"{o.rss_peak:.0f} MB; generator CPU {o.load.cpu_seconds:.1f} s; load average "
              f"before {o.load_before}, after {o.load_after}")
    print(f"  machine: {os.cpu_count()} cores shared by the bot, the generator, the sandbox and "
          f"the database; target {rate:g} clicks/s; p99/3s is the 99th percentile "
          f"acknowledgement over Slack's 3 s; lost = acknowledged, not stored and not told; "
          f"told = acknowledged and told privately the answer was not saved (click again)")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rate", type=float, default=200.0, help="clicks a second (open loop)")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--repeat-share", type=float, default=0.15,
                        help="share of clicks on an already clicked delivery")
    parser.add_argument("--post-rate", type=float, default=1000.0,
                        help="SLACK_POST_RATE for delivering the wave before the clicks")
    parser.add_argument("--bot-cpu", default="quietest",
                        help="the core the bot is held to (PIN_TO_CPU), as production runs "
                             "each replica: a number, 'quietest' (of the cores this process "
                             "may use, the one devices have interrupted least) or 'none' (the "
                             "kernel places its threads, and Slack's side shares its cores)")
    parser.add_argument("--py-spy", action="store_true",
                        help="run the bot under py-spy (on PATH) and print where its CPU went")
    args = parser.parse_args()
    py_spy = shutil.which("py-spy") if args.py_spy else None
    if args.py_spy and py_spy is None:
        parser.error("--py-spy needs py-spy on PATH (pip install py-spy)")
    bot_cpu_core = (None if args.bot_cpu == "none" else quietest_cpu()
                    if args.bot_cpu == "quietest" else int(args.bot_cpu))
    print("the bot " + ("on any core" if bot_cpu_core is None
                        else f"held to CPU {bot_cpu_core} (PIN_TO_CPU)"))
    databases = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    outcomes = []
    # Kept afterwards: the bot's log is where a failed or slow run says why.
    folder = Path(tempfile.mkdtemp(prefix="bench-click-ack-"))
    print(f"bot logs in {folder}")
    for kind in databases:
        print(f"{kind}:", flush=True)
        outcomes.append(measure(kind, rate=args.rate, seconds=args.seconds,
                                repeat_share=args.repeat_share, post_rate=args.post_rate,
                                folder=folder, py_spy=py_spy, bot_cpu_core=bot_cpu_core))
        print_table(outcomes[-1:], args.rate)
    print("\nAll cases:")
    print_table(outcomes, args.rate)
    failed = [o for o in outcomes if not o.check.ok
              and (o.check.doubled or o.check.wrong_score or o.check.missing > o.told_not_saved)]
    for o in failed:
        print(f"FAIL {o.database}: {o.check}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
