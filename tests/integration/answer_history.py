"""A small answer history written through the storage layer, for export and privacy tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from storage.delivery_rollup import rebuild_delivery_counts
from storage.engine import session_scope
from storage.models import Delivery, Metric, Respondent
from storage.pulses import PulsePolicy, create_pulse
from storage.respondents import CustomerRecord, ensure_respondents, upsert_customers
from storage.responses import AnswerKey, CommentSentiment, record_comment, record_score
from storage.rollups import rebuild_daily_counts
from storage.waves import enqueue_deliveries, open_wave
from storage.workspaces import ensure_workspace

TEAM = "T0ACME"
OTHER_TEAM = "T0OTHER"
ANN, BOB, CAT = "U0ANN", "U0BOB", "U0CAT"
START = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Answer:
    user: str
    score: int
    comment: str | None = None
    label: str = "neutral"
    polarity: float = 0.0


def _answer_wave(
    session: Session, *, team_id: str, pulse_name: str, metric: Metric, when: datetime,
    answers: list[Answer], anonymous: bool = False,
    anonymous_key: Callable[[int], str | None] | None = None,
) -> None:
    pulse = create_pulse(
        session=session, team_id=team_id, name=pulse_name, metric=metric, question="How?",
        follow_up="Why?", audience=[a.user for a in answers], now=when, policy=PulsePolicy(),
        anonymous=anonymous,
    )
    assert pulse.id is not None
    wave = open_wave(session=session, pulse_id=pulse.id, scheduled_for=when, now=when)
    assert wave.id is not None
    people = ensure_respondents(
        session=session, team_id=team_id, user_ids=[a.user for a in answers], now=when
    )
    enqueue_deliveries(
        session=session, wave_id=wave.id, respondent_ids=[p.id for p in people.values() if p.id],
        now=when,
    )
    for n, answer in enumerate(answers):
        respondent_id = people[answer.user].id
        delivery = session.exec(
            select(Delivery).where(
                Delivery.wave_id == wave.id, Delivery.respondent_id == respondent_id
            )
        ).one()
        assert delivery.id is not None
        key = (
            AnswerKey(anonymous_key=(anonymous_key or (lambda d: f"anon-{d}"))(delivery.id))
            if anonymous
            else AnswerKey(delivery_id=delivery.id)
        )
        at = when + timedelta(minutes=7 * (n + 1))
        record_score(
            session=session, key=key, delivery_id=delivery.id, wave_id=wave.id, team_id=team_id,
            metric=metric, score=answer.score, action_ts=f"{at.timestamp():.6f}", now=at,
        )
        if answer.comment is not None:
            record_comment(
                session=session, key=key, comment=answer.comment, now=at,
                sentiment=CommentSentiment(answer.polarity, 0.5, answer.label),
            )


def seed_answer_history(
    engine: Engine, anonymous_key: Callable[[int], str | None] | None = None
) -> None:
    """Ann, Bob and Cat answer a named NPS pulse, a named CSAT pulse and an anonymous NPS
    pulse; Bob also lives in a second workspace. Ann and Bob are imported customers."""
    with session_scope(engine) as session:
        for team in (TEAM, OTHER_TEAM):
            ensure_workspace(session=session, team_id=team, name=team, now=START)
        upsert_customers(
            session=session, team_id=TEAM, now=START,
            records=[
                CustomerRecord(ANN, "=HYPERLINK(\"http://x\")", {"plan": "enterprise"}),
                CustomerRecord(BOB, "Bobco", {"plan": "starter", "region": "EMEA"}),
            ],
        )
        _answer_wave(session, team_id=TEAM, pulse_name="q3-nps", metric=Metric.NPS, when=START,
                     answers=[Answer(ANN, 10, "Love it, great", "positive", 0.65),
                              Answer(BOB, 3, "-slow exports", "negative", -0.3),
                              Answer(CAT, 8)])
        _answer_wave(session, team_id=TEAM, pulse_name="support-csat", metric=Metric.CSAT,
                     when=START + timedelta(days=30),
                     answers=[Answer(ANN, 5), Answer(BOB, 2, "@here nobody answered")])
        _answer_wave(session, team_id=TEAM, pulse_name="secret-nps", metric=Metric.NPS,
                     when=START + timedelta(days=60), anonymous=True,
                     anonymous_key=anonymous_key,
                     answers=[Answer(ANN, 9, "anonymous praise"), Answer(BOB, 4)])
        _answer_wave(session, team_id=OTHER_TEAM, pulse_name="other-nps", metric=Metric.NPS,
                     when=START, answers=[Answer(BOB, 7, "elsewhere")])
        # Bob opted out of further surveys here.
        bob = session.exec(
            select(Respondent).where(Respondent.team_id == TEAM, Respondent.user_id == BOB)
        ).one()
        bob.opted_out = True
        session.add(bob)
        # Rows written straight to the tables, as a bulk load would: count them in.
        for team in (TEAM, OTHER_TEAM):
            rebuild_daily_counts(session=session, team_id=team)
            rebuild_delivery_counts(session=session, team_id=team)


def respondent_id(engine: Engine, team_id: str, user_id: str) -> int | None:
    with Session(engine) as session:
        return session.exec(
            select(col(Respondent.id)).where(
                Respondent.team_id == team_id, Respondent.user_id == user_id
            )
        ).first()
