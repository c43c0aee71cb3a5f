"""The daily rollup stays exact through clicks, changes and races, and reports read it exactly."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, update
from sqlmodel import Session, col, select

from storage.deliveries import claim_due, mark_failed, mark_sent, retry_later
from storage.delivery_rollup import rebuild_delivery_counts
from storage.engine import session_scope
from storage.migrate import downgrade, upgrade
from storage.models import Delivery, Metric, Response
from storage.reporting import delivery_counts, score_counts, trend_counts
from storage.responses import AnswerKey, record_score
from storage.seed import seed_history
from tests.counters import summed_delivery_counts, summed_score_counts
from tests.db.waves import wave_with

NOW = datetime(2026, 11, 20, 23, 30, tzinfo=UTC)  # near midnight: a change lands next day
TEAM = "T0TEST"


def _raw(session: Session) -> dict[tuple[str, date, int], int]:
    rows = session.exec(select(Response.metric, Response.answered_at, Response.score)).all()
    counts: dict[tuple[str, date, int], int] = {}
    for metric, answered_at, score in rows:
        key = (str(metric), answered_at.date(), score)
        counts[key] = counts.get(key, 0) + 1
    return counts


def _rolled_up(session: Session) -> dict[tuple[str, date, int], int]:
    return summed_score_counts(session)


def test_clicks_changes_and_stale_clicks_keep_the_rollup_exact(engine: Engine) -> None:
    wave_id = wave_with(engine, 6, team_id=TEAM, now=NOW)
    rng = random.Random(5)
    clicks = []
    for delivery_id in range(1, 7):
        for n in range(rng.randint(1, 5)):  # first answer, then changes, repeats, stale ones
            ts = f"{1_700_000_000 + rng.randint(0, 50):010d}.000100"
            clicks.append((delivery_id, rng.randint(0, 10), ts, n * 20))
    rng.shuffle(clicks)
    for delivery_id, score, ts, minutes in clicks:
        with session_scope(engine) as session:
            record_score(session=session, key=AnswerKey(delivery_id=delivery_id),
                         delivery_id=delivery_id, wave_id=wave_id, team_id=TEAM,
                         metric=Metric.NPS, score=score, action_ts=ts,
                         now=NOW + timedelta(minutes=minutes))
    with Session(engine) as session:
        assert _rolled_up(session) == _raw(session)
        assert sum(_raw(session).values()) == 6


def test_concurrent_changes_to_one_answer_move_the_rollup_once_each(engine: Engine) -> None:
    wave_id = wave_with(engine, 1, team_id=TEAM, now=NOW)

    def click(n: int) -> None:
        with session_scope(engine) as session:
            record_score(session=session, key=AnswerKey(delivery_id=1), delivery_id=1,
                         wave_id=wave_id, team_id=TEAM, metric=Metric.NPS, score=n % 11,
                         action_ts=f"{1_700_000_000 + n:010d}.000100", now=NOW)

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(click, range(24)))
    with Session(engine) as session:
        assert _rolled_up(session) == _raw(session)


def test_the_migration_counts_in_the_answers_already_stored(engine: Engine) -> None:
    seed_history(engine, responses=500, customers=20, now=NOW, days=60, rng=random.Random(6))
    downgrade(engine, "0015_benchmarks_targets")  # the revision before the rollups
    upgrade(engine)
    with Session(engine) as session:
        assert _rolled_up(session) == _raw(session)
        assert sum(_raw(session).values()) == 500


@pytest.mark.parametrize("granularity", ["weekly", "monthly"])
def test_reports_from_the_rollup_equal_counting_every_answer(
    engine: Engine, granularity: str
) -> None:
    report = seed_history(engine, responses=3_000, customers=60, now=NOW, days=200,
                          rng=random.Random(2))
    rng = random.Random(4)
    with Session(engine) as session:
        for _ in range(12):
            since = NOW - timedelta(minutes=rng.randint(0, 200 * 24 * 60))
            until = since + timedelta(minutes=rng.randint(0, 90 * 24 * 60))
            if rng.random() < 0.3:  # periods that begin or end exactly at midnight
                since = since.replace(hour=0, minute=0)
                until = until.replace(hour=0, minute=0)
            for metric in Metric:
                window = (col(Response.team_id) == report.team_id,
                          col(Response.metric) == metric.value,
                          col(Response.answered_at) >= since, col(Response.answered_at) <= until)
                rows = session.exec(
                    select(Response.score, func.count()).where(*window)
                    .group_by(col(Response.score))
                ).all()
                expected = {int(s): int(c) for s, c in rows}
                assert score_counts(session=session, team_id=report.team_id, metric=metric,
                                    since=since, until=until) == expected
                trend = trend_counts(session=session, team_id=report.team_id, metric=metric,
                                     since=since, until=until, granularity=granularity)
                assert list(trend) == sorted(trend)
                for start, scores in trend.items():
                    if granularity == "weekly":
                        assert start.weekday() == 0
                        end = start + timedelta(days=7)
                    else:
                        assert start.day == 1
                        end = (start + timedelta(days=32)).replace(day=1)
                    bucket = (col(Response.answered_at) >= _midnight(start),
                              col(Response.answered_at) < _midnight(end))
                    rows = session.exec(
                        select(Response.score, func.count()).where(*window, *bucket)
                        .group_by(col(Response.score))
                    ).all()
                    assert scores == {int(s): int(c) for s, c in rows}
                assert sum(sum(s.values()) for s in trend.values()) == sum(expected.values())


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _deliveries_raw(session: Session) -> dict[date, tuple[int, int]]:
    rows = session.exec(
        select(Delivery.sent_at, Delivery.answered_at).where(Delivery.status == "sent")
    ).all()
    counts: dict[date, tuple[int, int]] = {}
    for sent_at, answered_at in rows:
        assert sent_at is not None
        d, a = counts.get(sent_at.date(), (0, 0))
        counts[sent_at.date()] = (d + 1, a + (answered_at is not None))
    return counts


def _deliveries_rolled_up(session: Session) -> dict[date, tuple[int, int]]:
    return summed_delivery_counts(session)


def test_sends_failures_retries_and_answers_keep_the_delivery_rollup_exact(
    engine: Engine,
) -> None:
    wave_id = wave_with(engine, 8, team_id=TEAM, now=NOW)
    with session_scope(engine) as session:
        claimed = claim_due(session=session, now=NOW, limit=8)
    assert len(claimed) == 8
    for n, delivery in enumerate(claimed):
        at = NOW + timedelta(minutes=20 * n)  # sends either side of midnight
        with session_scope(engine) as session:
            if n == 0:
                # Answered before the dispatcher recorded the send, then sent.
                record_score(session=session, key=AnswerKey(delivery_id=delivery.delivery_id),
                             delivery_id=delivery.delivery_id, wave_id=wave_id, team_id=TEAM,
                             metric=Metric.NPS, score=9, action_ts="1700000000.000100", now=at)
            if n == 1:
                mark_failed(session=session, delivery_id=delivery.delivery_id, error="nope")
                continue
            if n == 2:
                retry_later(session=session, delivery_id=delivery.delivery_id, error="later",
                            at=at)
                continue
            mark_sent(session=session, delivery_id=delivery.delivery_id, channel_id="D1",
                      message_ts=f"{n}.000100", now=at)
            if n == 3:  # a reconciled send recorded twice, a day later
                mark_sent(session=session, delivery_id=delivery.delivery_id, channel_id="D1",
                          message_ts=f"{n}.000100", now=at + timedelta(days=1))
            if n == 4:  # sent, then failed after all
                mark_failed(session=session, delivery_id=delivery.delivery_id, error="gone")
            if n % 2 == 1:
                record_score(session=session, key=AnswerKey(delivery_id=delivery.delivery_id),
                             delivery_id=delivery.delivery_id, wave_id=wave_id, team_id=TEAM,
                             metric=Metric.NPS, score=n, action_ts="1700000000.000200",
                             now=at + timedelta(hours=2))
    with Session(engine) as session:
        assert _deliveries_rolled_up(session) == _deliveries_raw(session)
        assert sum(d for d, _ in _deliveries_raw(session).values()) == 5


def test_response_rates_from_the_rollup_equal_counting_every_delivery(engine: Engine) -> None:
    report = seed_history(engine, responses=2_000, customers=50, now=NOW, days=200,
                          rng=random.Random(8))
    with session_scope(engine) as session:  # some sent but not answered, on top of the seed
        session.exec(update(Delivery).where(col(Delivery.id) % 7 == 0).values(answered_at=None))
        rebuild_delivery_counts(session=session, team_id=report.team_id)
    rng = random.Random(9)
    with Session(engine) as session:
        for _ in range(15):
            since = NOW - timedelta(minutes=rng.randint(0, 200 * 24 * 60))
            until = since + timedelta(minutes=rng.randint(0, 90 * 24 * 60))
            if rng.random() < 0.3:
                since, until = since.replace(hour=0, minute=0), until.replace(hour=0, minute=0)
            rows = session.exec(
                select(Delivery.answered_at).where(col(Delivery.sent_at) >= since,
                                                   col(Delivery.sent_at) <= until)
            ).all()
            expected = (len(rows), sum(1 for a in rows if a is not None))
            assert delivery_counts(session=session, team_id=report.team_id, since=since,
                                   until=until) == expected
