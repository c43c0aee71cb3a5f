"""The survey-fatigue query answers for one workspace, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import select

from storage.deliveries import mark_sent
from storage.engine import session_scope
from storage.models import Delivery, Metric, PulseMetric
from storage.pulses import create_pulse
from storage.respondents import ensure_respondents
from storage.waves import enqueue_deliveries, open_wave, recently_surveyed
from storage.workspaces import ensure_workspace

TEAM, OTHER = "T0FIRST", "T0SECOND"
SENT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def test_only_the_workspace_asked_about_counts(engine: Engine) -> None:
    with session_scope(engine) as session:
        for team in (TEAM, OTHER):
            ensure_workspace(session=session, team_id=team, name=team, now=SENT)
        pulse = create_pulse(session=session, team_id=TEAM, name="nps", metric=PulseMetric.NPS,
                             question="How?", follow_up="Why?", audience=["U0ANN"], now=SENT)
        assert pulse.id is not None
        wave = open_wave(session=session, pulse_id=pulse.id, scheduled_for=SENT, now=SENT)
        assert wave.id is not None
        ann = ensure_respondents(session=session, team_id=TEAM, user_ids=["U0ANN"], now=SENT)
        ann_id = ann["U0ANN"].id
        assert ann_id is not None
        enqueue_deliveries(session=session, wave_id=wave.id, respondent_ids=[ann_id], now=SENT)
        delivery_id = session.exec(select(Delivery.id).where(Delivery.wave_id == wave.id)).one()
        assert delivery_id is not None
        mark_sent(session=session, delivery_id=delivery_id, channel_id="D0ANN",
                  message_ts="1.0", now=SENT)

    def tired(team_id: str) -> set[int]:
        with session_scope(engine) as session:
            return recently_surveyed(session=session, team_id=team_id, metric=Metric.NPS,
                                     since=SENT - timedelta(days=90), respondent_ids=[ann_id],
                                     except_wave=0)

    assert tired(TEAM) == {ann_id}
    assert tired(OTHER) == set()
