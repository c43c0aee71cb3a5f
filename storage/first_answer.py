"""A first answer's writes, in as few round trips as each database needs.

Most clicks are someone's first answer. Besides its row, it locks its customer (storage
.answer_order), numbers their answers, marks the delivery answered and adds one to the delivery
and score counters: with BEGIN, the delivery's read and COMMIT, nine round trips to
PostgreSQL, each a wait for the server and then, in a busy process, for the GIL again. There,
the customer's lock goes in one statement with the insert (a CTE the insert reads from, so the
lock is taken first), and everything after it in a second (data-modifying CTEs): five in all
(docs/PERFORMANCE.md, "Score clicks"). SQLite runs in-process, where a statement costs no round
trip: it runs the same writes one by one.

Order of locks, as before: the delivery (already, by storage.answer_target), its customer, then
the counters, the delivery counter first (the score counter's insert reads from it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, bindparam, literal_column, select, update
from sqlalchemy.dialects import postgresql
from sqlmodel import Session

from storage.answer_order import lock_respondent, renumber_answers, renumbering
from storage.counter_shards import counter_shard
from storage.delivery_rollup import Counted, count_answered
from storage.models import (
    DailyDeliveryCount,
    DailyScoreCount,
    Delivery,
    Metric,
    Respondent,
    Response,
)
from storage.rollups import answer_day, count_answer
from storage.upsert import insert_for_dialect

_response: Any = Response.__table__  # type: ignore[attr-defined]
_respondent: Any = Respondent.__table__  # type: ignore[attr-defined]
_delivery: Any = Delivery.__table__  # type: ignore[attr-defined]
_scores: Any = DailyScoreCount.__table__  # type: ignore[attr-defined]
_deliveries: Any = DailyDeliveryCount.__table__  # type: ignore[attr-defined]

_ANSWER_COLUMNS = ("delivery_id", "anonymous_key", "wave_id", "respondent_id", "team_id",
                   "metric", "score", "action_ts", "answered_at")


@dataclass(frozen=True)
class FirstAnswer:
    """What a first answer writes after its row."""

    team_id: str
    metric: Metric
    score: int
    when: datetime  # its answer time, as stored
    delivery_id: int
    respondent_id: int | None  # None: anonymous, no customer to number
    mark: bool  # the delivery gets its answer time now (not already, not anonymous)
    counted: Counted | None  # with `mark`: what the delivery adds to the delivery counter


def _combining(connection: Connection, combine: bool | None) -> bool:
    return connection.dialect.name == "postgresql" if combine is None else combine


def insert_answer(session: Session, row: dict[str, Any], key_column: str, *,
                  combine: bool | None = None) -> bool:
    """Insert the answer `row` unless this key has an answer of its metric already; under its
    customer's lock (row["respondent_id"], when not None), taken first. True when inserted.

    `combine`: the lock and the insert in one statement (PostgreSQL only); None decides by
    the database. False runs them one by one anywhere: the reference benchmarks compare with.
    """
    connection = session.connection()
    respondent_id = row["respondent_id"]
    locking = respondent_id is not None and _combining(connection, combine)
    if respondent_id is not None and not locking:
        lock_respondent(session, respondent_id)
    statement = _insert(connection.dialect.name, key_column, locking=locking)
    return connection.execute(statement, row).first() is not None


def write_first_answer(session: Session, first: FirstAnswer, *,
                       combine: bool | None = None) -> None:
    """Everything a first answer writes after its row, under the locks insert_answer took;
    `combine` as there."""
    connection = session.connection()
    shard = counter_shard(connection)
    if not _combining(connection, combine):
        if first.respondent_id is not None:
            renumber_answers(session, respondent_id=first.respondent_id, metric=first.metric)
        if first.mark:
            mark_answered(session, first.delivery_id, first.when)
            if first.counted is not None:
                count_answered(session, first.counted)
        count_answer(session=session, team_id=first.team_id, metric=first.metric,
                     answered_at=first.when, score=first.score)
        return
    counted = first.counted if first.mark else None
    statement = _postgres_tail(renumber=first.respondent_id is not None, mark=first.mark,
                               count_delivery=counted is not None)
    # No parameter is named as a column of `response` or `delivery`: SQLAlchemy would add it
    # to the SET of the UPDATEs in the statement (test_first_answer checks).
    connection.execute(statement, {
        "respondent": first.respondent_id, "the_metric": first.metric.value,
        "mark_delivery": first.delivery_id, "mark_when": first.when,
        "sent_team": None if counted is None else counted.team_id,
        "sent_day": None if counted is None else counted.day,
        "score_team": first.team_id, "score_metric": first.metric.value,
        "score_day": answer_day(first.when), "score_given": first.score, "shard": shard,
    })


def _typed(name: str, column: Any) -> Any:
    return bindparam(name, type_=column.type)


# Its parameters named as the tail's are, where it is one of the CTEs.
_MARK_ANSWERED = (
    update(_delivery)
    .where(_delivery.c.id == bindparam("mark_delivery"), _delivery.c.answered_at.is_(None))
    .values(answered_at=_typed("mark_when", _delivery.c.answered_at))
)


def mark_answered(session: Session, delivery_id: int, when: datetime) -> None:
    """The delivery's answer time, unless it has one."""
    session.connection().execute(_MARK_ANSWERED, {"mark_delivery": delivery_id,
                                                  "mark_when": when})


@cache
def _insert(dialect: str, key_column: str, *, locking: bool) -> Any:
    """Built once per process: every click runs one of these as it is."""
    if dialect == "postgresql" and locking:
        # No-key lock, as storage.answer_order's: inserting rows that refer to the customer
        # (a foreign key's share lock) neither waits for it nor deadlocks with it.
        locked = (select(_respondent.c.id).where(_respondent.c.id == bindparam("respondent_id"))
                  .with_for_update(key_share=True).cte("locked"))
        values = select(*(_typed(name, _response.c[name]) for name in _ANSWER_COLUMNS)
                        ).select_from(locked)
        statement = postgresql.insert(_response).from_select(list(_ANSWER_COLUMNS), values)
    else:
        statement = insert_for_dialect(dialect, _response)
    return (statement.on_conflict_do_nothing(index_elements=[key_column, "metric"])
            .returning(_response.c.id))


@cache
def _postgres_tail(*, renumber: bool, mark: bool, count_delivery: bool) -> Any:
    """One statement: the customer's answers numbered, the delivery marked, the delivery
    counter and then the score counter moved (the score counter's insert reads from the
    delivery counter's, so their row locks are taken in that order). The CTEs the main insert
    does not read still run whole: PostgreSQL runs every data-modifying CTE to completion."""
    ctes = []
    if renumber:
        ctes.append(renumbering().returning(literal_column("1")).cte("renumbered"))
    if mark:
        ctes.append(_MARK_ANSWERED.returning(literal_column("1")).cte("marked"))
    score_values: tuple[Any, ...] = (
        _typed("score_team", _scores.c.team_id), _typed("score_metric", _scores.c.metric),
        _typed("score_day", _scores.c.day), _typed("score_given", _scores.c.score),
        _typed("shard", _scores.c.shard), literal_column("1"),
    )
    columns = ["team_id", "metric", "day", "score", "shard", "answers"]
    if count_delivery:
        adding = postgresql.insert(_deliveries).values(
            team_id=_typed("sent_team", _deliveries.c.team_id),
            day=_typed("sent_day", _deliveries.c.day),
            shard=_typed("shard", _deliveries.c.shard), delivered=0, answered=1)
        counted = adding.on_conflict_do_update(
            index_elements=["team_id", "day", "shard"],
            set_={"answered": _deliveries.c.answered + 1},
        ).returning(_deliveries.c.shard).cte("counted")
        source = select(*score_values).select_from(counted)
    else:
        source = select(*score_values)
    main = postgresql.insert(_scores).from_select(columns, source)
    main = main.on_conflict_do_update(
        index_elements=["team_id", "metric", "day", "score", "shard"],
        set_={"answers": _scores.c.answers + main.excluded.answers},
    )
    for cte in ctes:
        main = main.add_cte(cte)
    return main
