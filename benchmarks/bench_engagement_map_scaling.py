"""What the engagement map's cost follows: stored history, or the customers in the periods.

    python benchmarks/bench_engagement_map_scaling.py [--database sqlite|postgresql]
        [--runs 5] [--customers 1000] [--years 2,10]

The map places every customer who answered in the period and compares with the period before,
so it reads each of those customers' answers in the three periods it compares (this one, the
one before, and the one before that, for the previous map's "answered last period"). This
seeds the same customers answering at the same rate (a wave every ~15 days) over histories of
different lengths, and prints the 90-day map's p50 next to how many answers the three periods
hold. Flat figures across lengths mean the cost follows the customers and their answers in the
periods, not the stored history. It prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime

from bench_databases import database_url  # beside this file
from bench_engagement_command import TEAM
from sqlalchemy import func
from sqlmodel import col, select

from bot.core.periods import PeriodSpec
from bot.reporting.engagement_map import build_engagement_map
from storage.engine import create_db_engine, session_scope
from storage.migrate import upgrade
from storage.models import Response
from storage.seed import seed_history

WAVE_DAYS = 730 / 50  # the rate bench_engagement_command.py's seeds answer at


def measure(url: str, customers: int, years: int, runs: int) -> tuple[int, int, float]:
    engine = create_db_engine(url)
    upgrade(engine)
    now = datetime.now(UTC)
    days = 365 * years
    waves = int(days / WAVE_DAYS)
    seed_history(engine, responses=customers * waves, customers=customers, now=now, days=days,
                 team_id=TEAM)
    period = PeriodSpec(days=90).resolve(now)
    timings = []
    with session_scope(engine) as session:
        in_periods = session.exec(
            select(func.count()).select_from(Response).where(
                col(Response.team_id) == TEAM,
                col(Response.answered_at) >= period.start - 2 * (period.end - period.start))
        ).one()
        for _ in range(runs):
            begin = time.perf_counter()
            build_engagement_map(session=session, team_id=TEAM, period=period)
            timings.append(1000 * (time.perf_counter() - begin))
    engine.dispose()
    return customers * waves, int(in_periods), statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--customers", default="1000")
    parser.add_argument("--years", default="2,10")
    args = parser.parse_args()
    print(f"{args.database}: customers | history | answers stored | in the 3 periods | map p50")
    for customers in (int(c) for c in args.customers.split(",")):
        for years in (int(y) for y in args.years.split(",")):
            with database_url(args.database) as url:
                stored, in_periods, p50 = measure(url, customers, years, args.runs)
            print(f"{customers:>9,} | {years:>4} y | {stored:>14,} | {in_periods:>16,} | "
                  f"{p50:>7.1f} ms", flush=True)


if __name__ == "__main__":
    main()
