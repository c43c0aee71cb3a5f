"""How long the hourly drift check takes for one workspace as history grows, and the ratio to 1k.

    python benchmarks/bench_drift.py [--sizes 1000,1000000] [--database sqlite|postgresql|both]
        [--runs 10] [--days 30] [--history-days 730] [--sqlite-file PATH]
        [--postgresql-schema NAME]

Each size gets a fresh database seeded with `storage/seed.py`'s bulk generator (two years of
monthly NPS and CSAT waves, customers with a plan and a region: 4 + 3 segments and the whole
workspace, each for both metrics), then the leader's check (`check_drift`: both windows' counts,
every segment's test, the claims) runs --runs times, as the leader runs it each hour. No alert
channel is set, so nothing is posted: the figure is the check's own cost. The cost follows the
answers inside the two windows, not the history's length: --history-days 60 puts every seeded
answer inside them (the worst case for a size). It prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime
from pathlib import Path

from slack_sdk import WebClient
from sqlalchemy import text

from bot.core.config import load_settings
from bot.core.services import Services
from bot.reporting.drift.alerts import check_drift
from bot.reporting.drift.check import DriftWindows, check_segments
from storage.engine import create_db_engine, session_scope
from storage.migrate import upgrade

# The benchmarks' database and seeding helpers (same folder: run from the root as
# `python benchmarks/bench_drift.py`).
from bench_databases import chosen_databases, measure_sizes  # isort: skip
from bench_engagement_command import TEAM, p50_p95, seed_once  # isort: skip


def measure(url: str, size: int, runs: int, days: int, history: int
            ) -> tuple[float, float, int]:
    """(p50 ms, p95 ms, segment-metrics checked) of the check on `size` seeded answers spread
    over `history` days."""
    engine = create_db_engine(url)
    upgrade(engine)
    now = datetime.now(UTC)
    took = seed_once(engine, size, now, days=history)
    print(f"  seeded {size:,} answers in {took:.1f} s" if took else f"  reused {size:,} answers")
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE response, respondent, dailyscorecount"))
    settings = load_settings(env_file=None, database_url=url, drift_period_days=days,
                             slack_signing_secret="bench-only")  # noqa: S106 (never sent anywhere)
    services = Services(settings=settings, engine=engine, clock=lambda: now)
    client = WebClient(base_url="http://127.0.0.1:9/")  # never called: no alert channel
    with session_scope(engine) as session:
        checked = len(check_segments(session=session, team_id=TEAM,
                                     windows=DriftWindows.ending(now, days),
                                     anonymity_minimum=settings.anonymity_minimum))
    timings = []
    for _ in range(runs):
        begin = time.perf_counter()
        check_drift(services, client, team_id=TEAM)
        timings.append(1000 * (time.perf_counter() - begin))
    engine.dispose()
    return (*p50_p95(timings), checked)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,1000000")
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--days", type=int, default=30, help="DRIFT_PERIOD_DAYS")
    parser.add_argument("--history-days", type=int, default=730,
                        help="the seeded history's length; 60 puts every answer in the windows")
    parser.add_argument("--sqlite-file", type=Path, default=None)
    parser.add_argument("--postgresql-schema", default=None)
    args = parser.parse_args()
    if (args.sqlite_file or args.postgresql_schema) and args.history_days != 730:
        # A kept database holds the other benchmarks' two-year history.
        parser.error("--sqlite-file and --postgresql-schema keep only the two-year history")
    sizes = [int(s) for s in args.sizes.split(",")]
    for database in chosen_databases(args.database):
        results = measure_sizes(
            database, sizes,
            lambda url, size: measure(url, size, args.runs, args.days, args.history_days),
            kept_file=args.sqlite_file, kept_schema_name=args.postgresql_schema)
        print(f"\n{database}: answers | drift check p50/p95 ms | segment-metrics checked | "
              f"p50 over {sizes[0]:,}")
        for size in sizes:
            p50, p95, checked = results[size]
            print(f"{size:>13,} | {p50:>9.1f}/{p95:<9.1f} | {checked:>4} | "
                  f"{p50 / max(results[sizes[0]][0], 1e-6):>6.1f}x")
        print()


if __name__ == "__main__":
    main()
