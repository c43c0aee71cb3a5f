"""Pulses: their definitions, created once per name, and which are scheduled."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from storage.models import (
    Pulse,
    PulseMetric,
    PulseStatus,
)


class PulseExists(Exception):
    """A pulse of that name already exists in the workspace."""


@dataclass(frozen=True)
class PulsePolicy:
    """When a pulse goes out and how long it stays open; validated by the caller."""

    schedule: str | None = None
    timezone: str = "UTC"
    min_interval_days: int = 0
    remind_after_hours: int | None = 48
    close_after_days: int = 7
    local_time: str | None = None


def create_pulse(
    *,
    session: Session,
    team_id: str,
    name: str,
    metric: PulseMetric,
    question: str,
    follow_up: str,
    audience: list[str],
    now: datetime,
    policy: PulsePolicy | None = None,
    audience_channel: str | None = None,
    audience_segment: dict[str, str] | None = None,
    audience_usergroup: str | None = None,
    post_channel: str | None = None,
    anonymous: bool = False,
    csat_question: str | None = None,
) -> Pulse:
    if get_pulse(session=session, team_id=team_id, name=name) is not None:
        raise PulseExists(name)
    pulse = Pulse(
        team_id=team_id,
        name=name,
        metric=metric,
        question=question,
        csat_question=csat_question,
        follow_up=follow_up,
        audience=audience,
        audience_channel=audience_channel,
        audience_segment=audience_segment,
        audience_usergroup=audience_usergroup,
        post_channel=post_channel,
        anonymous=anonymous,
        created_at=now,
        **asdict(policy or PulsePolicy()),
    )
    session.add(pulse)
    session.flush()
    return pulse


def delete_pulse(*, session: Session, pulse: Pulse) -> None:
    """Hide the pulse and free its name; its waves and answers stay in the reports."""
    pulse.status = PulseStatus.DELETED
    pulse.name = f"{pulse.name[:60]}#deleted-{pulse.id}"
    session.add(pulse)


def get_pulse(*, session: Session, name: str, team_id: str | None = None) -> Pulse | None:
    query = select(Pulse).where(Pulse.name == name, Pulse.status != PulseStatus.DELETED)
    if team_id is not None:
        query = query.where(Pulse.team_id == team_id)
    return session.exec(query).first()


def list_pulses(*, session: Session, team_id: str | None = None) -> Sequence[Pulse]:
    query = select(Pulse).where(Pulse.status != PulseStatus.DELETED).order_by(col(Pulse.name))
    if team_id is not None:
        query = query.where(Pulse.team_id == team_id)
    return session.exec(query).all()


def scheduled_pulses(*, session: Session) -> Sequence[Pulse]:
    return session.exec(
        select(Pulse).where(
            Pulse.status == PulseStatus.ACTIVE, col(Pulse.schedule).is_not(None)
        )
    ).all()
