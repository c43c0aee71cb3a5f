"""What storing one score click costs the bot, on its own: CPU, wall time and statements.

    python benchmarks/bench_click_store.py [--clicks 3000] [--database sqlite|postgresql|both]
        [--repeat 3]

A fresh database gets a sent wave of --clicks deliveries; each is then answered once, in its own
transaction, as a click stores it (the delivery read and locked, the answer inserted, its
customer's answers numbered, the delivery marked, both counters moved), one after another in
this process. Two ways, alternating --repeat times on fresh waves so both see the same machine:

- "combined": as the bot does (storage.first_answer): on PostgreSQL the customer's lock goes in
  one statement with the insert and everything after it in a second;
- "one by one": the same writes, a statement each (what SQLite always does).

It prints, per way, the median CPU ms and wall ms per click and the statements per click (BEGIN
and COMMIT come on top of those, one round trip each on PostgreSQL), and the ratio of the two.
This prints figures; it asserts nothing about speed. The end-to-end figure over HTTP, under a
steady rate, is bench_click_ack.py's.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime
from typing import Any

from bench_databases import chosen_databases, database_url
from bench_dispatch import enqueue_wave
from sqlalchemy import Engine, event, text, update

from storage.answer_target import lock_answer_target
from storage.engine import create_db_engine, session_scope
from storage.first_answer import FirstAnswer, insert_answer, write_first_answer
from storage.migrate import upgrade
from storage.models import Delivery, DeliveryStatus, Metric

NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)
WAYS = {"combined": None, "one by one": False}


def sent_wave(engine: Engine, run: int, people: int) -> tuple[str, list[int]]:
    """A wave of `people` deliveries marked sent, in a workspace of its own; the workspace and
    the deliveries' ids."""
    team_id = f"T0BENCH{run:02d}"
    wave_id = enqueue_wave(engine, team_id, [f"U{run:02d}{n:07d}" for n in range(people)])
    with session_scope(engine) as session:
        session.exec(update(Delivery).where(Delivery.wave_id == wave_id)  # type: ignore[arg-type]
                     .values(status=DeliveryStatus.SENT, sent_at=NOW))
        rows = session.connection().execute(
            text("SELECT id FROM delivery WHERE wave_id = :wave ORDER BY id"), {"wave": wave_id})
        return team_id, [int(row[0]) for row in rows]


def store(engine: Engine, team_id: str, delivery_id: int, score: int, combine: bool | None
          ) -> None:
    """One click's first answer, in its own transaction."""
    with session_scope(engine) as session:
        target = lock_answer_target(session, delivery_id)
        assert target is not None
        delivery = target.delivery
        row = {"delivery_id": delivery_id, "anonymous_key": None, "wave_id": delivery.wave_id,
               "respondent_id": target.respondent_id, "team_id": team_id, "metric": "nps",
               "score": score, "action_ts": "1765108800.000100", "answered_at": NOW}
        assert insert_answer(session, row, "delivery_id", combine=combine)
        write_first_answer(session, FirstAnswer(
            team_id=team_id, metric=Metric.NPS, score=score, when=NOW, delivery_id=delivery_id,
            respondent_id=target.respondent_id, mark=True, counted=target.counted),
            combine=combine)


def measure(url: str, clicks: int, repeat: int) -> dict[str, list[tuple[float, float, float]]]:
    engine = create_db_engine(url)
    upgrade(engine)
    statements = [0]

    def count(*_args: Any) -> None:
        statements[0] += 1

    event.listen(engine, "before_cursor_execute", count)
    results: dict[str, list[tuple[float, float, float]]] = {way: [] for way in WAYS}
    try:
        for run in range(repeat):
            for n, (way, combine) in enumerate(WAYS.items()):
                team_id, deliveries = sent_wave(engine, run * len(WAYS) + n, clicks)
                statements[0] = 0
                cpu, wall = time.process_time(), time.perf_counter()
                for i, delivery_id in enumerate(deliveries):
                    store(engine, team_id, delivery_id, i % 11, combine)
                cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
                results[way].append((1000 * cpu / clicks, 1000 * wall / clicks,
                                     statements[0] / clicks))
    finally:
        engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=3000)
    parser.add_argument("--database", default="both", choices=["sqlite", "postgresql", "both"])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'database':<11} {'way':<11} {'CPU ms/click':>12} {'wall ms/click':>13} "
          f"{'statements':>10}")
    for database in chosen_databases(args.database):
        with database_url(database) as url:
            results = measure(url, args.clicks, args.repeat)
        medians = {way: tuple(statistics.median(r[i] for r in runs) for i in range(3))
                   for way, runs in results.items()}
        for way, (cpu, wall, statements) in medians.items():
            print(f"{database:<11} {way:<11} {cpu:>12.3f} {wall:>13.3f} {statements:>10.1f}")
        combined, apart = medians["combined"], medians["one by one"]
        print(f"{database:<11} combined / one by one: CPU {combined[0] / apart[0]:.2f}, "
              f"wall {combined[1] / apart[1]:.2f} (median of {args.repeat} runs of "
              f"{args.clicks:,} clicks each way)")


if __name__ == "__main__":
    main()
