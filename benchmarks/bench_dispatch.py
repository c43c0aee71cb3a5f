"""Deliveries per second against Slack-like rate limits, and whether each lands exactly once.

    python benchmarks/bench_dispatch.py [--recipients 10000] [--rate 100]
        [--database sqlite|postgresql|both] [--variant paced|unpaced|both]
        [--no-tracemalloc] [--profile]

A sandbox with N users limits chat.postMessage as Slack does: a workspace-wide budget of --rate
messages a second (burst 5) and about one a second per channel. A fresh database gets one wave
of N deliveries, written straight through the storage functions (no users.info per user), and
deliver_due sends it with the bot's own WebClient (which sleeps Retry-After on a 429):
  paced    Pacer at the permitted rate, as the bot runs;
  unpaced  Pacer at 1,000,000/s, so the dispatcher bounces off the limit and lives on
           Retry-After (each 429 idles it 1-2 s: expect a few messages a second).
Deliveries that run out of 429 retries are backed off by the dispatcher; the benchmark moves the
bot's clock past the backoff instead of waiting, and counts those extra passes.

Each case runs in a fresh process, so its peak RSS is its own. The exit status is non-zero only
if a recipient got two messages or none: that is correctness; the rates are for reading.
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import multiprocessing
import pstats
import resource
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry import HttpRequest, HttpResponse, RateLimitErrorRetryHandler, RetryState
from sqlalchemy import Engine, text

from bot.config import Settings, load_settings
from bot.pulses.dispatch import MAX_ATTEMPTS, MAX_BACKOFF, deliver_due
from bot.pulses.pacing import Pacer
from bot.sandbox.slack_api import SlackSandbox
from bot.services import Services, create_web_client
from storage.deliveries import status_counts
from storage.engine import create_db_engine, session_scope
from storage.migrate import upgrade
from storage.models import DeliveryStatus, Metric
from storage.pulses import (
    create_pulse,
    enqueue_deliveries,
    ensure_respondents,
    ensure_workspace,
    open_wave,
)

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
POST = "chat.postMessage"
BURST = 5  # Slack tolerates short bursts; the bot's Pacer uses the same
UNPACED_RATE = 1_000_000.0
CHUNK = 1000  # rows per multi-row INSERT: SQLite allows 32,766 bound values per statement


@dataclass(frozen=True)
class Case:
    database: str
    variant: str
    recipients: int
    rate: float  # what the sandbox permits
    pacer_rate: float
    pacer_burst: int
    trace: bool
    profile: bool


@dataclass(frozen=True)
class BotRun:
    """What the bot process is told: where Slack and the database are, and how to pace."""

    database_url: str
    api_url: str
    bot_token: str
    wave_id: int
    pacer_rate: float
    pacer_burst: int
    trace: bool
    profile: bool


@dataclass(frozen=True)
class BotReport:
    """What the bot process measured of itself."""

    passes: int  # deliver_due calls; more than 1 when deliveries were backed off
    elapsed: float
    slack_seconds: float  # inside WebClient calls, less the Retry-After sleeps
    retry_sleep: float
    pacer_sleep: float
    maxrss_mb: float
    traced_peak_mb: float | None


@dataclass(frozen=True)
class Outcome:
    case: Case
    bot: BotReport
    delivered: int  # recipients with at least one message in their DM
    duplicates: int  # recipients with more than one
    lost: int  # recipients with none
    db_sent: int
    db_failed: int
    limited: int  # 429s the sandbox answered

    @property
    def achieved(self) -> float:
        return self.delivered / self.bot.elapsed if self.bot.elapsed else 0.0

    @property
    def share(self) -> float:
        return self.achieved / self.case.rate


class TimedRateLimitRetry(RateLimitErrorRetryHandler):
    """The bot's 429 handler, also adding up the seconds it sleeps on Retry-After."""

    slept = 0.0

    def prepare_for_next_attempt(self, *, state: RetryState, request: HttpRequest,
                                 response: HttpResponse | None = None,
                                 error: Exception | None = None) -> None:
        started = time.perf_counter()
        super().prepare_for_next_attempt(state=state, request=request, response=response,
                                         error=error)
        self.slept += time.perf_counter() - started


class TimedWebClient(WebClient):
    """A WebClient adding up the wall time of its calls (round trip, retries and their sleeps)."""

    seconds = 0.0

    def api_call(self, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return super().api_call(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - started


class BenchClock:
    """The bot's clock: the wall clock, plus whatever the benchmark skipped ahead."""

    def __init__(self) -> None:
        self.skipped = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.skipped


def timed_client(settings: Settings) -> tuple[TimedWebClient, TimedRateLimitRetry]:
    """The client create_web_client builds, with its 429 handler timed."""
    base = create_web_client(settings)
    retry = TimedRateLimitRetry(
        max_retry_count=next(h.max_retry_count for h in base.retry_handlers
                             if isinstance(h, RateLimitErrorRetryHandler)))
    handlers = [retry if isinstance(h, RateLimitErrorRetryHandler) else h
                for h in base.retry_handlers]
    client = TimedWebClient(token=base.token, base_url=base.base_url, timeout=base.timeout,
                            retry_handlers=handlers)
    return client, retry


def bench_settings(*, api_url: str, bot_token: str, database_url: str) -> Settings:
    return load_settings(env_file=None, slack_bot_token=bot_token, slack_api_url=api_url,
                         slack_signing_secret="bench-only",  # noqa: S106 (never sent anywhere)
                         database_url=database_url)


@contextmanager
def database(kind: str) -> Iterator[str]:
    """A fresh, empty database URL: a SQLite file, or a private PostgreSQL schema."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / 'bench.db'}"
        return
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_db_engine(POSTGRES, pool_size=1, max_overflow=0)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def enqueue_wave(engine: Engine, team_id: str, users: list[str]) -> int:
    """A pulse for `users` and one wave of deliveries, due now; returns the wave id."""
    now = datetime.now(UTC)
    with session_scope(engine) as session:
        ensure_workspace(session=session, team_id=team_id, name="Bench Co", now=now)
        pulse = create_pulse(
            session=session, team_id=team_id, name="bench", metric=Metric.NPS,
            question="How likely are you to recommend us to a friend or colleague?",
            follow_up="What is the main reason for your score?", audience=users, now=now)
        assert pulse.id is not None
        wave = open_wave(session=session, pulse_id=pulse.id, scheduled_for=now, now=now)
        assert wave.id is not None
        for start in range(0, len(users), CHUNK):
            respondents = ensure_respondents(session=session, team_id=team_id,
                                             user_ids=users[start:start + CHUNK], now=now)
            enqueue_deliveries(session=session, wave_id=wave.id, now=now,
                               respondent_ids=[r.id for r in respondents.values() if r.id])
        return wave.id


def dispatch_wave(run: BotRun) -> BotReport:
    """The bot's side: deliver the wave as the bot would. Runs in a process of its own."""
    logging.basicConfig(level=logging.WARNING, format="  %(levelname)s %(name)s: %(message)s")
    settings = bench_settings(api_url=run.api_url, bot_token=run.bot_token,
                              database_url=run.database_url)
    engine = create_db_engine(run.database_url)
    clock = BenchClock()
    services = Services(settings=settings, engine=engine, clock=clock)
    client, retry = timed_client(settings)
    paced: list[float] = []

    def pacer_sleep(seconds: float) -> None:
        paced.append(seconds)
        time.sleep(seconds)

    pacer = Pacer(run.pacer_rate, burst=run.pacer_burst, sleep=pacer_sleep)
    profiler = cProfile.Profile() if run.profile else None
    if run.trace:
        tracemalloc.start()
    started = time.perf_counter()
    passes = 0
    if profiler:
        profiler.enable()
    while True:
        summary = deliver_due(services, client, wave_id=run.wave_id, pacer=pacer)
        passes += 1
        if not summary.retrying or passes > MAX_ATTEMPTS:
            break
        # Backed-off deliveries are due again once the backoff has passed; skip to then.
        clock.skipped += MAX_BACKOFF
    if profiler:
        profiler.disable()
    elapsed = time.perf_counter() - started
    traced = tracemalloc.get_traced_memory()[1] / 2**20 if run.trace else None
    tracemalloc.stop()
    engine.dispose()
    if profiler:
        print("\nWhere the bot process's time went (cProfile, by own time):")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(20)
        sys.stdout.flush()
    return BotReport(
        passes=passes, elapsed=elapsed, slack_seconds=client.seconds - retry.slept,
        retry_sleep=retry.slept, pacer_sleep=sum(paced),
        # Linux reports ru_maxrss in KiB.
        maxrss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        traced_peak_mb=traced)


def measure(case: Case) -> Outcome:
    """Set up Slack and the database here, deliver in a fresh bot process, then count.

    The sandbox stays in this process: real Slack is not in the bot's interpreter, so the fake
    must not compete with it for the GIL, nor count towards its memory.
    """
    users = [f"U{n:08d}" for n in range(case.recipients)]
    with SlackSandbox() as sandbox, database(case.database) as url:
        for user_id in users:
            sandbox.add_user(user_id, name=user_id.lower())
        sandbox.limit_rate(POST, per_second=case.rate, burst=BURST)
        sandbox.limit_rate(POST, per_second=1, per_channel=True)
        engine = create_db_engine(url)
        upgrade(engine)
        wave_id = enqueue_wave(engine, sandbox.team_id, users)
        run = BotRun(database_url=url, api_url=sandbox.api_url, bot_token=sandbox.bot_token,
                     wave_id=wave_id, pacer_rate=case.pacer_rate, pacer_burst=case.pacer_burst,
                     trace=case.trace, profile=case.profile)
        # spawn, not fork: a clean interpreter, so its peak RSS is the run's alone.
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            bot = pool.submit(dispatch_wave, run).result()
        per_user = [len(sandbox.messages(sandbox.dm_channel(u))) for u in users]
        with session_scope(engine) as session:
            statuses = status_counts(session=session, wave_id=wave_id)
        engine.dispose()
        return Outcome(
            case=case, bot=bot, delivered=sum(1 for n in per_user if n),
            duplicates=sum(1 for n in per_user if n > 1), lost=per_user.count(0),
            db_sent=statuses[DeliveryStatus.SENT], db_failed=statuses[DeliveryStatus.FAILED],
            limited=sandbox.rate_limited_count(POST))


def print_table(outcomes: list[Outcome]) -> None:
    print(f"\n{'database':<10} {'variant':<8} {'pacer':>9} {'delivered':>9} {'dup':>4} "
          f"{'lost':>4} {'db sent':>8} {'failed':>6} {'429s':>6} {'passes':>6} "
          f"{'elapsed s':>9} {'msg/s':>7} {'of rate':>7} {'maxrss MB':>9} {'traced MB':>9}")
    for o in outcomes:
        b = o.bot
        traced = f"{b.traced_peak_mb:9.1f}" if b.traced_peak_mb is not None else f"{'-':>9}"
        pacer = f"{o.case.pacer_rate:g}/{o.case.pacer_burst}"
        print(f"{o.case.database:<10} {o.case.variant:<8} {pacer:>9} {o.delivered:>9,} "
              f"{o.duplicates:>4} {o.lost:>4} {o.db_sent:>8,} {o.db_failed:>6} {o.limited:>6,} "
              f"{b.passes:>6} {b.elapsed:>9.1f} {o.achieved:>7.1f} {o.share:>7.1%} "
              f"{b.maxrss_mb:>9.0f} {traced}")
    print(f"\n{'database':<10} {'variant':<8} {'slack calls s':>13} {'retry-after s':>13} "
          f"{'pacer sleep s':>13} {'rest (db+cpu) s':>15} {'busy ms/msg':>11} "
          f"{'slack ms/call':>13}")
    for o in outcomes:
        b = o.bot
        rest = b.elapsed - b.slack_seconds - b.retry_sleep - b.pacer_sleep
        # Busy: what one delivery costs the bot when it never waits; 1000/busy is its ceiling.
        busy = 1000 * (b.slack_seconds + rest) / max(o.delivered, 1)
        per_call = 1000 * b.slack_seconds / max(o.delivered + o.limited, 1)
        print(f"{o.case.database:<10} {o.case.variant:<8} {b.slack_seconds:>13.1f} "
              f"{b.retry_sleep:>13.1f} {b.pacer_sleep:>13.1f} {rest:>15.1f} {busy:>11.2f} "
              f"{per_call:>13.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=100.0,
                        help="chat.postMessage messages a second the sandbox permits")
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--variant", choices=["paced", "unpaced", "both"], default="both")
    parser.add_argument("--pacer-share", type=float, default=1.0,
                        help="paced variant: pace at this share of --rate (default: all of it)")
    parser.add_argument("--pacer-burst", type=int, default=BURST,
                        help=f"paced variant: the Pacer's burst (default {BURST}, as the bot's)")
    parser.add_argument("--no-tracemalloc", dest="trace", action="store_false",
                        help="skip tracemalloc, whose bookkeeping slows every allocation")
    parser.add_argument("--profile", action="store_true",
                        help="cProfile the bot process (slows it: rates are then off)")
    args = parser.parse_args()
    databases = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    variants = ["paced", "unpaced"] if args.variant == "both" else [args.variant]
    outcomes: list[Outcome] = []
    # Paced cases first: they are the timing-sensitive ones, the unpaced mostly sleep.
    for variant in variants:
        for kind in databases:
            pacer_rate = args.rate * args.pacer_share if variant == "paced" else UNPACED_RATE
            case = Case(kind, variant, args.recipients, args.rate, pacer_rate,
                        args.pacer_burst if variant == "paced" else BURST,
                        args.trace, args.profile)
            print(f"{kind}, {variant}: {args.recipients:,} recipients, "
                  f"{args.rate:g}/s permitted ...", flush=True)
            outcomes.append(measure(case))
            print_table(outcomes[-1:])
    print("\nAll cases:")
    print_table(outcomes)
    wrong = [o for o in outcomes if o.duplicates or o.lost]
    for o in wrong:
        print(f"FAIL {o.case.database} {o.case.variant}: {o.duplicates} duplicated, "
              f"{o.lost} lost", file=sys.stderr)
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
