"""Queries for workspaces, respondents, pulses and waves. Every creation is safe to repeat."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.models import (
    Delivery,
    DeliveryStatus,
    Metric,
    Pulse,
    PulseMetric,
    PulseStatus,
    Respondent,
    Wave,
    Workspace,
)
from storage.upsert import insert_for


class PulseExists(Exception):
    """A pulse of that name already exists in the workspace."""


def ensure_workspace(*, session: Session, team_id: str, name: str, now: datetime) -> None:
    stmt = insert_for(session, Workspace).values(team_id=team_id, name=name, created_at=now)
    session.exec(stmt.on_conflict_do_nothing(index_elements=["team_id"]))


def list_workspaces(*, session: Session) -> Sequence[Workspace]:
    return session.exec(select(Workspace).order_by(col(Workspace.team_id))).all()


def ensure_respondents(
    *, session: Session, team_id: str, user_ids: Iterable[str], now: datetime
) -> dict[str, Respondent]:
    """Respondent rows for these users, created where missing (concurrent callers agree)."""
    wanted = list(dict.fromkeys(user_ids))
    if not wanted:
        return {}
    stmt = insert_for(session, Respondent).values(
        [{"team_id": team_id, "user_id": u, "attributes": {}, "opted_out": False,
          "deactivated": False, "created_at": now} for u in wanted]
    )
    session.exec(stmt.on_conflict_do_nothing(index_elements=["team_id", "user_id"]))
    rows = session.exec(
        select(Respondent).where(
            Respondent.team_id == team_id, col(Respondent.user_id).in_(wanted)
        )
    ).all()
    return {row.user_id: row for row in rows}


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


def open_wave(
    *,
    session: Session,
    pulse_id: int,
    scheduled_for: datetime,
    now: datetime,
    closes_at: datetime | None = None,
) -> Wave:
    """The wave for this pulse and time, created by whichever caller gets there first."""
    stmt = insert_for(session, Wave).values(
        pulse_id=pulse_id, scheduled_for=scheduled_for, created_at=now, closes_at=closes_at
    )
    session.exec(stmt.on_conflict_do_nothing(index_elements=["pulse_id", "scheduled_for"]))
    return session.exec(
        select(Wave).where(Wave.pulse_id == pulse_id, Wave.scheduled_for == scheduled_for)
    ).one()


def enqueue_deliveries(
    *,
    session: Session,
    wave_id: int,
    respondent_ids: Iterable[int],
    now: datetime,
    send_at: Mapping[int, datetime] | None = None,
) -> int:
    """Outbox rows for a wave, due now or at `send_at[respondent]`; existing rows stay."""
    ids = list(dict.fromkeys(respondent_ids))
    if not ids:
        return 0
    when = send_at or {}
    stmt = insert_for(session, Delivery).values(
        [{"wave_id": wave_id, "respondent_id": r, "status": "pending", "attempts": 0,
          "next_attempt_at": when.get(r, now)} for r in ids]
    )
    # RETURNING, not rowcount: drivers disagree on rowcount for multi-row inserts.
    inserted = session.exec(
        stmt.on_conflict_do_nothing(index_elements=["wave_id", "respondent_id"]).returning(
            Delivery.id
        )
    )
    return len(inserted.all())


def is_respondent(*, session: Session, team_id: str, user_id: str) -> bool:
    return (
        session.exec(
            select(Respondent.id).where(
                Respondent.team_id == team_id, Respondent.user_id == user_id
            )
        ).first()
        is not None
    )


def recently_surveyed(
    *,
    session: Session,
    team_id: str,
    metric: Metric,
    since: datetime,
    respondent_ids: Iterable[int],
    except_wave: int,
) -> set[int]:
    """Respondents sent a pulse of this metric since `since` (survey fatigue), other waves only."""
    ids = list(respondent_ids)
    if not ids:
        return set()
    rows = session.exec(
        select(Delivery.respondent_id)
        .join(Wave, col(Wave.id) == Delivery.wave_id)
        .join(Pulse, col(Pulse.id) == Wave.pulse_id)
        .where(
            Pulse.team_id == team_id,
            # A pulse asking both metrics surveys each of them.
            col(Pulse.metric).in_([metric.value, PulseMetric.BOTH.value]),
            Delivery.status == DeliveryStatus.SENT,
            col(Delivery.sent_at) >= since,
            Delivery.wave_id != except_wave,
            col(Delivery.respondent_id).in_(ids),
        )
        .distinct()
    ).all()
    return set(rows)


def set_opted_out(*, session: Session, team_id: str, user_id: str, opted_out: bool) -> bool:
    """Record consent; an opt-out also cancels deliveries not yet sent. False for a stranger."""
    respondent = session.exec(
        select(Respondent).where(Respondent.team_id == team_id, Respondent.user_id == user_id)
    ).first()
    if respondent is None or respondent.id is None:
        return False
    respondent.opted_out = opted_out
    session.add(respondent)
    if opted_out:
        session.exec(
            update(Delivery)
            .where(
                col(Delivery.respondent_id) == respondent.id,
                col(Delivery.status) == DeliveryStatus.PENDING,
            )
            .values(status=DeliveryStatus.FAILED, error="opted_out")
        )
    return True


def opt_out_respondent(*, session: Session, team_id: str, user_id: str, now: datetime) -> None:
    """Record an opt-out, creating the person if `team_id` has not surveyed them yet.

    Someone in a channel that got a post may stop surveys before ever answering one; keyed by
    (team, user), so a repeated click changes nothing.
    """
    session.exec(
        insert_for(session, Respondent)
        .values(team_id=team_id, user_id=user_id, attributes={}, opted_out=True,
                deactivated=False, created_at=now)
        .on_conflict_do_nothing(index_elements=["team_id", "user_id"])
    )
    set_opted_out(session=session, team_id=team_id, user_id=user_id, opted_out=True)


def get_respondent(*, session: Session, team_id: str, user_id: str) -> Respondent | None:
    return session.exec(
        select(Respondent).where(Respondent.team_id == team_id, Respondent.user_id == user_id)
    ).first()


def scheduled_pulses(*, session: Session) -> Sequence[Pulse]:
    return session.exec(
        select(Pulse).where(
            Pulse.status == PulseStatus.ACTIVE, col(Pulse.schedule).is_not(None)
        )
    ).all()


def imported_customers(*, session: Session, team_id: str, segment: dict[str, str]) -> list[str]:
    """User IDs of imported customers whose attributes match every key of the segment."""
    rows = session.exec(
        select(Respondent).where(
            Respondent.team_id == team_id, col(Respondent.imported_at).is_not(None)
        )
    ).all()
    wanted = {key: value.casefold() for key, value in segment.items()}
    return [
        row.user_id
        for row in rows
        if all(str(row.attributes.get(k, "")).casefold() == v for k, v in wanted.items())
    ]


def find_wave(*, session: Session, pulse_id: int, scheduled_for: datetime) -> bool:
    return (
        session.exec(
            select(Wave.id).where(Wave.pulse_id == pulse_id, Wave.scheduled_for == scheduled_for)
        ).first()
        is not None
    )


@dataclass(frozen=True)
class CustomerRecord:
    user_id: str
    account: str | None
    attributes: dict[str, str]


def upsert_customers(
    *, session: Session, team_id: str, records: Sequence[CustomerRecord], now: datetime
) -> None:
    """Mark these respondents as imported customers; new attributes join the ones they had."""
    respondents = ensure_respondents(
        session=session, team_id=team_id, user_ids=[r.user_id for r in records], now=now
    )
    for record in records:
        respondent = respondents[record.user_id]
        respondent.account = record.account or respondent.account
        respondent.attributes = {**respondent.attributes, **record.attributes}
        respondent.imported_at = now
        session.add(respondent)
