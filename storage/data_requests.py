"""Forgetting a person: everything stored under their Slack user ID in one workspace.

Their answers, comments, deliveries, customer record and segments are deleted, and they are
taken off the named audiences of pulses. Answers of anonymous pulses carry no link to anyone;
the caller may still name the keys of those it can find (waves still open), and they go too.
What they did as staff (owned a follow-up, set a target...) stays, under a pseudonym.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, update
from sqlmodel import Session, col, select

from storage.delivery_rollup import counted_for, recount
from storage.models import (
    CustomBenchmark,
    DataRequest,
    Delivery,
    DigestSubscription,
    FollowUp,
    Metric,
    OutcomeEvent,
    Pulse,
    Respondent,
    Response,
    SurveySuppression,
    Target,
    Wave,
    WorkspaceSetting,
)
from storage.rollups import count_answer
from storage.upsert import insert_for

FORGET = "forget"


@dataclass(frozen=True)
class PersonalData:
    """Where one person's data is: found before anything is deleted, so a dry run can show it."""

    respondent_id: int | None
    opted_out: bool
    delivery_ids: list[int] = field(default_factory=list)
    # Deliveries of anonymous pulses: their answers are found only by a key derived from these.
    anonymous_delivery_ids: list[int] = field(default_factory=list)
    audience_pulse_ids: list[int] = field(default_factory=list)


def find_personal_data(*, session: Session, team_id: str, user_id: str) -> PersonalData:
    respondent = session.exec(
        select(Respondent).where(Respondent.team_id == team_id, Respondent.user_id == user_id)
    ).first()
    pulses = session.exec(select(Pulse).where(Pulse.team_id == team_id)).all()
    in_audience = [p.id for p in pulses if p.id is not None and user_id in p.audience]
    if respondent is None or respondent.id is None:
        return PersonalData(None, False, audience_pulse_ids=in_audience)
    rows = session.exec(
        select(col(Delivery.id), col(Pulse.anonymous))
        .join(Wave, col(Wave.id) == col(Delivery.wave_id))
        .join(Pulse, col(Pulse.id) == col(Wave.pulse_id))
        .where(col(Delivery.respondent_id) == respondent.id)
    ).all()
    return PersonalData(
        respondent_id=respondent.id,
        opted_out=respondent.opted_out,
        delivery_ids=[d for d, _ in rows if d is not None],
        anonymous_delivery_ids=[d for d, anonymous in rows if d is not None and anonymous],
        audience_pulse_ids=in_audience,
    )


def _their_responses(data: PersonalData, anonymous_keys: Sequence[str]) -> Any:
    return or_(
        col(Response.delivery_id).in_(data.delivery_ids),
        col(Response.anonymous_key).in_(list(anonymous_keys)),
        # Imported answers have no delivery, only their customer.
        *([col(Response.respondent_id) == data.respondent_id]
          if data.respondent_id is not None else []),
    )


def _their_outcomes(data: PersonalData) -> Any:
    return col(OutcomeEvent.respondent_id) == (
        data.respondent_id if data.respondent_id is not None else -1)


def _their_follow_ups(data: PersonalData) -> Any:
    return or_(
        col(FollowUp.delivery_id).in_(data.delivery_ids),
        col(FollowUp.respondent_id) == data.respondent_id,
    )


def count_personal_data(
    *, session: Session, data: PersonalData, anonymous_keys: Sequence[str]
) -> dict[str, int]:
    """Rows that forgetting would delete or change, per table."""
    responses = session.exec(
        select(func.count()).select_from(Response).where(_their_responses(data, anonymous_keys))
    ).one()
    follow_ups = session.exec(
        select(func.count()).select_from(FollowUp).where(_their_follow_ups(data))
    ).one()
    outcomes = session.exec(
        select(func.count()).select_from(OutcomeEvent).where(_their_outcomes(data))
    ).one()
    return {
        "response": int(responses),
        "follow_up": int(follow_ups),
        "delivery": len(data.delivery_ids),
        "outcome_event": int(outcomes),
        "respondent": int(data.respondent_id is not None),
        "pulse_audience": len(data.audience_pulse_ids),
    }


def delete_personal_data(
    *,
    session: Session,
    user_id: str,
    data: PersonalData,
    anonymous_keys: Sequence[str],
) -> dict[str, int]:
    """Delete (answers before their deliveries, those before the person); counts per table."""
    # The daily rollups count these rows: take them out in the same transaction, as every
    # other write that moves them does (storage.rollups, storage.delivery_rollup).
    for team_id, metric, answered_at, score in session.exec(
        select(Response.team_id, Response.metric, Response.answered_at, Response.score)
        .where(_their_responses(data, anonymous_keys))
    ).all():
        count_answer(session=session, team_id=team_id, metric=Metric(metric),
                     answered_at=answered_at, score=score, delta=-1)
    counted = {d: counted_for(session, d, lock=True) for d in data.delivery_ids}
    # Follow-ups quote their comment and point at their answer and delivery: they go first.
    follow_ups = session.exec(delete(FollowUp).where(_their_follow_ups(data)))
    responses = session.exec(delete(Response).where(_their_responses(data, anonymous_keys)))
    deliveries = session.exec(delete(Delivery).where(col(Delivery.id).in_(data.delivery_ids)))
    for delivery_id, before in counted.items():
        recount(session, delivery_id, before)  # gone now: what it counted for is taken out
    outcomes = session.exec(delete(OutcomeEvent).where(_their_outcomes(data)))
    respondents = session.exec(
        delete(Respondent).where(col(Respondent.id) == data.respondent_id)
    )
    for pulse in session.exec(select(Pulse).where(col(Pulse.id).in_(data.audience_pulse_ids))):
        # A new list, not an in-place edit: SQLAlchemy does not see mutations inside JSON.
        pulse.audience = [member for member in pulse.audience if member != user_id]
        session.add(pulse)
    return {
        "response": int(responses.rowcount),
        "follow_up": int(follow_ups.rowcount),
        "delivery": int(deliveries.rowcount),
        "outcome_event": int(outcomes.rowcount),
        "respondent": int(respondents.rowcount),
        "pulse_audience": len(data.audience_pulse_ids),
    }


# Where a staff member's Slack ID is kept for what they did, in their workspace's rows.
STAFF_COLUMNS: tuple[tuple[Any, str], ...] = (
    (FollowUp, "owner_user_id"),
    (FollowUp, "previous_owner_user_id"),
    (FollowUp, "resolved_by"),
    (Target, "set_by"),
    (CustomBenchmark, "added_by"),
    (DigestSubscription, "created_by"),
    (WorkspaceSetting, "updated_by"),
)


def _staff_label(model: Any, column: str) -> str:
    return f"{model.__tablename__}.{column}"


def _naming(model: Any, column: str, team_id: str, user_id: str) -> Any:
    return (col(model.team_id) == team_id) & (col(getattr(model, column)) == user_id)


def count_staff_references(*, session: Session, team_id: str, user_id: str) -> dict[str, int]:
    """Rows that name `user_id` as the staff member who did something, per column."""
    return {
        _staff_label(model, column): int(session.exec(
            select(func.count()).select_from(model)
            .where(_naming(model, column, team_id, user_id))
        ).one())
        for model, column in STAFF_COLUMNS
    }


def pseudonymise_staff(
    *, session: Session, team_id: str, user_id: str, pseudonym: str
) -> dict[str, int]:
    """Put `pseudonym` where `user_id` is named as the staff member who acted; counts per
    column. A changed follow-up's alert is marked behind, so the sweep edits the name out."""
    counts: dict[str, int] = {}
    for model, column in STAFF_COLUMNS:
        values: dict[str, Any] = {column: pseudonym}
        if model is FollowUp:
            values["revision"] = col(FollowUp.revision) + 1
        result = session.exec(
            update(model).where(_naming(model, column, team_id, user_id)).values(**values)
        )
        counts[_staff_label(model, column)] = int(result.rowcount)
    return counts


def suppress_subject(*, session: Session, team_id: str, subject_hash: str, now: datetime) -> int:
    """Never survey this (hashed) person again; 1 if newly added, 0 if already there."""
    inserted = session.exec(
        insert_for(session, SurveySuppression)
        .values(team_id=team_id, subject_hash=subject_hash, created_at=now)
        .on_conflict_do_nothing(index_elements=["team_id", "subject_hash"])
        .returning(SurveySuppression.id)
    )
    return len(inserted.all())


def suppressed_subjects(*, session: Session, team_id: str) -> set[str]:
    rows = session.exec(
        select(col(SurveySuppression.subject_hash)).where(SurveySuppression.team_id == team_id)
    ).all()
    return set(rows)


def forgotten_subjects(*, session: Session, team_id: str) -> set[str]:
    """Hashes of everyone forgotten in the workspace (opted out or not): an import of an old
    file must not bring them back."""
    rows = session.exec(
        select(col(DataRequest.subject_hash))
        .where(DataRequest.team_id == team_id, DataRequest.kind == FORGET)
    ).all()
    return set(rows)


def record_data_request(
    *,
    session: Session,
    team_id: str,
    kind: str,
    subject_hash: str,
    requested_by: str,
    counts: dict[str, int],
    now: datetime,
) -> DataRequest:
    request = DataRequest(
        team_id=team_id,
        kind=kind,
        subject_hash=subject_hash,
        requested_by=requested_by,
        requested_at=now,
        counts=counts,
    )
    session.add(request)
    return request


def data_requests(*, session: Session, team_id: str) -> Sequence[DataRequest]:
    return session.exec(
        select(DataRequest).where(DataRequest.team_id == team_id).order_by(col(DataRequest.id))
    ).all()
