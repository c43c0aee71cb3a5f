"""Idempotency by unique keys: waves, deliveries, answers and events, on both databases."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, select

from storage.deliveries import claim_due, mark_sent
from storage.engine import session_scope
from storage.events import first_delivery_of_event
from storage.models import Delivery, DeliveryStatus, Metric, Response
from storage.responses import AnswerKey, ScoreOutcome, record_score
from storage.waves import enqueue_deliveries, open_wave
from tests.db.waves import wave_with

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
TEAM = "T0TEST"


def test_opening_a_wave_and_enqueueing_twice_changes_nothing(engine: Engine) -> None:
    wave_id = wave_with(engine, 3, team_id=TEAM, now=NOW)
    with session_scope(engine) as session:
        again = open_wave(session=session, pulse_id=1, scheduled_for=NOW, now=NOW + timedelta(1))
        added = enqueue_deliveries(session=session, wave_id=wave_id, respondent_ids=[1, 2, 3],
                                   now=NOW)
    assert again.id == wave_id
    assert added == 0
    with Session(engine) as session:
        assert len(session.exec(select(Delivery)).all()) == 3


def test_concurrent_claims_never_hand_out_a_delivery_twice(engine: Engine) -> None:
    wave_with(engine, 200, team_id=TEAM, now=NOW)

    def claim_all() -> list[int]:
        mine: list[int] = []
        while True:
            with session_scope(engine) as session:
                batch = claim_due(session=session, now=NOW, limit=7)
            if not batch:
                return mine
            mine += [d.delivery_id for d in batch]

    with ThreadPoolExecutor(max_workers=4) as pool:
        claimed = [ids for ids in pool.map(lambda _: claim_all(), range(4))]
    everything = [d for ids in claimed for d in ids]
    assert len(everything) == 200 == len(set(everything))


def test_sent_deliveries_are_not_claimed_again(engine: Engine) -> None:
    wave_with(engine, 2, team_id=TEAM, now=NOW)
    with session_scope(engine) as session:
        first = claim_due(session=session, now=NOW, limit=1)[0]
        mark_sent(session=session, delivery_id=first.delivery_id, channel_id="D1", message_ts="1.1",
                  now=NOW)
    with session_scope(engine) as session:
        rest = claim_due(session=session, now=NOW, limit=10)
    assert [d.delivery_id for d in rest] != [first.delivery_id]
    assert len(rest) == 1
    with Session(engine) as session:
        statuses = sorted(d.status for d in session.exec(select(Delivery)).all())
    assert statuses == [DeliveryStatus.SENDING, DeliveryStatus.SENT]


def test_answers_are_idempotent_and_only_newer_clicks_change_them(engine: Engine) -> None:
    wave_with(engine, 1, team_id=TEAM, now=NOW)

    def record(score: int, action_ts: str, minutes: int = 0) -> ScoreOutcome:
        with session_scope(engine) as session:
            return record_score(session=session, key=AnswerKey(delivery_id=1), delivery_id=1,
                                wave_id=1, team_id=TEAM, metric=Metric.NPS, score=score,
                                action_ts=action_ts, now=NOW + timedelta(minutes=minutes))

    assert record(7, "1700000000.000100") is ScoreOutcome.RECORDED
    assert record(7, "1700000000.000100") is ScoreOutcome.UNCHANGED
    assert record(9, "1700000060.000100", 1) is ScoreOutcome.CHANGED
    assert record(7, "1700000000.000100", 2) is ScoreOutcome.STALE
    with Session(engine) as session:
        [row] = session.exec(select(Response)).all()
    assert (row.score, row.changed_at) == (9, NOW + timedelta(minutes=1))


def test_an_older_click_arriving_after_a_newer_one_of_the_same_score_changes_nothing(
    engine: Engine,
) -> None:
    # Clicks 5 (first), 7, then 5 again; the last reaches the bot before the 7 does (it
    # waited longer for a slot). The answer is the last click's: 5.
    wave_with(engine, 1, team_id=TEAM, now=NOW)

    def record(score: int, action_ts: str) -> ScoreOutcome:
        with session_scope(engine) as session:
            return record_score(session=session, key=AnswerKey(delivery_id=1), delivery_id=1,
                                wave_id=1, team_id=TEAM, metric=Metric.NPS, score=score,
                                action_ts=action_ts, now=NOW)

    assert record(5, "1700000000.000100") is ScoreOutcome.RECORDED
    assert record(5, "1700000002.000100") is ScoreOutcome.UNCHANGED  # the last click
    assert record(7, "1700000001.000100") is ScoreOutcome.STALE  # sent before it
    with Session(engine) as session:
        [row] = session.exec(select(Response)).all()
    assert (row.score, row.action_ts, row.changed_at) == (5, "1700000002.000100", None)


def test_concurrent_identical_clicks_store_one_answer(engine: Engine) -> None:
    wave_with(engine, 1, team_id=TEAM, now=NOW)

    def click(_: int) -> ScoreOutcome:
        with session_scope(engine) as session:
            return record_score(session=session, key=AnswerKey(delivery_id=1), delivery_id=1,
                                wave_id=1, team_id=TEAM, metric=Metric.NPS, score=10,
                                action_ts="1700000000.000100", now=NOW)

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(click, range(8)))
    assert outcomes.count(ScoreOutcome.RECORDED) == 1
    with Session(engine) as session:
        assert len(session.exec(select(Response)).all()) == 1


def test_an_event_id_is_processed_once(engine: Engine) -> None:
    results = []
    for _ in range(3):
        with session_scope(engine) as session:
            results.append(first_delivery_of_event(session=session, event_id="Ev1", team_id=TEAM,
                                                   now=NOW))
    assert results == [True, False, False]
