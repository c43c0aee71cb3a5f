"""A first answer's writes on PostgreSQL in two statements after the delivery's read
(storage.first_answer), and those statements safe to run as built."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event, update
from sqlalchemy.dialects import postgresql
from sqlmodel import Session, select

from storage.answer_target import lock_answer_target
from storage.engine import session_scope
from storage.first_answer import FirstAnswer, _postgres_tail, insert_answer, write_first_answer
from storage.models import Delivery, DeliveryStatus, Metric, Response, Wave
from storage.responses import AnswerKey, ScoreOutcome, record_score
from storage.waves import enqueue_deliveries, open_wave
from tests.counters import summed_delivery_counts, summed_score_counts
from tests.db.waves import wave_with

TEAM = "T0FIRST"
NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)
LATER = NOW + timedelta(days=1)


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


def _first_answers(engine: Engine, team_id: str, combine: bool | None) -> None:
    """Two waves to the same three people, each answered once: second answers number after
    the first and name their score."""
    first_wave = wave_with(engine, 3, team_id=team_id, now=NOW)
    with session_scope(engine) as session:  # a second wave of the same pulse, to the same people
        wave = session.get(Wave, first_wave)
        assert wave is not None
        second = open_wave(session=session, pulse_id=wave.pulse_id, scheduled_for=LATER, now=LATER)
        assert second.id is not None
        people = [d.respondent_id for d in session.exec(
            select(Delivery).where(Delivery.wave_id == first_wave))]
        enqueue_deliveries(session=session, wave_id=second.id, respondent_ids=people, now=LATER)
        second_wave = second.id
    for k, (wave_id, when) in enumerate(((first_wave, NOW), (second_wave, LATER))):
        with session_scope(engine) as session:
            session.exec(update(Delivery).where(Delivery.wave_id == wave_id)  # type: ignore[arg-type]
                         .values(status=DeliveryStatus.SENT, sent_at=NOW))
            deliveries = session.exec(select(Delivery).where(Delivery.wave_id == wave_id)).all()
        for n, delivery in enumerate(deliveries):
            assert delivery.id is not None
            with session_scope(engine) as session:
                target = lock_answer_target(session, delivery.id)
                assert target is not None
                row = {"delivery_id": delivery.id, "anonymous_key": None, "wave_id": wave_id,
                       "respondent_id": target.respondent_id, "team_id": team_id,
                       "metric": "nps", "score": 3 * k + n,
                       "action_ts": "1765108800.000100", "answered_at": when}
                assert insert_answer(session, row, "delivery_id", combine=combine)
                write_first_answer(session, FirstAnswer(
                    team_id=team_id, metric=Metric.NPS, score=row["score"], when=when,
                    delivery_id=delivery.id, respondent_id=target.respondent_id, mark=True,
                    counted=target.counted), combine=combine)


def _written(engine: Engine, team_id: str) -> tuple[Any, ...]:
    with Session(engine) as session:
        answers = sorted(
            (a.respondent_id is not None, a.score, a.respondent_seq, a.previous_score)
            for a in session.exec(select(Response).where(Response.team_id == team_id)))
        return (answers, summed_score_counts(session, team_id=team_id),
                summed_delivery_counts(session, team_id=team_id))


def test_the_two_statements_write_what_the_writes_one_by_one_write(
    engine: Engine, database_url: str,
) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("only PostgreSQL runs the writes as one statement")
    _first_answers(engine, "T0COMBINED", combine=None)
    _first_answers(engine, "T0APART", combine=False)

    combined, apart = _written(engine, "T0COMBINED"), _written(engine, "T0APART")
    assert combined == apart
    assert [seq for _, _, seq, _ in combined[0]] == [1, 1, 1, 2, 2, 2]
    with Session(engine) as session:
        assert all(d.answered_at is not None for d in session.exec(select(Delivery)))
