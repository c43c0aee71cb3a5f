"""Waves: one firing of a pulse, expanded into its deliveries, and the fatigue window it honours."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlmodel import Session, col, select

from storage.models import (
    Delivery,
    DeliveryStatus,
    Metric,
    Pulse,
    PulseMetric,
    Wave,
)
from storage.upsert import insert_for


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


def find_wave(*, session: Session, pulse_id: int, scheduled_for: datetime) -> bool:
    return (
        session.exec(
            select(Wave.id).where(Wave.pulse_id == pulse_id, Wave.scheduled_for == scheduled_for)
        ).first()
        is not None
    )
