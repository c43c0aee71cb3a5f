"""Opening a wave: one per pulse and scheduled time, its audience expanded into the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time

from sqlmodel import col, select

from bot.errors import UserFacingError
from bot.services import Services
from storage.engine import session_scope
from storage.models import Respondent
from storage.pulses import enqueue_deliveries, ensure_respondents, get_pulse, open_wave


@dataclass(frozen=True)
class WaveOpened:
    pulse_name: str
    wave_id: int
    audience: int
    enqueued: int  # new outbox rows; 0 when the wave had been opened before
    skipped: int  # opted out or deactivated


def manual_wave_time(now: datetime) -> datetime:
    """A hand-sent wave is keyed by its UTC day, so sending again that day resumes it."""
    return datetime.combine(now.astimezone(UTC).date(), time(0, 0), tzinfo=UTC)


def open_pulse_wave(
    services: Services, *, name: str, team_id: str, scheduled_for: datetime
) -> WaveOpened:
    now = services.clock()
    with session_scope(services.engine) as session:
        pulse = get_pulse(session=session, name=name, team_id=team_id)
        if pulse is None or pulse.id is None:
            raise UserFacingError(f"No pulse named {name!r}: `pulse list` shows them")
        wave = open_wave(session=session, pulse_id=pulse.id, scheduled_for=scheduled_for, now=now)
        assert wave.id is not None
        ensure_respondents(session=session, team_id=team_id, user_ids=pulse.audience, now=now)
        respondents = session.exec(
            select(Respondent).where(
                Respondent.team_id == team_id, col(Respondent.user_id).in_(pulse.audience)
            )
        ).all()
        reachable = [r.id for r in respondents if not (r.opted_out or r.deactivated)]
        enqueued = enqueue_deliveries(
            session=session,
            wave_id=wave.id,
            respondent_ids=[r for r in reachable if r is not None],
            now=now,
        )
        return WaveOpened(
            pulse_name=name,
            wave_id=wave.id,
            audience=len(pulse.audience),
            enqueued=enqueued,
            skipped=len(respondents) - len(reachable),
        )
