"""Deliveries per second against Slack-like rate limits, and whether each lands exactly once.

    python benchmarks/bench_dispatch.py [--recipients 10000] [--rate 100]
        [--database sqlite|postgresql|both] [--variant paced|unpaced|ceiling|both|all]
        [--pacer-share 1.0] [--pacer-burst 1] [--senders 4] [--no-tracemalloc] [--profile]

A sandbox with N users limits chat.postMessage as Slack does: a workspace-wide budget of --rate
messages a second (burst 5) and about one a second per channel. A fresh database gets one wave
of N deliveries, written straight through the storage functions (no users.info per user), and
deliver_due sends it with the bot's own WebClient (which sleeps Retry-After on a 429):
  paced    a Pacer of this process alone at the permitted rate, burst 1, four senders (the bot
           takes its slots from the rate its replicas share: bench_replicas_rate.py);
  unpaced  Pacer at 1,000,000/s: the dispatcher bounces off the limit and lives on Retry-After;
  ceiling  no limit and no pacing: how fast the bot itself can go (not in `both`).
Deliveries that run out of 429 retries are backed off by the dispatcher; the benchmark moves the
bot's clock past the backoff instead of waiting, and counts those extra passes.

The bot runs in a fresh process per case, so its peak RSS is its own; the sandbox stays in this
one, as Slack is not in the bot's interpreter. tracemalloc slows the bot about threefold, below
100 messages a second, where it would never meet the limit: the traced peak therefore comes from
a second, untimed pass of each case (fresh data, fresh process). The exit status is non-zero only
if a recipient got two messages or none, in any pass: that is correctness; rates are for reading.
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import multiprocessing
import pstats
import resource
import sys
import time
import tracemalloc
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from bench_databases import database_url  # beside this file
from slack_sdk import WebClient
from slack_sdk.http_retry import HttpRequest, HttpResponse, RateLimitErrorRetryHandler, RetryState
from sqlalchemy import Engine, event
from sqlalchemy.pool import ConnectionPoolEntry

from bot.core.config import Settings, load_settings
from bot.core.services import Services
from bot.pulses.dispatch import MAX_ATTEMPTS, MAX_BACKOFF, SENDERS, deliver_due
from bot.pulses.dispatch import PACER_BURST as DISPATCH_PACER_BURST
from bot.pulses.pacing import Pacer
from bot.sandbox.slack_api import SlackSandbox
from bot.slack.client import create_web_client
from storage.deliveries import status_counts
from storage.engine import create_db_engine, session_scope
from storage.migrate import upgrade
from storage.models import DeliveryStatus, Metric
from storage.pulses import create_pulse
from storage.respondents import ensure_respondents
from storage.waves import enqueue_deliveries, open_wave
from storage.workspaces import ensure_workspace

POST = "chat.postMessage"
BURST = 5  # Slack tolerates short bursts
PACER_BURST = DISPATCH_PACER_BURST  # deliver_due's default: see the comment there
UNLIMITED = 1_000_000.0
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
    senders: int = SENDERS

    @property
    def limited(self) -> bool:
        return self.variant != "ceiling"


@dataclass(frozen=True)
class BotRun:
    """What the bot process is told: the case, and where Slack, the database and the wave are."""

    case: Case
    database_url: str
    api_url: str
    bot_token: str
    wave_id: int


@dataclass(frozen=True)
class BotReport:
    """What the bot process measured of itself."""

    passes: int  # deliver_due calls; more than 1 when deliveries were backed off
    elapsed: float
    slack_seconds: float  # inside WebClient calls, less the Retry-After sleeps
    # Connections checked out: the transactions and the ORM work inside them (PostgreSQL's pool
    # pre-ping happens just before checkout, so its round trip counts as "other").
    db_seconds: float
    db_sessions: int
    retry_sleep: float
    pacer_sleep: float
    maxrss_mb: float
    traced_peak_mb: float | None


@dataclass(frozen=True)
class Outcome:
    case: Case
    bot: BotReport
    memory: BotReport | None  # the untimed tracemalloc pass, where one was run
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


class DatabaseTimer:
    """Adds up how long the bot holds database connections (checkout to checkin)."""

    def __init__(self, engine: Engine) -> None:
        self.seconds = 0.0
        self.sessions = 0
        self._since: dict[int, float] = {}
        event.listen(engine, "checkout", self._checkout)
        event.listen(engine, "checkin", self._checkin)

    def _checkout(self, _dbapi: object, record: ConnectionPoolEntry, _proxy: object) -> None:
        self._since[id(record)] = time.perf_counter()

    def _checkin(self, _dbapi: object, record: ConnectionPoolEntry) -> None:
        started = self._since.pop(id(record), None)
        if started is not None:
            self.seconds += time.perf_counter() - started
            self.sessions += 1


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
    database_timer = DatabaseTimer(engine)
    clock = BenchClock()
    services = Services(settings=settings, engine=engine, clock=clock)
    client, retry = timed_client(settings)
    paced: list[float] = []

    def pacer_sleep(seconds: float) -> None:
        paced.append(seconds)
        time.sleep(seconds)

    pacer = Pacer(run.case.pacer_rate, burst=run.case.pacer_burst, sleep=pacer_sleep)
    profiler = cProfile.Profile() if run.case.profile else None
    if run.case.trace:
        tracemalloc.start()
    started = time.perf_counter()
    passes = 0
    if profiler:
        profiler.enable()
    while True:
        summary = deliver_due(services, client, wave_id=run.wave_id, pacer=pacer,
                              senders=run.case.senders)
        passes += 1
        if not summary.retrying or passes > MAX_ATTEMPTS:
            break
        # Backed-off deliveries are due again once the backoff has passed; skip to then.
        clock.skipped += MAX_BACKOFF
    if profiler:
        profiler.disable()
    elapsed = time.perf_counter() - started
    traced = tracemalloc.get_traced_memory()[1] / 2**20 if run.case.trace else None
    tracemalloc.stop()
    engine.dispose()
    if profiler:
        print("\nWhere the bot process's time went (cProfile, by own time):")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(20)
        sys.stdout.flush()
    return BotReport(
        passes=passes, elapsed=elapsed, slack_seconds=client.seconds - retry.slept,
        db_seconds=database_timer.seconds, db_sessions=database_timer.sessions,
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
    with SlackSandbox() as sandbox, database_url(case.database) as url:
        for user_id in users:
            sandbox.add_user(user_id, name=user_id.lower())
        if case.limited:
            sandbox.limit_rate(POST, per_second=case.rate, burst=BURST)
            sandbox.limit_rate(POST, per_second=1, per_channel=True)
        engine = create_db_engine(url)
        upgrade(engine)
        wave_id = enqueue_wave(engine, sandbox.team_id, users)
        run = BotRun(case=case, database_url=url, api_url=sandbox.api_url,
                     bot_token=sandbox.bot_token, wave_id=wave_id)
        # spawn, not fork: a clean interpreter, so its peak RSS is the run's alone.
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            bot = pool.submit(dispatch_wave, run).result()
        per_user = [len(sandbox.messages(sandbox.dm_channel(u))) for u in users]
        with session_scope(engine) as session:
            statuses = status_counts(session=session, wave_id=wave_id)
        engine.dispose()
        return Outcome(
            case=case, bot=bot, memory=None, delivered=sum(1 for n in per_user if n),
            duplicates=sum(1 for n in per_user if n > 1), lost=per_user.count(0),
            db_sent=statuses[DeliveryStatus.SENT], db_failed=statuses[DeliveryStatus.FAILED],
            limited=sandbox.rate_limited_count(POST))


def print_table(outcomes: list[Outcome]) -> None:
    print(f"\n{'database':<10} {'variant':<8} {'pacer':>9} {'delivered':>9} {'dup':>4} "
          f"{'lost':>4} {'db sent':>8} {'failed':>6} {'429s':>6} {'passes':>6} "
          f"{'elapsed s':>9} {'msg/s':>7} {'of rate':>7} {'maxrss MB':>9} {'traced MB':>9}")
    for o in outcomes:
        b = o.bot
        peak = o.memory.traced_peak_mb if o.memory is not None else None
        traced = f"{peak:9.1f}" if peak is not None else f"{'-':>9}"
        pacer = f"{o.case.pacer_rate:g}/{o.case.pacer_burst}x{o.case.senders}"
        print(f"{o.case.database:<10} {o.case.variant:<8} {pacer:>9} {o.delivered:>9,} "
              f"{o.duplicates:>4} {o.lost:>4} {o.db_sent:>8,} {o.db_failed:>6} {o.limited:>6,} "
              f"{b.passes:>6} {b.elapsed:>9.1f} {o.achieved:>7.1f} {o.share:>7.1%} "
              f"{b.maxrss_mb:>9.0f} {traced}")
    print(f"\n{'database':<10} {'variant':<8} {'slack calls s':>13} {'database s':>10} "
          f"{'other s':>11} {'retry-after s':>13} {'pacer sleep s':>13} "
          f"{'busy ms/msg':>11} {'slack ms':>8} {'db ms':>6} {'other ms':>8}"
          "   (summed over the senders; other: CPU and idle senders)")
    for o in outcomes:
        b = o.bot
        # Time spent per sender is summed over the senders: with several, elapsed time is their
        # wall time, so "other" is what is left of senders x elapsed.
        wall = b.elapsed * o.case.senders
        other = wall - b.slack_seconds - b.db_seconds - b.retry_sleep - b.pacer_sleep
        sent = max(o.delivered, 1)
        # Busy: what one delivery costs the bot when it never waits; 1000/busy is its ceiling.
        busy = 1000 * (b.slack_seconds + b.db_seconds + other) / sent
        print(f"{o.case.database:<10} {o.case.variant:<8} {b.slack_seconds:>13.1f} "
              f"{b.db_seconds:>10.1f} {other:>11.1f} {b.retry_sleep:>13.1f} "
              f"{b.pacer_sleep:>13.1f} {busy:>11.2f} {1000 * b.slack_seconds / sent:>8.2f} "
              f"{1000 * b.db_seconds / sent:>6.2f} {1000 * other / sent:>8.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=100.0,
                        help="chat.postMessage messages a second the sandbox permits")
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--variant", default="both",
                        choices=["paced", "unpaced", "ceiling", "both", "all"])
    parser.add_argument("--pacer-share", type=float, default=1.0,
                        help="paced: pace at this share of --rate (default: all of it)")
    parser.add_argument("--pacer-burst", type=int, default=PACER_BURST,
                        help=f"paced: the Pacer's burst (default {PACER_BURST}, deliver_due's)")
    parser.add_argument("--no-tracemalloc", dest="trace", action="store_false",
                        help="no tracemalloc pass (the traced MB column stays empty)")
    parser.add_argument("--senders", type=int, default=SENDERS,
                        help=f"sends in flight at once (default {SENDERS}, deliver_due's)")
    parser.add_argument("--profile", action="store_true",
                        help="cProfile the bot process (slows it: rates are then off)")
    args = parser.parse_args()
    databases = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    variants = {"both": ["paced", "unpaced"], "all": ["ceiling", "paced", "unpaced"]}.get(
        args.variant, [args.variant])
    outcomes: list[Outcome] = []
    wrong: list[Outcome] = []
    # Variant by variant: the timing-sensitive paced cases run before the long unpaced ones.
    for variant in variants:
        for kind in databases:
            case = Case(kind, variant, args.recipients, args.rate,
                        args.rate * args.pacer_share if variant == "paced" else UNLIMITED,
                        args.pacer_burst if variant == "paced" else PACER_BURST,
                        trace=False, profile=args.profile, senders=args.senders)
            print(f"{kind}, {variant}: {args.recipients:,} recipients, "
                  f"{args.rate:g}/s permitted ...", flush=True)
            outcome = measure(case)
            wrong += [outcome] if outcome.duplicates or outcome.lost else []
            if args.trace:
                print("  ... and again under tracemalloc, untimed", flush=True)
                traced = measure(replace(case, trace=True, profile=False))
                wrong += [traced] if traced.duplicates or traced.lost else []
                outcome = replace(outcome, memory=traced.bot)
            outcomes.append(outcome)
            print_table([outcome])
    print(f"\nAll cases ({args.recipients:,} recipients, {args.rate:g}/s permitted):")
    print_table(outcomes)
    for o in wrong:
        print(f"FAIL {o.case.database} {o.case.variant}: {o.duplicates} duplicated, "
              f"{o.lost} lost", file=sys.stderr)
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
