"""The bot's memory at rest and under load: RSS of `python -m bot run`, with ratios to rest.

    python benchmarks/bench_memory.py [--database sqlite|postgresql|both] [--idle 10]
        [--wave 10000] [--post-rate 100] [--rate 200] [--seconds 60] [--history 1000000]
        [--rounds 3] [--phases engagement,wave,clicks]

Per database, two bot processes (the machinery of bench_click_ack.py: the bot as
`python -m bot run` against the Slack sandbox, its RSS read from /proc twice a second):

1. On a freshly migrated, empty database: at rest (started, idle --idle s); then while its own
   worker delivers a wave of --wave pulses at SLACK_POST_RATE=--post-rate; then while it
   acknowledges --rate score clicks a second for --seconds on those pulses. One process goes
   through all three, as a running bot would, so each phase starts from the one before.
2. On a database seeded with --history answers (the bulk generator, storage/seed.py), started with
   --no-worker: at rest, then while it answers every /engagement view --rounds times over
   signed HTTP.

--phases picks what runs: `--phases wave --post-rate 1000` is the fast wave alone (a wave of
exactly --wave, no clicks, no seeded history), the quickest way to see the worker's memory.

Each phase prints the RSS at its end, the highest RSS sampled during it, and that peak over the
same process's RSS at rest. tracemalloc is meaningful for the code of one request, not for a server
process that also holds uvicorn, Bolt and the database driver: the last table is the traced
peak of each /engagement view at --history, computed in a fresh process of its own.
bench_dispatch.py prints the traced peak of a wave. This prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench_click_ack import (
    SIGNING_SECRET,
    BotProcess,
    RssSampler,
    add_users,
    click_bodies,
    deliver_wave,
    generate_load,
    loadavg,
    plan_clicks,
)
from bench_databases import database_url
from bench_engagement_command import VIEWS

from bot.app.grammar import parse_engagement
from bot.core.config import load_settings
from bot.core.services import Services
from bot.reporting.answers import answer_engagement
from bot.reporting.grammar import EngagementQuery
from bot.sandbox.client import SignedSlackClient
from bot.sandbox.slack_api import SlackSandbox
from storage.engine import create_db_engine
from storage.migrate import upgrade
from storage.seed import seed_history

STAFF = "U0STAFF"
AFTER_WAVE = 12.0  # seconds: two of the worker's 5 s cycles
PHASES = ("engagement", "wave", "clicks")
REPEAT_SHARE = 0.15


@dataclass(frozen=True)
class Phase:
    database: str
    name: str
    end_mb: float
    peak_mb: float
    seconds: float
    note: str = ""


def sampled(bot: BotProcess, name: str, kind: str, work: Callable[[], str],
            note: str = "") -> Phase:
    """Run `work()` while sampling the bot's RSS; the phase's peak is the highest sample.
    What `work` returns is added to the note."""
    started = time.perf_counter()
    with RssSampler(bot) as sampler:
        said = work()
    end = bot.status("VmRSS")
    peak = max([*sampler.samples, end])
    return Phase(kind, name, end, peak, time.perf_counter() - started,
                 (note + said).removeprefix("; "))


def at_rest(bot: BotProcess, kind: str, name: str, idle: float) -> Phase:
    def idle_for() -> str:
        time.sleep(idle)
        return ""

    return sampled(bot, name, kind, idle_for)


def serving_phases(kind: str, args: argparse.Namespace, folder: Path) -> list[Phase]:
    clicking = "clicks" in args.phases
    total = round(args.rate * args.seconds) if clicking else 0
    recipients = max(args.wave, total - round(total * REPEAT_SHARE))
    with SlackSandbox() as sandbox, database_url(kind) as url:
        users = add_users(sandbox, recipients)
        engine = create_db_engine(url)
        upgrade(engine)
        bot = BotProcess(database_url=url, sandbox=sandbox, log=folder / f"memory-{kind}.log",
                         post_rate=args.post_rate)
        try:
            phases = [at_rest(bot, kind, f"at rest ({args.idle:g} s idle, empty database)",
                              args.idle)]

            def wave() -> str:
                delivered = deliver_wave(engine, sandbox, users)
                # The reminder and closing sweeps run on the leader's next cycle, after the
                # last send: wait them out, so the phase holds the whole wave's aftermath.
                time.sleep(AFTER_WAVE)
                # VmHWM is the process's true peak (the samples are 0.5 s apart and the
                # sweeps' spikes shorter); nothing before this phase came near it.
                return (f"; delivered in {delivered.deliver_seconds:.0f} s; "
                        f"VmHWM {bot.status('VmHWM'):,.0f} MB")

            phases.append(sampled(bot, f"delivering a wave of {recipients:,}", kind, wave,
                                  f"SLACK_POST_RATE={args.post_rate:g}"))
            if not clicking:
                return phases
            clicks = plan_clicks(users, total=total, rate=args.rate, repeat_share=REPEAT_SHARE,
                                 rng=random.Random(11))
            bodies = click_bodies(sandbox, clicks)

            def click() -> str:
                with ProcessPoolExecutor(
                        1, mp_context=multiprocessing.get_context("spawn")) as pool:
                    load = pool.submit(generate_load, "127.0.0.1", bot.port, bodies,
                                       args.rate).result()
                late = sum(1 for s in load.samples if s.status != 200
                           or s.done - s.due > 3)
                return f"; {len(load.samples):,} clicks, {late:,} errors or over 3 s"

            phases.append(sampled(bot, f"{args.rate:g} clicks/s for {args.seconds:g} s", kind,
                                  click, f"load average before {loadavg()}"))
        finally:
            bot.stop()
            engine.dispose()
    return phases


def engagement_phases(kind: str, args: argparse.Namespace, folder: Path) -> list[Phase]:
    with SlackSandbox() as sandbox, database_url(kind) as url:
        sandbox.add_user(STAFF, name="staff")
        engine = create_db_engine(url)
        upgrade(engine)
        print(f"  seeding {args.history:,} answers ...", flush=True)
        seed_history(engine, responses=args.history, customers=max(50, args.history // 50),
                     now=datetime.now(UTC), team_id=sandbox.team_id)
        engine.dispose()
        # No worker: it would spend the phase closing two years of seeded waves, editing
        # messages the sandbox never held, which is catching up on fake history, not serving.
        bot = BotProcess(database_url=url, sandbox=sandbox, log=folder / f"engage-{kind}.log",
                         extra_env={"ADMIN_USER_IDS": STAFF}, worker=False)
        slack = SignedSlackClient(bot_url=bot.url + "/slack/events",
                                  signing_secret=SIGNING_SECRET, sandbox=sandbox, timeout=60)
        try:
            phases = [at_rest(bot, kind, f"at rest ({args.idle:g} s idle, "
                                         f"{args.history:,} answers)", args.idle)]

            def ask() -> str:
                slowest = 0.0
                failed: list[str] = []  # Bolt answers 404 when the ack took over 3 s
                for _ in range(args.rounds):
                    for view in VIEWS:
                        started = time.perf_counter()
                        reply = slack.slash_command(STAFF, view)
                        slowest = max(slowest, time.perf_counter() - started)
                        if reply.status != 200:
                            failed.append(f"{view or 'overview'} HTTP {reply.status}")
                return f"slowest answer {slowest:.2f} s; not answered: {failed or 'none'}"

            phases.append(sampled(bot, f"/engagement, every view x{args.rounds}, "
                                       f"{args.history:,} answers", kind, ask))
            traced = traced_views(url, sandbox.team_id)
        finally:
            bot.stop()
    for view, peak in traced.items():
        phases.append(Phase(kind, f"tracemalloc peak: /engagement {view or 'overview'}",
                            float("nan"), peak, 0.0))
    return phases


def traced_views(url: str, team_id: str) -> dict[str, float]:
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(_traced_views, url, team_id).result()


def _traced_views(url: str, team_id: str) -> dict[str, float]:
    """Each view's traced allocation peak (MB), after one untraced warm-up answer."""
    engine = create_db_engine(url)
    settings = load_settings(env_file=None, database_url=url,
                             slack_signing_secret="bench-only")  # noqa: S106 (never sent anywhere)
    services = Services(settings=settings, engine=engine, clock=lambda: datetime.now(UTC))
    peaks = {}
    for view in VIEWS:
        query = parse_engagement(view)
        assert isinstance(query, EngagementQuery)
        answer_engagement(services, team_id=team_id, query=query)
        tracemalloc.start()
        answer_engagement(services, team_id=team_id, query=query)
        peaks[view] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    engine.dispose()
    return peaks


def print_table(phases: list[Phase]) -> None:
    print(f"\n{'database':<10} {'phase':<48} {'end MB':>7} {'peak MB':>8} {'x rest':>7} "
          f"{'seconds':>7}  note")
    rest: dict[str, float] = {}
    for p in phases:
        if p.name.startswith("tracemalloc"):
            print(f"{p.database:<10} {p.name:<48} {'':>7} {p.peak_mb:>8.2f}")
            continue
        if p.name.startswith("at rest"):
            rest[p.database] = p.end_mb  # each process against its own rest
        base = rest[p.database]
        print(f"{p.database:<10} {p.name:<48} {p.end_mb:>7.0f} {p.peak_mb:>8.0f} "
              f"{p.peak_mb / base:>6.2f}x {p.seconds:>7.0f}  {p.note}")


def phase_list(text: str) -> list[str]:
    chosen = [name.strip() for name in text.split(",") if name.strip()]
    unknown = set(chosen) - set(PHASES)
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"phases are among {', '.join(PHASES)}")
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--idle", type=float, default=10.0)
    parser.add_argument("--wave", type=int, default=10_000)
    parser.add_argument("--post-rate", type=float, default=100.0)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--history", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--phases", type=phase_list, default=",".join(PHASES),
                        help="comma-separated, of " + ", ".join(PHASES)
                             + " (clicks go with the wave they answer)")
    args = parser.parse_args()
    databases = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    folder = Path(tempfile.mkdtemp(prefix="bench-memory-"))
    print(f"bot logs in {folder}; load average {loadavg()}")
    phases: list[Phase] = []
    for kind in databases:
        if "engagement" in args.phases:
            print(f"{kind}: /engagement at {args.history:,} answers", flush=True)
            phases += engagement_phases(kind, args, folder)
            print_table(phases)
        if {"wave", "clicks"} & set(args.phases):
            print(f"{kind}: serving", flush=True)
            phases += serving_phases(kind, args, folder)
            print_table(phases)
    print(f"\nAll phases (load average now {loadavg()}):")
    print_table(phases)


if __name__ == "__main__":
    sys.exit(main())
