"""Answers at chosen instants, and follow-ups on them, written through the storage layer.

For views that compare periods (movement, the loop effect): each answer gets a pulse and wave
of its own, so any customer can answer any number of times at any instant.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from itertools import count

from sqlalchemy import Engine
from sqlmodel import select

from storage.answer_order import renumber_answers
from storage.engine import session_scope
from storage.followups import change_follow_up, raise_or_update
from storage.models import Delivery, Metric, PulseMetric, Response
from storage.pulses import create_pulse
from storage.respondents import CustomerRecord, ensure_respondents, upsert_customers
from storage.responses import AnswerKey, record_score
from storage.waves import enqueue_deliveries, open_wave
from storage.workspaces import ensure_workspace


@dataclass
class History:
    engine: Engine
    team_id: str = "T0ACME"
    _pulses: count[int] = field(default_factory=count)

    def customer(self, user_id: str, *, account: str | None = None, at: datetime) -> None:
        with session_scope(self.engine) as session:
            ensure_workspace(session=session, team_id=self.team_id, name="Acme", now=at)
            upsert_customers(session=session, team_id=self.team_id,
                             records=[CustomerRecord(user_id, account, {})], now=at)

    def answer(self, user_id: str, score: int, at: datetime, *, metric: Metric = Metric.NPS,
               anonymous: bool = False) -> int:
        """One answer given at `at`; its delivery's id."""
        with session_scope(self.engine) as session:
            ensure_workspace(session=session, team_id=self.team_id, name="Acme", now=at)
            pulse = create_pulse(
                session=session, team_id=self.team_id, name=f"pulse-{next(self._pulses)}",
                metric=PulseMetric(metric.value), question="How likely?", follow_up="Why?",
                audience=[user_id], now=at, anonymous=anonymous,
            )
            assert pulse.id is not None
            wave = open_wave(session=session, pulse_id=pulse.id, scheduled_for=at, now=at)
            assert wave.id is not None
            person = ensure_respondents(session=session, team_id=self.team_id,
                                        user_ids=[user_id], now=at)[user_id]
            assert person.id is not None
            enqueue_deliveries(session=session, wave_id=wave.id, respondent_ids=[person.id],
                               now=at)
            delivery = session.exec(select(Delivery).where(Delivery.wave_id == wave.id)).one()
            assert delivery.id is not None
            key = (AnswerKey(anonymous_key=f"anon-{delivery.id}") if anonymous
                   else AnswerKey(delivery_id=delivery.id))
            record_score(session=session, key=key, delivery_id=delivery.id, wave_id=wave.id,
                         team_id=self.team_id, metric=metric, score=score,
                         action_ts=f"{at.timestamp():.6f}", now=at)
            return delivery.id

    def imported(self, user_id: str, score: int, at: datetime) -> None:
        """An NPS answer as `responses import` brings one: no delivery, no wave, an import key,
        linked and placed among the customer's answers like any other."""
        with session_scope(self.engine) as session:
            ensure_workspace(session=session, team_id=self.team_id, name="Acme", now=at)
            person = ensure_respondents(session=session, team_id=self.team_id,
                                        user_ids=[user_id], now=at)[user_id]
            assert person.id is not None
            session.add(Response(team_id=self.team_id, respondent_id=person.id,
                                 metric=Metric.NPS, score=score, answered_at=at,
                                 action_ts=f"{at.timestamp():.6f}",
                                 import_key=f"import-{user_id}-{at.isoformat()}"))
            session.flush()
            renumber_answers(session, respondent_id=person.id, metric=Metric.NPS)

    def follow_up(self, delivery_id: int, score: int, *, raised: datetime,
                  replied: datetime | None = None, resolved: datetime | None = None) -> None:
        """The follow-up an alert raises on that answer, with what staff did and when."""
        with session_scope(self.engine) as session:
            follow_up_id = raise_or_update(
                session=session, delivery_id=delivery_id, team_id=self.team_id,
                metric=Metric.NPS, score=score, comment=None, should_raise=True, now=raised,
            )
            assert follow_up_id is not None
            if replied is not None or resolved is not None:
                change_follow_up(session=session, follow_up_id=follow_up_id,
                                 first_response_at=replied, resolved_at=resolved)
