"""Opening a wave: one per pulse and scheduled time, its audience expanded into the outbox."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from slack_sdk import WebClient
from sqlmodel import Session, col, select

from bot.core.errors import UserFacingError
from bot.core.services import Services
from bot.pulses.audience import Members, resolve_members
from bot.pulses.schedule import InvalidSchedule, due_fire_time, local_send_time
from storage.engine import session_scope
from storage.models import Pulse, PulseMetric, Respondent
from storage.pulses import get_pulse, scheduled_pulses
from storage.respondents import ensure_respondents
from storage.waves import enqueue_deliveries, find_wave, open_wave, recently_surveyed

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WaveOpened:
    pulse_name: str
    wave_id: int
    audience: int
    enqueued: int  # new outbox rows; 0 when the wave had been opened before
    opted_out: int  # opted out or deactivated
    fatigued: int  # surveyed with this metric within the pulse's minimum interval

    @property
    def skipped(self) -> int:
        return self.opted_out + self.fatigued


def manual_wave_time(now: datetime) -> datetime:
    """A hand-sent wave is keyed by its UTC day, so sending again that day resumes it."""
    return datetime.combine(now.astimezone(UTC).date(), time(0, 0), tzinfo=UTC)


def open_pulse_wave(
    services: Services,
    *,
    name: str,
    team_id: str,
    scheduled_for: datetime,
    client: WebClient | None = None,
) -> WaveOpened:
    with session_scope(services.engine) as session:
        pulse = get_pulse(session=session, name=name, team_id=team_id)
        if pulse is None:
            raise UserFacingError(f"No pulse named {name!r}: `pulse list` shows them")
    members = resolve_members(services, client, pulse)
    with session_scope(services.engine) as session:
        return _open(session, pulse, members, scheduled_for, services.clock())


def _open(
    session: Session, pulse: Pulse, found: Members, scheduled_for: datetime, now: datetime
) -> WaveOpened:
    assert pulse.id is not None
    wave = open_wave(
        session=session,
        pulse_id=pulse.id,
        scheduled_for=scheduled_for,
        now=now,
        closes_at=scheduled_for + timedelta(days=pulse.close_after_days),
    )
    assert wave.id is not None
    members = found.user_ids
    ensure_respondents(session=session, team_id=pulse.team_id, user_ids=members, now=now)
    respondents = session.exec(
        select(Respondent).where(
            Respondent.team_id == pulse.team_id, col(Respondent.user_id).in_(members)
        )
    ).all()
    _learn_time_zones(session, respondents, found.time_zones)
    consenting = {
        r.id for r in respondents if r.id is not None and not (r.opted_out or r.deactivated)
    }
    # A channel post surveys nobody in particular: fatigue is about people, so it never applies.
    fatigued: set[int] = set()
    if pulse.min_interval_days and not pulse.post_channel:
        for metric in PulseMetric(pulse.metric).metrics:
            fatigued |= recently_surveyed(
                session=session,
                team_id=pulse.team_id,
                metric=metric,
                since=scheduled_for - timedelta(days=pulse.min_interval_days),
                respondent_ids=consenting,
                except_wave=wave.id,
            )
    send_at = (
        {
            r.id: local_send_time(scheduled_for, pulse.local_time, r.tz or pulse.timezone)
            for r in respondents
            if r.id is not None
        }
        if pulse.local_time
        else None
    )
    enqueued = enqueue_deliveries(
        session=session,
        wave_id=wave.id,
        respondent_ids=sorted(consenting - fatigued),
        now=now,
        send_at=send_at,
    )
    return WaveOpened(
        pulse_name=pulse.name,
        wave_id=wave.id,
        audience=len(members),
        enqueued=enqueued,
        opted_out=len(respondents) - len(consenting),
        fatigued=len(fatigued),
    )


def _learn_time_zones(
    session: Session, respondents: Sequence[Respondent], time_zones: dict[str, str | None]
) -> None:
    """Keep each person's Slack time zone current: "--local-time 09:00" reads it (people move)."""
    for respondent in respondents:
        tz = time_zones.get(respondent.user_id)
        if tz and tz != respondent.tz:
            respondent.tz = tz
            session.add(respondent)


def open_due_waves(
    services: Services, client: WebClient | None = None, *, pulse_id: int | None = None,
    team_id: str | None = None,
) -> list[WaveOpened]:
    """Open the wave of every active scheduled pulse whose fire time is due now (idempotent);
    only `team_id`'s pulses when given (`client` then holds that workspace's token)."""
    now = services.clock()
    opened: list[WaveOpened] = []
    with session_scope(services.engine) as session:
        pulses = [p for p in scheduled_pulses(session=session)
                  if pulse_id in (None, p.id) and team_id in (None, p.team_id)]
    for pulse in pulses:
        try:
            due = due_fire_time(pulse.schedule or "", pulse.timezone, now=now)
        except InvalidSchedule:
            logger.warning("pulse %s has an unusable schedule; skipped", pulse.id)
            continue
        if due is None or _already_open(services, pulse, due):
            continue
        members = resolve_members(services, client, pulse)
        with session_scope(services.engine) as session:
            opened.append(_open(session, pulse, members, due, now))
    return opened


def _already_open(services: Services, pulse: Pulse, scheduled_for: datetime) -> bool:
    """Cheap check so the every-cycle sweep does not list a channel's members again."""
    assert pulse.id is not None
    with session_scope(services.engine) as session:
        return find_wave(session=session, pulse_id=pulse.id, scheduled_for=scheduled_for)
