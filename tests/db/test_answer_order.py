"""Each answer's respondent, place and previous score stay exact through every write path, and
the engagement map read from them equals the map from every answer."""

from __future__ import annotations

import random
import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from bot.core.periods import PeriodSpec
from bot.reporting.engagement_map import build_engagement_map
from storage.answer_order import renumber_team_answers
from storage.data_requests import delete_personal_data, find_personal_data
from storage.engine import session_scope
from storage.migrate import downgrade, upgrade
from storage.models import Delivery, Metric, Respondent, Response
from storage.pulses import create_pulse
from storage.respondents import ensure_respondents
from storage.responses import AnswerKey, record_score
from storage.retention import purge_expired_comments
from storage.seed import seed_history
from storage.waves import enqueue_deliveries, open_wave
from storage.workspaces import ensure_workspace
from tests.db.map_reference import reference_map

TEAM = "T0ORDER"
NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
USERS = [f"U0C{n:04d}" for n in range(8)]


@dataclass(frozen=True)
class OpenWave:
    wave_id: int
    metric: Metric
    delivery_of: dict[str, int]  # user -> delivery


def _waves(engine: Engine, count: int, *, anonymous: bool = False,
           users: list[str] = USERS) -> list[OpenWave]:
    """`count` waves alternating NPS and CSAT, every user in each."""
    waves = []
    with session_scope(engine) as session:
        ensure_workspace(session=session, team_id=TEAM, name="Test", now=NOW)
        people = ensure_respondents(session=session, team_id=TEAM, user_ids=users, now=NOW)
        user_of = {p.id: user for user, p in people.items()}
        for metric in Metric:
            name = f"{metric.value}-{'anonymous' if anonymous else 'named'}"
            pulse = create_pulse(session=session, team_id=TEAM, name=name, metric=metric,
                                 question="Q?", follow_up="Why?", audience=users, now=NOW,
                                 anonymous=anonymous)
            assert pulse.id is not None
            for n in range(metric is Metric.CSAT, count, 2):
                wave = open_wave(session=session, pulse_id=pulse.id,
                                 scheduled_for=NOW - timedelta(days=100 - n), now=NOW)
                assert wave.id is not None
                enqueue_deliveries(session=session, wave_id=wave.id,
                                   respondent_ids=[p.id for p in people.values() if p.id],
                                   now=NOW)
                rows = session.exec(select(Delivery.id, Delivery.respondent_id)
                                    .where(Delivery.wave_id == wave.id)).all()
                waves.append(OpenWave(wave.id, metric,
                                      {user_of[r]: int(d) for d, r in rows if d is not None}))
    return waves


def _click(engine: Engine, wave: OpenWave, user: str, score: int, *, at: datetime,
           ts: str, anonymous: bool = False) -> None:
    delivery_id = wave.delivery_of[user]
    key = (AnswerKey(anonymous_key=f"anon-{delivery_id}") if anonymous
           else AnswerKey(delivery_id=delivery_id))
    with session_scope(engine) as session:
        record_score(session=session, key=key, delivery_id=delivery_id, wave_id=wave.wave_id,
                     team_id=TEAM, metric=wave.metric, score=score, action_ts=ts, now=at)


def assert_order_exact(session: Session) -> None:
    """What each answer carries equals what recounting every answer from scratch gives."""
    rows = session.exec(
        select(Response, Delivery.respondent_id)
        .outerjoin(Delivery, col(Delivery.id) == Response.delivery_id)
    ).all()
    sequences: dict[tuple[int, str], list[Response]] = defaultdict(list)
    for answer, delivery_respondent in rows:
        # A named answer's person is its delivery's (None for anonymous answers); an imported
        # answer has no delivery, only its customer.
        respondent_id = answer.respondent_id if answer.import_key else delivery_respondent
        assert answer.respondent_id == respondent_id
        if answer.import_key:
            assert (answer.delivery_id, answer.wave_id, answer.anonymous_key) == (None,) * 3
            assert respondent_id is not None
        if respondent_id is None:
            assert (answer.respondent_seq, answer.previous_score) == (None, None)
        else:
            sequences[(respondent_id, answer.metric)].append(answer)
    for answers in sequences.values():
        answers.sort(key=lambda a: (a.answered_at, a.id))
        for place, answer in enumerate(answers, start=1):
            before = answers[place - 2].score if place > 1 else None
            assert (answer.respondent_seq, answer.previous_score) == (place, before)


def assert_map_exact(engine: Engine, team_id: str = TEAM, *, ends: tuple[datetime, ...] = (NOW,),
                     days: tuple[int, ...] = (7, 30, 90)) -> int:
    """The map equals the map from every answer; how many customers it placed."""
    placed = 0
    with session_scope(engine) as session:
        assert_order_exact(session)
        for end in ends:
            for length in days:
                period = PeriodSpec(days=length).resolve(end)
                counted = build_engagement_map(session=session, team_id=team_id,
                                               period=period)
                assert counted == reference_map(session, team_id, period)
                placed += counted.mix.placed
    return placed


def _random_clicks(engine: Engine, waves: list[OpenWave], rng: random.Random) -> None:
    """First answers at random times (so a later click can land before earlier ones in the
    customer's order), changes, repeats and stale redeliveries."""
    clicks = []
    for wave in waves:
        for user in USERS:
            if rng.random() < 0.2:
                continue  # skipped this wave
            at = NOW - timedelta(days=rng.randint(0, 100), minutes=rng.randint(0, 1440))
            for n in range(rng.randint(1, 3)):
                ts = f"{1_700_000_000 + rng.randint(0, 50):010d}.000100"
                scale = range(0, 11) if wave.metric is Metric.NPS else range(1, 6)
                clicks.append((wave, user, rng.choice(scale), at + timedelta(hours=n), ts))
    rng.shuffle(clicks)
    for wave, user, score, at, ts in clicks:
        _click(engine, wave, user, score, at=at, ts=ts)


def test_answers_changes_and_stale_clicks_keep_the_order_and_the_map_exact(
    engine: Engine,
) -> None:
    waves = _waves(engine, 12)
    _random_clicks(engine, waves, random.Random(11))
    assert assert_map_exact(engine, ends=(NOW, NOW - timedelta(days=20))) > 0


def test_two_answers_at_the_same_instant_fall_back_to_insertion_order(engine: Engine) -> None:
    waves = [w for w in _waves(engine, 6) if w.metric is Metric.NPS]
    at = NOW - timedelta(days=3)
    for n, wave in enumerate(waves):
        _click(engine, wave, USERS[0], (9, 7, 3)[n], at=at, ts=f"170000000{n}.000100")
    with session_scope(engine) as session:
        scores = session.exec(select(Response.score).order_by(col(Response.respondent_seq))
                              ).all()
    assert list(scores) == [9, 7, 3]
    assert_map_exact(engine)


def test_concurrent_answers_of_one_customer_take_distinct_places(engine: Engine) -> None:
    waves = [w for w in _waves(engine, 32, users=USERS[:1]) if w.metric is Metric.NPS]
    together = threading.Barrier(4)  # four answers in flight at once, every round

    def answer(n: int) -> None:
        together.wait(timeout=30)
        _click(engine, waves[n], USERS[0], n % 11, at=NOW + timedelta(minutes=n),
               ts=f"{1_700_000_000 + n:010d}.000100")

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(answer, range(len(waves))))
    with session_scope(engine) as session:
        places = session.exec(select(Response.respondent_seq)).all()
        assert sorted(places) == list(range(1, len(waves) + 1))
    assert_map_exact(engine)


def test_forgetting_a_person_keeps_everyone_elses_map_exact(engine: Engine) -> None:
    waves = _waves(engine, 10)
    _random_clicks(engine, waves, random.Random(12))
    with session_scope(engine) as session:
        data = find_personal_data(session=session, team_id=TEAM, user_id=USERS[2])
        counts = delete_personal_data(session=session, user_id=USERS[2], data=data,
                                      anonymous_keys=[])
    assert counts["response"] > 0
    with session_scope(engine) as session:
        forgotten = session.exec(select(Respondent).where(Respondent.user_id == USERS[2])).first()
        assert forgotten is None
    assert assert_map_exact(engine) > 0


def test_comment_retention_changes_no_place_and_no_map(engine: Engine) -> None:
    waves = _waves(engine, 8)
    _random_clicks(engine, waves, random.Random(13))
    with session_scope(engine) as session:
        session.exec(update(Response).values(comment="kept for a while"))
    period = PeriodSpec(days=90).resolve(NOW)
    with session_scope(engine) as session:
        before = build_engagement_map(session=session, team_id=TEAM, period=period)
        assert purge_expired_comments(session=session, now=NOW, days=1) > 0
    with session_scope(engine) as session:
        assert build_engagement_map(session=session, team_id=TEAM, period=period) == before
    assert_map_exact(engine)


def test_anonymous_answers_have_no_respondent_and_stay_off_the_map(engine: Engine) -> None:
    named = _waves(engine, 6)
    _random_clicks(engine, named, random.Random(14))
    anonymous = _waves(engine, 4, anonymous=True)
    for n, wave in enumerate(anonymous):
        for user in USERS:
            _click(engine, wave, user, 0 if wave.metric is Metric.NPS else 1, anonymous=True,
                   at=NOW - timedelta(days=n), ts=f"{1_700_000_100 + n:010d}.000100")
    with session_scope(engine) as session:
        linked = session.exec(select(Response.respondent_id)
                              .where(col(Response.anonymous_key).is_not(None))).all()
        assert linked
        assert set(linked) == {None}
    assert assert_map_exact(engine) > 0


def test_a_bulk_seed_then_live_answers_stay_exact(engine: Engine) -> None:
    report = seed_history(engine, responses=1_200, customers=40, now=NOW, days=120,
                          rng=random.Random(15))
    with session_scope(engine) as session:
        first = session.exec(select(Respondent).where(Respondent.team_id == report.team_id)
                             .order_by(col(Respondent.id))).first()
        assert first is not None
        assert first.id is not None
        ensure_workspace(session=session, team_id=report.team_id, name="Seeded", now=NOW)
        pulse = create_pulse(session=session, team_id=report.team_id, name="live",
                             metric=Metric.NPS, question="Q?", follow_up="Why?",
                             audience=[first.user_id], now=NOW)
        assert pulse.id is not None
        wave = open_wave(session=session, pulse_id=pulse.id, scheduled_for=NOW, now=NOW)
        assert wave.id is not None
        enqueue_deliveries(session=session, wave_id=wave.id, respondent_ids=[first.id],
                           now=NOW)
        delivery_id = session.exec(select(Delivery.id).where(Delivery.wave_id == wave.id)
                                   ).one()
        assert delivery_id is not None
    # An answer older than the customer's latest seeded one: it goes in the middle.
    for score, ts in ((2, "1700000000.000100"), (9, "1700000001.000100")):
        with session_scope(engine) as session:
            record_score(session=session, key=AnswerKey(delivery_id=delivery_id),
                         delivery_id=delivery_id, wave_id=wave.id, team_id=report.team_id,
                         metric=Metric.NPS, score=score, action_ts=ts,
                         now=NOW - timedelta(days=50))
    assert assert_map_exact(engine, report.team_id, ends=(NOW, NOW - timedelta(days=30))) > 0


def test_renumbering_repairs_a_bulk_load_that_wrote_no_order(engine: Engine) -> None:
    report = seed_history(engine, responses=600, customers=30, now=NOW, days=90,
                          rng=random.Random(16))
    with session_scope(engine) as session:
        session.exec(update(Response).values(respondent_id=None, respondent_seq=None,
                                             previous_score=None))
    with session_scope(engine) as session:
        renumber_team_answers(session=session, team_id=report.team_id)
    assert assert_map_exact(engine, report.team_id) > 0


def test_the_migration_orders_the_answers_already_stored(engine: Engine) -> None:
    report = seed_history(engine, responses=500, customers=20, now=NOW, days=60,
                          rng=random.Random(17))
    downgrade(engine, "0016_rollups")  # the revision before the order was kept
    upgrade(engine)
    assert assert_map_exact(engine, report.team_id) > 0
