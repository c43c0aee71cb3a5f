"""Shared counters split into shards (storage.counter_shards): writers at once do not queue on
one row, every count is the sum of its shards, and folding past days keeps every count."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, func, select, text
from sqlmodel import Session

from bot.app.server import MAX_IN_FLIGHT
from storage.counter_shards import COUNTER_SHARDS, counter_shard, fold_counter_shards
from storage.delivery_rollup import Counted, count_answered, delivery_counts_between
from storage.engine import session_scope
from storage.migrate import downgrade, upgrade
from storage.models import DailyDeliveryCount, DailyScoreCount, Metric
from storage.rollups import count_answer, daily_score_counts
from tests.counters import summed_delivery_counts, summed_score_counts
from tests.db.test_answer_order import NOW

TEAM = "T0SHARDS"
_SCORES: Any = DailyScoreCount.__table__  # type: ignore[attr-defined]
_DELIVERIES: Any = DailyDeliveryCount.__table__  # type: ignore[attr-defined]
TODAY = NOW.date()


def _count(session: Session, day: date, score: int, delta: int = 1) -> None:
    count_answer(session=session, team_id=TEAM, metric=Metric.NPS,
                 answered_at=NOW.replace(year=day.year, month=day.month, day=day.day),
                 score=score, delta=delta)


@contextmanager
def _held(engine: Engine, n: int) -> Iterator[list[Connection]]:
    """`n` connections checked out at once, so `n` shards. Written through one after another
    (SQLite has one writer at a time), each in a transaction committed before the next."""
    connections = [engine.connect() for _ in range(n)]
    try:
        yield connections
    finally:
        for connection in connections:
            connection.close()


def _through(connection: Connection) -> Session:
    return Session(bind=connection)


def _rows(engine: Engine, table: type[DailyScoreCount] | type[DailyDeliveryCount]) -> int:
    with Session(engine) as session:
        return int(session.execute(select(func.count()).select_from(table)).scalar_one())


def test_two_transactions_add_to_one_count_without_waiting_for_each_other(
    engine: Engine, database_url: str,
) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite has one writer at a time: its transactions queue whatever rows "
                    "they write")
    first, second = Session(engine), Session(engine)
    try:
        # The first holds its counter rows, uncommitted, as a click does until its commit.
        _count(first, TODAY, 9)
        count_answered(first, Counted(TEAM, TODAY, answered=False))
        # The second, on its own connection, must find rows of its own: were it to wait for
        # the first's locks it would fail here instead.
        second.connection().execute(text("SET LOCAL lock_timeout = '500ms'"))
        _count(second, TODAY, 9)
        count_answered(second, Counted(TEAM, TODAY, answered=False))
        second.commit()
        first.commit()
    finally:
        first.close()
        second.close()
    with Session(engine) as session:
        assert summed_score_counts(session) == {("nps", TODAY, 9): 2}
        assert summed_delivery_counts(session) == {TODAY: (0, 2)}
    assert _rows(engine, DailyScoreCount) == 2  # one row each: two shards


def test_a_days_count_is_read_as_the_sum_of_its_shards(engine: Engine) -> None:
    day = TODAY - timedelta(days=3)
    with _held(engine, 3) as connections:
        for connection in connections:
            with _through(connection) as session:
                _count(session, day, 7)
                session.commit()
        with _through(connections[0]) as session:
            _count(session, day, 3)
            session.commit()
        with _through(connections[1]) as session:
            # A changed answer: one taken from 3 in another shard (below zero there).
            _count(session, day, 3, delta=-1)
            _count(session, day, 8)
            session.commit()
        with _through(connections[2]) as session:
            count_answered(session, Counted(TEAM, day, answered=False))
            session.commit()
    assert _rows(engine, DailyScoreCount) > 3
    with Session(engine) as session:
        since = NOW.replace(day=day.day, hour=0) - timedelta(days=1)
        counts = daily_score_counts(session=session, team_id=TEAM, metric=Metric.NPS,
                                    since=since, until=since + timedelta(days=3))
        assert counts == {day: {7: 3, 8: 1}}  # the 3 that moved to 8 sums to nothing
        assert delivery_counts_between(session=session, team_id=TEAM, since=since,
                                       until=since + timedelta(days=3)) == (0, 1)


def _spread(engine: Engine, days: list[date]) -> None:
    """Counts of each day written over four connections, so over four shards."""
    with _held(engine, 4) as connections:
        for n, connection in enumerate(connections):
            with _through(connection) as session:
                for day in days:
                    _count(session, day, n % 2)
                    count_answered(session, Counted(TEAM, day, answered=False))
                session.commit()


def test_folding_past_days_keeps_every_count_in_one_row(engine: Engine) -> None:
    past = [TODAY - timedelta(days=2), TODAY - timedelta(days=1)]
    _spread(engine, [*past, TODAY])
    with Session(engine) as session:
        before = summed_score_counts(session), summed_delivery_counts(session)
        beyond_shard_0 = sum(int(session.execute(
            select(func.count()).where(table.c.day < TODAY, table.c.shard != 0)).scalar_one())
            for table in (_SCORES, _DELIVERIES))

    folded = fold_counter_shards(engine, before=TODAY)

    with Session(engine) as session:
        assert (summed_score_counts(session), summed_delivery_counts(session)) == before
        scores = session.execute(select(_SCORES.c.day, _SCORES.c.score, _SCORES.c.shard)).all()
        deliveries = session.execute(select(_DELIVERIES.c.day, _DELIVERIES.c.shard)).all()
    # Past days: one row per count, in shard 0. Today, still being written: left in shards.
    assert sorted((d, s) for d, s, shard in scores if d < TODAY) == [
        (day, score) for day in past for score in (0, 1)]
    assert {shard for d, _, shard in scores if d < TODAY} == {0}
    assert sorted(d for d, _ in deliveries if d < TODAY) == past
    assert len([d for d, _, _ in scores if d == TODAY]) == 4
    assert folded == beyond_shard_0 > 0
    assert fold_counter_shards(engine, before=TODAY) == 0  # nothing left to fold


def test_a_fold_racing_with_writers_loses_no_count(engine: Engine) -> None:
    day = TODAY - timedelta(days=1)
    writers, each = 4, 40
    errors: list[BaseException] = []

    def write() -> None:
        try:
            for _ in range(each):
                with session_scope(engine) as session:
                    _count(session, day, 5)
                    count_answered(session, Counted(TEAM, day, answered=False))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=write) for _ in range(writers)]
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        fold_counter_shards(engine, before=TODAY)
    for thread in threads:
        thread.join()
    assert errors == []
    fold_counter_shards(engine, before=TODAY)
    with Session(engine) as session:
        assert summed_score_counts(session) == {("nps", day, 5): writers * each}
        assert summed_delivery_counts(session) == {day: (0, writers * each)}
    assert _rows(engine, DailyScoreCount) == 1


def test_the_migration_down_sums_the_shards_and_up_keeps_them(engine: Engine) -> None:
    past = [TODAY - timedelta(days=1)]
    _spread(engine, [*past, TODAY])
    with Session(engine) as session:
        before = summed_score_counts(session), summed_delivery_counts(session)

    downgrade(engine, "0032_post_rate")
    with Session(engine) as session:
        unsharded = session.execute(
            text("SELECT day, score, answers FROM dailyscorecount ORDER BY day, score")).all()
    assert [(str(day), score, answers) for day, score, answers in unsharded] == [
        (str(day), score, 2) for day in (*past, TODAY) for score in (0, 1)]
    upgrade(engine)

    with Session(engine) as session:
        assert (summed_score_counts(session), summed_delivery_counts(session)) == before
    assert _rows(engine, DailyScoreCount) == 4


def test_connections_open_at_once_each_write_to_a_shard_of_their_own(engine: Engine) -> None:
    # Every request a process serves at once holds its own connection, so its own rows.
    assert COUNTER_SHARDS >= MAX_IN_FLIGHT
    with _held(engine, COUNTER_SHARDS) as connections:
        shards = {counter_shard(connection) for connection in connections}
    assert shards == set(range(COUNTER_SHARDS))
