"""A first answer's writes on PostgreSQL in two statements after the delivery's read
(storage.first_answer), and those statements safe to run as built."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, event, update
from sqlalchemy.dialects import postgresql
from sqlmodel import Session, select

from storage.engine import session_scope
from storage.first_answer import _postgres_tail
from storage.models import Delivery, DeliveryStatus, Metric, Response
from storage.responses import AnswerKey, ScoreOutcome, record_score
from tests.counters import summed_delivery_counts, summed_score_counts
from tests.db.waves import wave_with

TEAM = "T0FIRST"
NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)


@pytest.mark.parametrize(("renumber", "mark", "count_delivery"),
                         list(itertools.product((False, True), repeat=3)))
def test_no_parameter_of_the_statement_is_named_as_a_column_it_updates(
    renumber: bool, mark: bool, count_delivery: bool,
) -> None:
    # SQLAlchemy would add such a parameter to the SET of the statement's UPDATEs: the
    # renumbering would write it over every answer of the customer.
    statement: Any = _postgres_tail(renumber=renumber, mark=mark, count_delivery=count_delivery)
    dialect: Any = postgresql.dialect()
    names = set(statement.compile(dialect=dialect).params)
    updated = {*Response.__table__.c.keys(), *Delivery.__table__.c.keys()}  # type: ignore[attr-defined]
    assert names & updated == set()


def _sent_wave(engine: Engine, people: int) -> int:
    wave_id = wave_with(engine, people, team_id=TEAM, now=NOW)
    with session_scope(engine) as session:
        session.exec(update(Delivery).values(status=DeliveryStatus.SENT, sent_at=NOW))
    return wave_id


def test_a_first_answer_takes_three_statements_on_postgresql(
    engine: Engine, database_url: str,
) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite runs in-process: a statement costs no round trip, so it runs the "
                    "writes one by one")
    wave_id = _sent_wave(engine, 2)
    statements: list[str] = []

    def note(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", note)
    with session_scope(engine) as session:
        outcome = record_score(session=session, key=AnswerKey(delivery_id=1), delivery_id=1,
                               wave_id=wave_id, team_id=TEAM, metric=Metric.NPS, score=9,
                               action_ts="1700000000.000100", now=NOW)
    event.remove(engine, "before_cursor_execute", note)

    # The delivery's read and lock; the customer's lock with the insert; everything else.
    assert outcome is ScoreOutcome.RECORDED
    assert len(statements) == 3
    with Session(engine) as session:
        answer = session.exec(select(Response)).one()
        delivery = session.get(Delivery, 1)
        assert (answer.respondent_seq, answer.previous_score) == (1, None)
        assert delivery is not None
        assert delivery.answered_at is not None
        assert summed_score_counts(session) == {("nps", NOW.date(), 9): 1}
        # (The sends were set above without counting them; the answer is counted.)
        assert summed_delivery_counts(session) == {NOW.date(): (0, 1)}
