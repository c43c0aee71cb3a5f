"""How fast revealed loyalty, drivers and the map's revealed axis answer as history grows.

    python benchmarks/bench_outcomes.py [--sizes 1000,1000000]
        [--database sqlite|postgresql|both] [--runs 5] [--share 0.6]
        [--sqlite-file PATH] [--postgresql-schema NAME]

Each size gets a fresh database seeded as bench_engagement_command.py seeds it (two years of
monthly NPS and CSAT waves, one customer per 50 answers, one answer in ten with a comment), plus
what customers did: `--share` of them renew or churn once a year (85% renew; a churned customer
does nothing more) with an annual amount, and one in ten of those also expands. Then each view
is computed --runs times through the function the slash command calls. Like the map, these
views are answered from a kept snapshot once one was slow to compute
(bot/reporting/snapshots.py): their rows are what a person gets (the first run computes and
keeps; the p50 and, from 5 runs, the p95 leave it out), and the "(live)" rows compute every
run, as with REPORT_SNAPSHOT_MINUTES=0 or the first ask after the snapshot went unread. It
prints p50/p95 per view and size, the p50 of this process's CPU time (on SQLite that includes
the database's work), and the largest size's p50 over the smallest's; it asserts nothing.

--sqlite-file PATH and --postgresql-schema NAME keep the database of the largest size and reuse
it on the next run; one kept by bench_movement.py holds the same history, and its outcome
events are added on the first run here.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench_databases import chosen_databases, measure_sizes  # beside this file
from bench_engagement_command import TEAM, report_services, seed_once, time_views
from bench_movement import print_table
from sqlalchemy import Engine, func
from sqlmodel import col, select

from storage.engine import create_db_engine, session_scope
from storage.migrate import upgrade
from storage.models import OutcomeEvent, OutcomeKind, Respondent
from storage.outcome_imports import ImportedOutcome, store_imported_outcomes
from storage.workspaces import set_workspace_choice

VIEWS = ("outcomes", "outcomes 90d", "drivers", "drivers year", "engagement")
BATCH = 4_000


def add_outcomes(engine: Engine, now: datetime, share: float, rng: random.Random) -> int:
    """Yearly renewals or churn, with amounts, for `share` of the workspace's customers."""
    with session_scope(engine) as session:
        people = [p for p in session.exec(select(Respondent.id).where(
            Respondent.team_id == TEAM).order_by(col(Respondent.id))).all() if p is not None]
        set_workspace_choice(session=session, team_id=TEAM, user_id=None, now=now,
                             currency="USD")
    records: list[ImportedOutcome] = []
    for who in people[: int(len(people) * share)]:
        amount = float(rng.randrange(2_000, 200_000, 500))
        anniversary = rng.randrange(365)
        for years_back in (1, 0):  # last year's event, then this year's
            day = (now - timedelta(days=anniversary + 365 * years_back)).date()
            if rng.random() < 0.15:
                records.append(ImportedOutcome(who, OutcomeKind.CHURNED, day, 0.0))
                break
            records.append(ImportedOutcome(who, OutcomeKind.RENEWED, day, amount))
            # An expansion 90 days after this year's renewal may not have happened yet.
            if rng.random() < 0.1 and day + timedelta(days=90) <= now.date():
                amount *= 1.2
                records.append(ImportedOutcome(who, OutcomeKind.EXPANDED,
                                               day + timedelta(days=90), amount))
    for start in range(0, len(records), BATCH):
        with session_scope(engine) as session:
            store_imported_outcomes(session=session, team_id=TEAM, now=now,
                                    outcomes=records[start:start + BATCH])
    return len(records)


def measure(url: str, size: int, runs: int, share: float
            ) -> dict[str, tuple[float, float, float]]:
    engine = create_db_engine(url)
    upgrade(engine)
    now = datetime.now(UTC)
    started = time.perf_counter()
    fresh = seed_once(engine, size, now) > 0
    with session_scope(engine) as session:
        had_events = session.execute(select(func.count()).select_from(OutcomeEvent)).scalar_one()
    events = 0 if had_events else add_outcomes(engine, now, share, random.Random(11))
    seeded = time.perf_counter() - started
    served, live = report_services(url, engine, "response, delivery, wave, pulse, respondent, "
                                   "dailyscorecount, dailydeliverycount, outcome_event",
                                   clock=lambda: now)
    results = time_views([*((v, v, served) for v in VIEWS),
                          *((f"{v} (live)", v, live) for v in VIEWS)], runs)
    engine.dispose()
    kept = f"{events:,} outcome events added" if events else f"{had_events:,} kept"
    print(f"  {size:,} answers {'seeded' if fresh else 'reused'}, {kept} in {seeded:.1f} s")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,1000000")
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--share", type=float, default=0.6)
    parser.add_argument("--sqlite-file", type=Path, default=None)
    parser.add_argument("--postgresql-schema", default=None)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    for database in chosen_databases(args.database):
        table = measure_sizes(database, sizes,
                              lambda url, size: measure(url, size, args.runs, args.share),
                              kept_file=args.sqlite_file,
                              kept_schema_name=args.postgresql_schema)
        print_table(database, sizes, table)


if __name__ == "__main__":
    main()
