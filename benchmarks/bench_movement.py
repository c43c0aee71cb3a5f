"""How fast `/engagement movement`, `followups effect`, `map movement` and `plan` answer as
history grows.

    python benchmarks/bench_movement.py [--sizes 1000,1000000]
        [--database sqlite|postgresql|both] [--runs 15] [--sqlite-file PATH]
        [--postgresql-schema NAME]

Each size gets a fresh database seeded with storage/seed.py's bulk generator (two years of
monthly NPS and CSAT waves, a customer per 50 answers), plus a follow-up on every other
detractor NPS answer, replied to two hours after it was raised (the seed raises none). Then
each view is computed --runs times through the function the slash command calls, for the
default 90 days and for `quarter`; on PostgreSQL after VACUUM ANALYZE. It prints p50/p95 in ms
per view and size, the p50 of this process's CPU time (on SQLite that includes the database's
work, so it is the steadier figure on a busy machine), and the ratio of the largest size's
p50 to the smallest's. It asserts nothing.

The views are answered as a person gets them: from a snapshot once one was slow to compute
(bot/reporting/snapshots.py; the first run computes and keeps it), movement and the loop effect
from their own, `map movement` (who moved between the map's places) and `plan` (each place's
next step and who is there) from the map's. Their "(live)" rows compute every run, as with
REPORT_SNAPSHOT_MINUTES=0 (for the last two, the whole map with them).

--sqlite-file PATH and --postgresql-schema NAME keep the database of the largest size and reuse
it on the next run (seeding a million answers takes about 10 minutes).
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench_databases import chosen_databases, measure_sizes  # beside this file
from bench_engagement_command import TEAM, report_services, seed_once, time_views
from sqlalchemy import Engine, func, insert, literal, select
from sqlmodel import col

from storage.engine import create_db_engine, session_scope
from storage.migrate import upgrade
from storage.models import FollowUp, Metric, Response

VIEWS = ("movement", "movement quarter", "followups effect", "followups effect quarter",
         "map movement", "plan")
LIVE = ("movement", "followups effect", "map movement", "plan")  # also timed without snapshots


def follow_up_half(engine: Engine) -> int:
    """A follow-up on every other detractor NPS answer, replied to after two hours."""
    detractors = (
        select(col(Response.team_id), col(Response.delivery_id), col(Response.id),
               col(Response.respondent_id), literal(Metric.NPS.value), col(Response.score),
               col(Response.score),
               col(Response.answered_at), col(Response.answered_at),
               col(Response.answered_at) + literal(timedelta(hours=2)), literal(1), literal(1))
        .where(col(Response.team_id) == TEAM, col(Response.metric) == Metric.NPS.value,
               col(Response.score) <= 6, col(Response.delivery_id) % 2 == 0)
    )
    columns = ["team_id", "delivery_id", "response_id", "respondent_id", "metric",
               "raised_score", "score", "raised_at", "touched_at", "first_response_at",
               "revision", "alert_revision"]
    with session_scope(engine) as session:
        if engine.dialect.name == "sqlite":
            # SQLite stores times as text: add the two hours in Python instead.
            rows = session.execute(detractors.with_only_columns(
                col(Response.delivery_id), col(Response.id), col(Response.respondent_id),
                col(Response.score), col(Response.answered_at))).all()
            session.execute(insert(FollowUp), [
                {"team_id": TEAM, "delivery_id": d, "response_id": a, "respondent_id": r,
                 "metric": "nps",
                 "raised_score": s, "score": s, "raised_at": at, "touched_at": at,
                 "first_response_at": at + timedelta(hours=2), "revision": 1,
                 "alert_revision": 1}
                for d, a, r, s, at in rows
            ])
            return len(rows)
        session.execute(insert(FollowUp).from_select(columns, detractors))
        return int(session.execute(select(func.count()).select_from(FollowUp)).scalar_one())


def seeded(url: str, size: int) -> tuple[Engine, float]:
    engine = create_db_engine(url)
    upgrade(engine)
    started = time.perf_counter()
    fresh = seed_once(engine, size, datetime.now(UTC)) > 0
    with session_scope(engine) as session:
        followed = session.execute(select(func.count()).select_from(FollowUp)).scalar_one()
    if not followed:
        follow_up_half(engine)
    return engine, time.perf_counter() - started if fresh else 0.0


def measure(url: str, size: int, runs: int) -> dict[str, tuple[float, float, float]]:
    engine, took = seeded(url, size)
    served, live = report_services(url, engine, "response, follow_up, respondent",
                                   clock=lambda: datetime.now(UTC))
    results = time_views([*((v, v, served) for v in VIEWS),
                          *((f"{v} (live)", v, live) for v in LIVE)], runs)
    engine.dispose()
    print(f"  {'seeded' if took else 'reused'} {size:,} answers"
          + (f" in {took:.1f} s" if took else ""))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,1000000")
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--sqlite-file", type=Path, default=None)
    parser.add_argument("--postgresql-schema", default=None)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    for database in chosen_databases(args.database):
        table = measure_sizes(database, sizes, lambda url, size: measure(url, size, args.runs),
                              kept_file=args.sqlite_file,
                              kept_schema_name=args.postgresql_schema)
        print_table(database, sizes, table)


def print_table(database: str, sizes: list[int],
                table: dict[int, dict[str, tuple[float, float, float]]]) -> None:
    largest, smallest = f"{sizes[-1]:,}", f"{sizes[0]:,}"
    header = " | ".join(f"{s:>10,} p50/p95 (cpu) ms" for s in sizes)
    print(f"\n{database}: view | {header} | {largest}/{smallest} p50")
    for view in table[sizes[0]]:
        cells = " | ".join(f"{table[s][view][0]:>9.1f}/{table[s][view][1]:<8.1f}"
                           f"({table[s][view][2]:.1f})" for s in sizes)
        ratio = table[sizes[-1]][view][0] / max(table[sizes[0]][view][0], 1e-6)
        print(f"{view:<26} | {cells} | {ratio:>6.1f}x")
    print()


if __name__ == "__main__":
    main()
