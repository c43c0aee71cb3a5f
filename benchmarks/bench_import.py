"""How fast `responses import` brings history: rows per second at 1k, 10k and 100k rows.

    python benchmarks/bench_import.py [--sizes 1000,10000,100000]
        [--database sqlite|postgresql|both] [--comment-share 0.25]

Each size is imported into a fresh database (a SQLite file, or a private PostgreSQL schema)
through the function the command calls (bot.answers.history.import_history): reading the
CSV, resolving the customers, scoring the comments, and the one transaction that writes the
answers, the rollups and each customer's order. The file is what a two-year export looks like:
one customer per ten rows (Slack IDs, one in ten named by an account instead), NPS and CSAT
mixed, and `--comment-share` of the rows with a comment, every comment different (so scoring
them is real work: a cache of repeated texts would flatter the figure). E-mails are left out:
looking them up runs at Slack's rate, not ours (see docs/OPERATIONS.md).

It prints, per database and size, the seconds and rows per second of the first import (wall
time, and this process's CPU time, which a busy machine inflates far less) and of importing
the same file again (which adds nothing), the CPU time scoring the comments costs on its own
(the import includes it), the load average, and the
ratio of the largest size's rate to the smallest's (near 1: the cost grows with the rows, no
faster). The issue's bar is 100,000 rows in under a minute on SQLite. It asserts nothing,
except that every row was stored once.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta

from bench_databases import chosen_databases, database_url  # beside this file
from slack_sdk import WebClient
from sqlalchemy import func, select

from bot.answers.history import import_history
from bot.core.config import load_settings
from bot.core.services import Services
from bot.insights.sentiment import score_comment
from storage.engine import create_db_engine, session_scope
from storage.migrate import upgrade
from storage.models import Response
from storage.workspaces import ensure_workspace

TEAM = "T0BENCH"
NOW = datetime.now(UTC).replace(microsecond=0)
OPENINGS = ("Support", "The export", "Billing", "Onboarding", "The dashboard", "Pricing",
            "The mobile app", "Single sign-on", "The API", "Reporting")
VERDICTS = ("was quick and friendly", "is far too slow for us", "charged us twice again",
            "made it easy to start", "keeps timing out", "is clear and useful",
            "never replied to our ticket", "is good value", "needs better docs",
            "saves us hours every week")
NPS_WEIGHTS = (2, 1, 1, 2, 2, 4, 6, 10, 14, 24, 34)
CSAT_WEIGHTS = (4, 6, 10, 40, 40)


def history_file(rows: int, comment_share: float, rng: random.Random) -> str:
    customers = max(1, rows // 10)
    lines = ["customer,submitted_at,metric,score,comment,pulse"]
    for n in range(rows):
        who = rng.randrange(customers)
        customer = f"Account {who:06d}" if who % 10 == 0 else f"U{who:09d}"
        # Distinct instants: a customer's answers of one metric never collide.
        when = NOW - timedelta(days=730) + timedelta(seconds=n * 600 + rng.randrange(600))
        metric = "nps" if n % 3 else "csat"
        score = (rng.choices(range(11), NPS_WEIGHTS)[0] if metric == "nps"
                 else rng.choices(range(1, 6), CSAT_WEIGHTS)[0])
        comment = ""
        if rng.random() < comment_share:
            comment = (f"{rng.choice(OPENINGS)} {rng.choice(VERDICTS)} "
                       f"(ticket {n}, {rng.choice(OPENINGS).lower()} too)")
            comment = f'"{comment}"'
        lines.append(f"{customer},{when.isoformat()},{metric},{score},{comment},Imported NPS")
    return "\n".join(lines) + "\n"


def measure(url: str, text: str, rows: int) -> tuple[float, float, float]:
    """Seconds of the first import, of the second (which adds nothing), and this process's
    CPU seconds in the first: on a busy machine the wall time counts the wait for a core too,
    the CPU time does not (for SQLite, which runs in this process, it is nearly all the
    work; PostgreSQL's own work is in another process and not in it)."""
    engine = create_db_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        ensure_workspace(session=session, team_id=TEAM, name="Bench", now=NOW)
    settings = load_settings(env_file=None, database_url=url,
                             slack_signing_secret="bench-only")  # noqa: S106 (never sent)
    services = Services(settings=settings, engine=engine, clock=lambda: NOW)
    client = WebClient(base_url="http://127.0.0.1:9/api/")  # no e-mails: never called
    begin, cpu = time.perf_counter(), time.process_time()
    first = import_history(services, client, text, team_id=TEAM)
    first_s, first_cpu = time.perf_counter() - begin, time.process_time() - cpu
    begin = time.perf_counter()
    again = import_history(services, client, text, team_id=TEAM)
    again_s = time.perf_counter() - begin
    with session_scope(engine) as session:
        stored = session.execute(select(func.count()).select_from(Response)).scalar_one()
    engine.dispose()
    if (first.added, again.added, again.unchanged, stored) != (rows, 0, rows, rows):
        print(f"  WRONG: added {first.added}, then {again.added} (unchanged {again.unchanged}),"
              f" stored {stored}, expected {rows} once")
        sys.exit(1)
    return first_s, again_s, first_cpu


def scoring_seconds(text: str) -> float:
    """What scoring the file's comments costs on its own (the import does the same)."""
    comments = {row["comment"] for row in csv.DictReader(io.StringIO(text)) if row["comment"]}
    begin = time.process_time()
    for comment in comments:
        score_comment(comment)
    return time.process_time() - begin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--comment-share", type=float, default=0.25)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rng = random.Random(15)
    files = {size: history_file(size, args.comment_share, rng) for size in sizes}
    rates: dict[str, dict[int, float]] = {}
    print(f"{int(args.comment_share * 100)}% of rows with a comment, every comment different\n")
    print(f"load average at the start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    print("database   |     rows | first import s | rows/s | CPU s | rows/CPU s | "
          "scoring alone, CPU s | again s | rows/s")
    for database in chosen_databases(args.database):
        rates[database] = {}
        for size in sizes:
            scoring = scoring_seconds(files[size])
            with database_url(database) as url:
                first, again, cpu = measure(url, files[size], size)
            rates[database][size] = size / first
            print(f"{database:<10} | {size:>8,} | {first:>14.2f} | {size / first:>6,.0f} | "
                  f"{cpu:>5.1f} | {size / cpu:>10,.0f} | {scoring:>20.2f} | {again:>7.2f} | "
                  f"{size / again:>6,.0f}", flush=True)
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")
    largest, smallest = sizes[-1], sizes[0]
    for database, by_size in rates.items():
        print(f"{database}: rows/s at {largest:,} over rows/s at {smallest:,}: "
              f"{by_size[largest] / by_size[smallest]:.2f}")
    if len(rates) == 2:
        print(f"postgresql over sqlite rows/s at {largest:,}: "
              f"{rates['postgresql'][largest] / rates['sqlite'][largest]:.2f}")


if __name__ == "__main__":
    main()
