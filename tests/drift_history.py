"""Answer histories for the drift tests, written through the storage layer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import col, select

from storage.engine import session_scope
from storage.models import Delivery, Metric, PulseMetric
from storage.pulses import PulsePolicy, create_pulse
from storage.respondents import CustomerRecord, ensure_respondents, upsert_customers
from storage.responses import AnswerKey, CommentSentiment, record_comment, record_score
from storage.waves import enqueue_deliveries, open_wave
from storage.workspaces import ensure_workspace


@dataclass(frozen=True)
class Said:
    """One person's answer in a wave, with a comment and how it felt, if any."""

    user: str
    score: int
    comment: str | None = None
    polarity: float | None = None


def people(prefix: str, count: int) -> list[str]:
    """Slack-like user ids, e.g. people("ENT", 3) → U0ENT000, U0ENT001, U0ENT002."""
    return [f"U0{prefix}{n:03d}" for n in range(count)]


def customers(engine: Engine, team_id: str, users: Sequence[str], attributes: dict[str, str],
              *, now: datetime) -> None:
    with session_scope(engine) as session:
        ensure_workspace(session=session, team_id=team_id, name=team_id, now=now)
        upsert_customers(session=session, team_id=team_id, now=now,
                         records=[CustomerRecord(u, None, attributes) for u in users])


def wave(engine: Engine, team_id: str, *, when: datetime, answers: Sequence[Said],
         metric: Metric = Metric.NPS, anonymous: bool = False) -> None:
    """One pulse's wave answered as told, a minute apart from `when`; its own pulse so any
    number of waves can be written."""
    with session_scope(engine) as session:
        ensure_workspace(session=session, team_id=team_id, name=team_id, now=when)
        pulse = create_pulse(
            session=session, team_id=team_id, name=f"{metric}-{when:%Y%m%d%H%M%S}-{anonymous}",
            metric=PulseMetric(metric.value), question="How?", follow_up="Why?",
            audience=[a.user for a in answers], now=when, policy=PulsePolicy(),
            anonymous=anonymous)
        assert pulse.id is not None
        opened = open_wave(session=session, pulse_id=pulse.id, scheduled_for=when, now=when)
        assert opened.id is not None
        found = ensure_respondents(session=session, team_id=team_id,
                                   user_ids=[a.user for a in answers], now=when)
        enqueue_deliveries(session=session, wave_id=opened.id,
                           respondent_ids=[p.id for p in found.values() if p.id], now=when)
        deliveries = {
            d.respondent_id: d.id for d in session.exec(
                select(Delivery).where(col(Delivery.wave_id) == opened.id)).all()
        }
        for n, said in enumerate(answers):
            delivery_id = deliveries[found[said.user].id]
            assert delivery_id is not None
            key = (AnswerKey(anonymous_key=f"anon-{delivery_id}") if anonymous
                   else AnswerKey(delivery_id=delivery_id))
            at = when + timedelta(minutes=n + 1)
            record_score(session=session, key=key, delivery_id=delivery_id, wave_id=opened.id,
                         team_id=team_id, metric=metric, score=said.score,
                         action_ts=f"{at.timestamp():.6f}", now=at)
            if said.comment is not None:
                label = ("unscored" if said.polarity is None else
                         "negative" if said.polarity < 0 else "positive")
                record_comment(session=session, key=key, comment=said.comment, now=at,
                               sentiment=CommentSentiment(said.polarity, 0.5, label))


def scored(users: Sequence[str], scores: Sequence[int]) -> list[Said]:
    """Each user with the score at the same place (scores repeat to cover every user)."""
    return [Said(u, scores[n % len(scores)]) for n, u in enumerate(users)]
