"""A pulse with one open wave and a queued delivery per person, for the outbox tests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from storage.engine import session_scope
from storage.models import Metric
from storage.pulses import create_pulse
from storage.respondents import ensure_respondents
from storage.waves import enqueue_deliveries, open_wave
from storage.workspaces import ensure_workspace


def wave_with(engine: Engine, people: int, *, team_id: str, now: datetime) -> int:
    """The new wave's id: `people` users U0P00000… in `team_id`, each with a pending
    delivery scheduled for `now`."""
    users = [f"U0P{n:05d}" for n in range(people)]
    with session_scope(engine) as session:
        ensure_workspace(session=session, team_id=team_id, name="Test", now=now)
        pulse = create_pulse(session=session, team_id=team_id, name="p", metric=Metric.NPS,
                             question="Q?", follow_up="Why?", audience=users, now=now)
        assert pulse.id is not None
        wave = open_wave(session=session, pulse_id=pulse.id, scheduled_for=now, now=now)
        respondents = ensure_respondents(session=session, team_id=team_id, user_ids=users,
                                         now=now)
        assert wave.id is not None
        enqueue_deliveries(session=session, wave_id=wave.id,
                           respondent_ids=[r.id for r in respondents.values() if r.id], now=now)
        return wave.id
