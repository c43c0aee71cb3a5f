"""Answers per day and score (`DailyScoreCount`), kept exact, and exact counts read from it.

Why the rollup is updated in the transaction that writes the answer, rather than refreshed
before a report reads it: an answer can change after its day is over (a later click while the
wave is open, days later), and a refresh that rolls up "closed" days races with such a change
on PostgreSQL: it can read the day before the change commits and then mark it done with the
old score. Adding one to a counter in the answer's own transaction cannot drift: the counter
row is locked until that transaction commits or rolls back, increments commute, and a change
moves one answer from its old score to its new one under a lock on the answer itself
(storage.responses). It costs one upsert per click, and a report never does catch-up work.

A period rarely starts or ends at midnight, so a report reads the whole days in between here
and counts only its partial first and last day from `response` (through the report index):
a bounded amount of work however long the history is.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Date, cast, func, insert
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, delete, select

from storage.models import DailyScoreCount, Metric, Response
from storage.upsert import insert_for

DayCounts = dict[date, dict[int, int]]


def _day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def count_answer(
    *, session: Session, team_id: str, metric: Metric, answered_at: datetime, score: int,
    delta: int = 1,
) -> None:
    """Add `delta` answers of `score` to the answer's day."""
    statement = insert_for(session, DailyScoreCount).values(
        team_id=team_id, metric=metric.value, day=_day(answered_at), score=score, answers=delta
    )
    session.exec(
        statement.on_conflict_do_update(
            index_elements=["team_id", "metric", "day", "score"],
            set_={"answers": DailyScoreCount.__table__.c.answers  # type: ignore[attr-defined]
                  + statement.excluded.answers},
        )
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
    day = col(DailyScoreCount.day)
    rows = session.exec(
        select(col(DailyScoreCount.day), col(DailyScoreCount.score), col(DailyScoreCount.answers))
        .where(
            col(DailyScoreCount.team_id) == team_id,
            col(DailyScoreCount.metric) == metric.value,
            day >= first,
            *([day <= last] if last is not None else []),
            col(DailyScoreCount.answers) > 0,  # a changed answer can leave a zero behind
        )
    ).all()
    counts: DayCounts = {}
    for on, score, answers in rows:
        counts.setdefault(on, {})[int(score)] = int(answers)
    return counts


def daily_score_counts(
    *, session: Session, team_id: str, metric: Metric, since: datetime,
    until: datetime | None = None,
) -> DayCounts:
    """Answers per UTC day and score given in [since, until] (by first answer time), exact.

    Whole days come from the rollup; the partial first and last day are counted raw.
    """
    if until is not None and until < since:
        return {}
    first_day = _day(since)
    partial_start = since != _midnight(first_day)
    if until is not None and _day(until) == first_day:
        scores = _raw_counts(session, team_id, metric, since, until, include_until=True)
        return {first_day: scores} if scores else {}
    counts: DayCounts = {}
    whole_from = first_day + timedelta(days=1) if partial_start else first_day
    if partial_start:
        head = _raw_counts(session, team_id, metric, since, _midnight(whole_from),
                           include_until=False)
        if head:
            counts[first_day] = head
    whole_to = None if until is None else _day(until) - timedelta(days=1)
    if whole_to is None or whole_from <= whole_to:
        counts.update(_rolled_up(session, team_id, metric, whole_from, whole_to))
    if until is not None:
        last_day = _day(until)
        tail = _raw_counts(session, team_id, metric, _midnight(last_day), until,
                           include_until=True)
        if tail:
            counts[last_day] = tail
    return counts


def _answer_day(session: Session) -> Any:
    """The UTC day of an answer in SQL: answered_at is stored as naive UTC on both backends."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(Response.answered_at, Date)
    return func.date(Response.answered_at)


def rebuild_daily_counts(*, session: Session, team_id: str) -> None:
    """Count a workspace's answers afresh: for bulk loads that bypass storage.responses."""
    session.exec(delete(DailyScoreCount).where(col(DailyScoreCount.team_id) == team_id))
    day = _answer_day(session)
    session.execute(
        insert(DailyScoreCount).from_select(
            ["team_id", "metric", "day", "score", "answers"],
            sa_select(col(Response.team_id), col(Response.metric), day, col(Response.score),
                      func.count())
            .where(col(Response.team_id) == team_id)
            .group_by(col(Response.team_id), col(Response.metric), day, col(Response.score)),
        )
    )
