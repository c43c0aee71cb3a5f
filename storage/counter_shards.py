"""Shared counters split into shards, so that writers adding to one count do not queue.

Every first answer of a day adds one to the same delivery counter (its workspace and sending
day), and every answer of a score to the same score counter. A row lock is held until commit,
so on PostgreSQL those rows made every click's transaction wait for the one before it: at 200
clicks a second on 2 cores, 0.9 transactions were always waiting on the delivery counter and
a sixth of the clicks were refused (benchmarks/bench_click_ack.py; docs/PERFORMANCE.md). So
each count is kept in up to COUNTER_SHARDS rows that differ only in `shard`, and a count is
the sum of its rows. Which shard a write adds to is fixed per database connection: two
transactions running at once in one process hold different connections and so, up to
COUNTER_SHARDS connections, different rows. It depends on nothing about the answer, so it
says nothing about who gave it (an anonymous answer's count stays untraceable).

Sums are exact whichever shard was written (a changed answer may take one from one shard
and add it to another, leaving a shard below zero); fold_counter_shards adds the rows of past
days back into shard 0 (the leader does, hourly), so long reports read one row per count.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine, delete
from sqlmodel import Session

from storage.engine import session_scope
from storage.models import DailyDeliveryCount, DailyScoreCount
from storage.upsert import insert_for_dialect

COUNTER_SHARDS = 16
_SHARD = "engagement_counter_shard"
# A random start, so replicas sharing the database do not all begin at shard 0.
_next_shard = itertools.count(random.randrange(COUNTER_SHARDS))


def counter_shard(connection: Connection) -> int:
    """This connection's shard. `Connection.info` belongs to the pooled database connection and
    outlives each checkout, so a connection keeps its shard for as long as it is open."""
    info = connection.info
    shard = info.get(_SHARD)
    if shard is None:
        shard = info[_SHARD] = next(_next_shard) % COUNTER_SHARDS
    return int(shard)


_score: Any = DailyScoreCount.__table__  # type: ignore[attr-defined]
_delivery: Any = DailyDeliveryCount.__table__  # type: ignore[attr-defined]


def _fold(session: Session, table: Any, key: Sequence[str], counts: Sequence[str],
          before: date) -> int:
    """One table's shards of days before `before` added into shard 0, in one transaction.

    DELETE ... RETURNING takes exactly the rows it removes, under their locks: a write that
    adds to one of them meanwhile is either waited for and included, or (committed after this
    statement began) left in its shard for the next fold. Nothing is counted twice or lost."""
    connection = session.connection()
    removed = connection.execute(
        delete(table).where(table.c.day < before, table.c.shard != 0)
        .returning(*(table.c[name] for name in (*key, *counts)))
    ).all()
    if not removed:
        return 0
    sums: dict[tuple[Any, ...], list[int]] = {}
    for row in removed:
        totals = sums.setdefault(tuple(row[: len(key)]), [0] * len(counts))
        for place, value in enumerate(row[len(key):]):
            totals[place] += int(value)
    statement = insert_for_dialect(connection.dialect.name, table)
    statement = statement.on_conflict_do_update(
        index_elements=[*key, "shard"],
        set_={name: table.c[name] + statement.excluded[name] for name in counts},
    )
    # Sorted, so two folds (two leaders for a moment) lock shard 0's rows in the same order.
    connection.execute(statement, [{**dict(zip(key, k, strict=True)), "shard": 0,
                                    **dict(zip(counts, v, strict=True))}
                                   for k, v in sorted(sums.items())])
    return len(removed)


def fold_counter_shards(engine: Engine, *, before: date) -> int:
    """Fold both counters' shards of days before `before`; the rows folded away.

    Each table in a transaction of its own: a click locks a delivery
    counter, then a score counter, so a fold holding both tables' rows at once could deadlock
    with it."""
    folded = 0
    for table, key, counts in (
        (_delivery, ("team_id", "day"), ("delivered", "answered")),
        (_score, ("team_id", "metric", "day", "score"), ("answers",)),
    ):
        with session_scope(engine) as session:
            folded += _fold(session, table, key, counts, before)
    return folded
