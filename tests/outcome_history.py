"""A customer history written through the storage layer: NPS answers at chosen times (named or
anonymous, with comments), customers with accounts and segments, and what they did (renewals,
churn, amounts). For the revealed-loyalty, drivers and map tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from storage.engine import session_scope
from storage.models import Delivery, Metric, OutcomeKind, Pulse
from storage.outcome_imports import ImportedOutcome, store_imported_outcomes
from storage.pulses import PulsePolicy, create_pulse
from storage.respondents import CustomerRecord, ensure_respondents, upsert_customers
from storage.responses import AnswerKey, CommentSentiment, record_comment, record_score
from storage.waves import enqueue_deliveries, open_wave
from storage.workspaces import ensure_workspace, set_workspace_choice

TEAM = "T0REVEAL"


def at(day: str, hour: int = 12) -> datetime:
    """`at("2026-03-01")`: noon UTC of that day."""
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), tzinfo=UTC) + \
        timedelta(hours=hour)


@dataclass
class History:
    engine: Engine
    team_id: str = TEAM
    _waves: int = field(default=0)

    def __post_init__(self) -> None:
        with session_scope(self.engine) as session:
            ensure_workspace(session=session, team_id=self.team_id, name=self.team_id,
                             now=at("2020-01-01"))

    def customer(self, user: str, account: str | None = None, **attributes: str) -> None:
        with session_scope(self.engine) as session:
            upsert_customers(session=session, team_id=self.team_id, now=at("2020-01-01"),
                             records=[CustomerRecord(user, account, dict(attributes))])

    def currency(self, code: str | None) -> None:
        with session_scope(self.engine) as session:
            set_workspace_choice(session=session, team_id=self.team_id, user_id=None,
                                 now=at("2020-01-01"), currency=code)

    def _pulse(self, session: Session, metric: Metric, anonymous: bool) -> int:
        name = f"history-{metric.value}{'-anonymous' if anonymous else ''}"
        found = session.exec(select(Pulse.id).where(Pulse.team_id == self.team_id,
                                                    Pulse.name == name)).first()
        if found is not None:
            return found
        pulse = create_pulse(session=session, team_id=self.team_id, name=name, metric=metric,
                             question="How?", follow_up="Why?", audience=[],
                             now=at("2020-01-01"), policy=PulsePolicy(), anonymous=anonymous)
        assert pulse.id is not None
        return pulse.id

    def answer(self, user: str, score: int, when: datetime, *, metric: Metric = Metric.NPS,
               comment: str | None = None, anonymous: bool = False) -> None:
        """One answer of `user`, given at `when`, in a wave of its own."""
        self._waves += 1
        with session_scope(self.engine) as session:
            pulse_id = self._pulse(session, metric, anonymous)
            # Each answer its own wave: a wave holds one delivery per person.
            wave = open_wave(session=session, pulse_id=pulse_id,
                             scheduled_for=when - timedelta(seconds=self._waves), now=when)
            assert wave.id is not None
            person = ensure_respondents(session=session, team_id=self.team_id,
                                        user_ids=[user], now=when)[user]
            assert person.id is not None
            enqueue_deliveries(session=session, wave_id=wave.id, respondent_ids=[person.id],
                               now=when)
            delivery_id = session.exec(
                select(Delivery.id).where(col(Delivery.wave_id) == wave.id,
                                          col(Delivery.respondent_id) == person.id)).one()
            assert delivery_id is not None
            key = (AnswerKey(anonymous_key=f"anon-{delivery_id}") if anonymous
                   else AnswerKey(delivery_id=delivery_id))
            record_score(session=session, key=key, delivery_id=delivery_id, wave_id=wave.id,
                         team_id=self.team_id, metric=metric, score=score,
                         action_ts=f"{when.timestamp():.6f}", now=when)
            if comment is not None:
                record_comment(session=session, key=key, comment=comment, now=when,
                               sentiment=CommentSentiment(0.0, 0.5, "neutral", "en"))

    def event(self, user: str, kind: OutcomeKind, on: str, amount: float | None = None) -> None:
        with session_scope(self.engine) as session:
            person = ensure_respondents(session=session, team_id=self.team_id,
                                        user_ids=[user], now=at("2020-01-01"))[user]
            assert person.id is not None
            store_imported_outcomes(
                session=session, team_id=self.team_id, now=at("2020-01-01"),
                outcomes=[ImportedOutcome(person.id, kind, date.fromisoformat(on), amount)])
