"""Several replicas delivering one wave together: do they stay within the workspace's rate, and
use it?

    python benchmarks/bench_replicas_rate.py [--recipients 10000] [--rate 50] [--replicas 3]
        [--database postgresql|sqlite]

A sandbox with N users limits chat.postMessage as Slack does: --rate messages a second for the
workspace (burst 5) and about one a second per channel. A fresh database gets one wave of N
deliveries (written straight through the storage functions, as bench_dispatch.py does), and
--replicas bot processes, each with its own engine, sender and Slack client and
SLACK_POST_RATE=--rate, deliver it at once, as `run` replicas do. The sandbox stays in this
process. Printed: recipients delivered, doubled and lost (what the sandbox holds), the 429s its
limiter answered, elapsed time from the replicas' start to the last one's end, messages a
second, their share of the limit, each replica's share of the wave, and the load average. The
sandbox runs ahead of the replicas for the CPU (nice -10, where allowed; --same-priority: not)
and collects no garbage while they send.
The exit status is non-zero if anyone got two messages or none.
"""

from __future__ import annotations

import argparse
import gc
import logging
import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing.synchronize import Barrier

from bench_databases import database_url
from bench_dispatch import BURST, POST, bench_settings, enqueue_wave

from bot.core.services import Services, utc_now
from bot.pulses.dispatch import deliver_due
from bot.pulses.post_rate import shared_pacer
from bot.sandbox.slack_api import SlackSandbox
from bot.slack.client import create_web_client
from storage.engine import create_db_engine
from storage.migrate import upgrade


@dataclass(frozen=True)
class ReplicaRun:
    database_url: str
    api_url: str
    bot_token: str
    wave_id: int
    rate: float


@dataclass(frozen=True)
class ReplicaReport:
    sent: int
    slots: int  # send slots taken from the shared rate
    missed: int  # of them, let go because every sender was late for them
    started: float  # time.time()
    finished: float


_start: Barrier | None = None
SANDBOX_NICE = -10


def _ready(barrier: Barrier, nice: int) -> None:
    global _start  # one per worker process, set once by the pool's initializer
    _start = barrier
    os.setpriority(os.PRIO_PROCESS, 0, nice)  # back to the bot's own priority


def favour_sandbox() -> int | None:
    """Run this process (the sandbox) ahead of the replicas for the CPU, as Slack does not
    share the bot's: on a loaded machine a starved sandbox reads a backlog of posts at once and
    its limiter answers the bunch 429, a stall of its own that Slack would not have. Returns
    the priority the replicas go back to, None if this process may not raise its own."""
    before = os.getpriority(os.PRIO_PROCESS, 0)
    try:
        os.setpriority(os.PRIO_PROCESS, 0, SANDBOX_NICE)
    except PermissionError:
        return None
    return before


def replica(run: ReplicaRun) -> ReplicaReport:
    """One replica: deliver the wave's due deliveries until none is left. A process of its own."""
    logging.basicConfig(level=logging.WARNING, format="  %(levelname)s %(name)s: %(message)s")
    settings = bench_settings(api_url=run.api_url, bot_token=run.bot_token,
                              database_url=run.database_url).model_copy(
        update={"slack_post_rate": run.rate})
    engine = create_db_engine(run.database_url)
    services = Services(settings=settings, engine=engine, clock=utc_now)
    client = create_web_client(settings)
    assert _start is not None
    _start.wait()
    started = time.time()
    sent = 0
    pacer = shared_pacer(services, None)  # as deliver_due makes it, kept here for its counts
    while True:
        summary = deliver_due(services, client, wave_id=run.wave_id, pacer=pacer)
        sent += summary.sent
        if not summary.sent and not summary.retrying:
            break
    finished = time.time()
    engine.dispose()
    return ReplicaReport(sent=sent, slots=pacer.taken, missed=pacer.missed, started=started,
                         finished=finished)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=50.0,
                        help="what the sandbox permits, and SLACK_POST_RATE")
    parser.add_argument("--replicas", type=int, default=3)
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--same-priority", dest="favour_sandbox", action="store_false",
                        help="run the sandbox at the replicas' CPU priority, not ahead of them")
    args = parser.parse_args()
    users = [f"U{n:08d}" for n in range(args.recipients)]
    print(f"{args.database}: {args.recipients:,} recipients, {args.replicas} replicas, "
          f"{args.rate:g}/s permitted; load average {os.getloadavg()[0]:.2f}", flush=True)
    with SlackSandbox() as sandbox, database_url(args.database) as url:
        for user_id in users:
            sandbox.add_user(user_id, name=user_id.lower())
        sandbox.limit_rate(POST, per_second=args.rate, burst=BURST)
        sandbox.limit_rate(POST, per_second=1, per_channel=True)
        engine = create_db_engine(url)
        upgrade(engine)
        wave_id = enqueue_wave(engine, sandbox.team_id, users)
        engine.dispose()
        run = ReplicaRun(database_url=url, api_url=sandbox.api_url,
                         bot_token=sandbox.bot_token, wave_id=wave_id, rate=args.rate)
        context = multiprocessing.get_context("spawn")
        barrier = context.Barrier(args.replicas)
        bot_nice = favour_sandbox() if args.favour_sandbox else None
        replicas_at = "the same" if bot_nice is None else f"nice {bot_nice}"
        print(f"sandbox priority: nice {os.getpriority(os.PRIO_PROCESS, 0)}, replicas "
              f"{replicas_at}", flush=True)
        # No garbage collection in the sandbox while the replicas send: a full collection of
        # its users and messages stalled it for a few hundred ms every 16 s or so, and the
        # posts in flight meanwhile (four per replica) reached its limiter at once. Reference
        # counting still frees what it serves; cycles wait for the end of the run.
        gc.freeze()
        gc.disable()
        with ProcessPoolExecutor(args.replicas, mp_context=context, initializer=_ready,
                                 initargs=(barrier, os.getpriority(os.PRIO_PROCESS, 0)
                                           if bot_nice is None else bot_nice)) as pool:
            reports = list(pool.map(replica, [run] * args.replicas))
        gc.enable()
        per_user = [len(sandbox.messages(sandbox.dm_channel(u))) for u in users]
        limited = sandbox.rate_limited_count(POST)
    load = os.getloadavg()
    delivered = sum(1 for n in per_user if n)
    doubled = sum(1 for n in per_user if n > 1)
    lost = per_user.count(0)
    elapsed = max(r.finished for r in reports) - min(r.started for r in reports)
    achieved = delivered / elapsed if elapsed else 0.0
    print(f"\n{'replicas':>8} {'delivered':>9} {'doubled':>7} {'lost':>4} {'429s':>5} "
          f"{'elapsed s':>9} {'msg/s':>6} {'of limit':>8}  each replica sent")
    print(f"{args.replicas:>8} {delivered:>9,} {doubled:>7} {lost:>4} {limited:>5} "
          f"{elapsed:>9.1f} {achieved:>6.1f} {achieved / args.rate:>8.1%}  "
          f"{', '.join(f'{r.sent:,}' for r in reports)}")
    slots, missed = sum(r.slots for r in reports), sum(r.missed for r in reports)
    print(f"\nsend slots taken {slots:,}; let go because every sender was late for them "
          f"{missed:,} ({missed / max(slots, 1):.1%})")
    print(f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    if doubled or lost:
        print(f"FAIL: {doubled} doubled, {lost} lost", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
