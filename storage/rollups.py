"""Answers per day and score (`DailyScoreCount`), kept exact, and exact counts read from it.

Why the rollup is updated in the transaction that writes the answer, rather than refreshed
before a report reads it: an answer can change after its day is over (a later click while the
wave is open, days later), and a refresh that rolls up "closed" days races with such a change
on PostgreSQL: it can read the day before the change commits and then mark it done with the
old score. Adding one to a counter in the answer's own transaction cannot drift: the counter
row is locked until that transaction commits or rolls back, increments commute, and a change
moves one answer from its old score to its new one under a lock on the answer itself
(storage.responses). It costs one upsert per click, and a report never does catch-up work.
The price: two clicks of the same score on the same day wait for each other's commit on that
counter row (milliseconds), and a bulk load that bypasses storage.responses must call
rebuild_daily_counts (storage.seed does).

A period rarely starts or ends at midnight, so a report reads the whole days in between here
and counts only its partial first and last day from `response` (through the report index):
a bounded amount of work however long the history is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Date, cast, func, insert
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, delete, select

from storage.counter_shards import counter_shard
from storage.models import DailyScoreCount, Metric, Response
from storage.upsert import insert_for_dialect

DayCounts = dict[date, dict[int, int]]


def _day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def answer_day(moment: datetime) -> date:
    """The day an answer given at `moment` is counted on (UTC)."""
    return _day(moment)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def count_answer(
    *, session: Session, team_id: str, metric: Metric, answered_at: datetime, score: int,
    delta: int = 1,
) -> None:
    """Add `delta` answers of `score` to the answer's day."""
    connection = session.connection()
    connection.execute(
        _count_statement(connection.dialect.name),
        {"team_id": team_id, "metric": metric.value, "day": _day(answered_at), "score": score,
         "shard": counter_shard(connection), "answers": delta},
    )


def count_answers(
    *, session: Session, team_id: str, deltas: Mapping[tuple[Metric, date, int], int]
) -> None:
    """Many count_answer calls in one round trip: `deltas` maps (metric, day, score) to the
    answers added (or, negative, taken away) there. Sorted, so two bulk writers lock the
    counter rows in the same order."""
    connection = session.connection()
    shard = counter_shard(connection)
    rows = [{"team_id": team_id, "metric": metric.value, "day": day, "score": score,
             "shard": shard, "answers": delta}
            for (metric, day, score), delta in sorted(deltas.items()) if delta]
    if rows:
        connection.execute(_count_statement(connection.dialect.name), rows)


@cache
def _count_statement(dialect: str) -> Any:
    """Built once per dialect: every click runs it."""
    table: Any = DailyScoreCount.__table__  # type: ignore[attr-defined]
    statement = insert_for_dialect(dialect, table)
    return statement.on_conflict_do_update(
        index_elements=["team_id", "metric", "day", "score", "shard"],
        set_={"answers": table.c.answers + statement.excluded.answers},
    )


def move_answer(
    *, session: Session, team_id: str, metric: Metric, answered_at: datetime, old: int, new: int
) -> None:
    """A changed answer: one fewer of the old score, one more of the new, on its first day."""
    count_answer(session=session, team_id=team_id, metric=metric, answered_at=answered_at,
                 score=old, delta=-1)
    count_answer(session=session, team_id=team_id, metric=metric, answered_at=answered_at,
                 score=new)


def _raw_counts(
    session: Session, team_id: str, metric: Metric, since: datetime, until: datetime,
    *, include_until: bool,
) -> dict[int, int]:
    answered_at = col(Response.answered_at)
    rows = session.exec(
        select(Response.score, func.count())
        .where(
            col(Response.team_id) == team_id,
            col(Response.metric) == metric.value,
            answered_at >= since,
            answered_at <= until if include_until else answered_at < until,
        )
        .group_by(col(Response.score))
    ).all()
    return {int(score): int(count) for score, count in rows if count}


def _rolled_up(
    session: Session, team_id: str, metric: Metric, first: date, last: date | None
) -> DayCounts:
    day, score = col(DailyScoreCount.day), col(DailyScoreCount.score)
    answers = func.sum(DailyScoreCount.answers)  # over the count's shards
    rows = session.exec(
        select(day, score, answers)
        .where(
            col(DailyScoreCount.team_id) == team_id,
            col(DailyScoreCount.metric) == metric.value,
            day >= first,
            *([day <= last] if last is not None else []),
        )
        .group_by(day, score)
        .having(answers > 0)  # a changed answer can leave a zero behind
    ).all()
    counts: DayCounts = {}
    for on, given, how_many in rows:
        counts.setdefault(on, {})[int(given)] = int(how_many)
    return counts


@dataclass(frozen=True)
class DaySplit:
    """[since, until] as a partial first day, whole days, and a partial last day."""

    head: tuple[datetime, datetime] | None  # [since, midnight), counted raw
    whole: tuple[date, date | None] | None  # first and last whole day (None: no end)
    tail: tuple[datetime, datetime] | None  # [midnight, until], counted raw


def split_days(since: datetime, until: datetime | None) -> DaySplit | None:
    """None when the period is empty."""
    if until is not None and until < since:
        return None
    first_day = _day(since)
    if until is not None and _day(until) == first_day:
        return DaySplit(None, None, (since, until))
    partial_start = since != _midnight(first_day)
    whole_from = first_day + timedelta(days=1) if partial_start else first_day
    head = (since, _midnight(whole_from)) if partial_start else None
    whole_to = None if until is None else _day(until) - timedelta(days=1)
    whole = (whole_from, whole_to) if whole_to is None or whole_from <= whole_to else None
    tail = None if until is None else (_midnight(_day(until)), until)
    return DaySplit(head, whole, tail)


def daily_score_counts(
    *, session: Session, team_id: str, metric: Metric, since: datetime,
    until: datetime | None = None,
) -> DayCounts:
    """Answers per UTC day and score given in [since, until] (by first answer time), exact.

    Whole days come from the rollup; the partial first and last day are counted raw.
    """
    split = split_days(since, until)
    if split is None:
        return {}
    counts: DayCounts = {}
    if split.head is not None:
        head = _raw_counts(session, team_id, metric, *split.head, include_until=False)
        if head:
            counts[_day(since)] = head
    if split.whole is not None:
        counts.update(_rolled_up(session, team_id, metric, *split.whole))
    if split.tail is not None:
        tail = _raw_counts(session, team_id, metric, *split.tail, include_until=True)
        if tail:
            counts[_day(split.tail[1])] = tail
    return counts


def utc_day(session: Session, moment: Any) -> Any:
    """The UTC day of a stored time in SQL: times are stored as naive UTC on both backends."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(moment, Date)
    return func.date(moment)


def rebuild_daily_counts(*, session: Session, team_id: str) -> None:
    """Count a workspace's answers afresh: for bulk loads that bypass storage.responses."""
    session.exec(delete(DailyScoreCount).where(col(DailyScoreCount.team_id) == team_id))
    day = utc_day(session, Response.answered_at)
    session.execute(
        insert(DailyScoreCount).from_select(
            ["team_id", "metric", "day", "score", "answers"],
            sa_select(col(Response.team_id), col(Response.metric), day, col(Response.score),
                      func.count())
            .where(col(Response.team_id) == team_id)
            .group_by(col(Response.team_id), col(Response.metric), day, col(Response.score)),
        )
    )
