"""Counts for part of a workspace (one pulse, or imported customers in a segment).

The daily rollups are per workspace, so a scoped figure counts its rows directly. A digest asks
for one week or month at a time, so that stays a bounded read whatever the history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.models import Delivery, DeliveryStatus, Metric, Pulse, Respondent, Response, Wave
from storage.respondents import imported_customers


@dataclass(frozen=True)
class ReportScope:
    """One pulse, or imported customers whose attributes match every key of `segment`."""

    pulse_id: int | None = None
    segment: dict[str, str] | None = None


def _respondents(session: Session, team_id: str, segment: dict[str, str]) -> list[int]:
    users = imported_customers(session=session, team_id=team_id, segment=segment)
    if not users:
        return []
    return [
        int(r) for r in session.exec(
            select(Respondent.id).where(Respondent.team_id == team_id,
                                        col(Respondent.user_id).in_(users))
        ).all() if r is not None
    ]


def _answer_filter(session: Session, team_id: str, scope: ReportScope) -> list[Any]:
    """Conditions on `response` for the scope. A segment needs the answer's person, so
    anonymous answers (no respondent) are never part of one; imported answers (no delivery,
    their customer only) are, like the answers their customers gave in Slack."""
    conditions: list[Any] = []
    if scope.pulse_id is not None:
        conditions.append(col(Response.wave_id).in_(
            select(Wave.id).where(Wave.pulse_id == scope.pulse_id)))
    if scope.segment is not None:
        people = _respondents(session, team_id, scope.segment)
        conditions.append(col(Response.respondent_id).in_(people))
    return conditions


def scoped_score_counts(
    *, session: Session, team_id: str, metric: Metric, since: datetime, until: datetime,
    scope: ReportScope,
) -> dict[int, int]:
    rows = session.exec(
        select(Response.score, func.count())
        .where(Response.team_id == team_id, Response.metric == metric,
               col(Response.answered_at) >= since, col(Response.answered_at) <= until,
               *_answer_filter(session, team_id, scope))
        .group_by(col(Response.score))
    ).all()
    return {int(score): int(count) for score, count in rows}


def scoped_delivery_counts(
    *, session: Session, team_id: str, since: datetime, until: datetime, scope: ReportScope
) -> tuple[int, int]:
    """(delivered, answered) for the scope's deliveries sent in [since, until]."""
    conditions: list[Any] = [
        col(Delivery.wave_id).in_(
            select(Wave.id).join(Pulse, col(Pulse.id) == Wave.pulse_id)
            .where(Pulse.team_id == team_id, col(Pulse.post_channel).is_(None),
                   *([col(Pulse.id) == scope.pulse_id] if scope.pulse_id is not None else []))
        ),
        Delivery.status == DeliveryStatus.SENT,
        col(Delivery.sent_at) >= since,
        col(Delivery.sent_at) <= until,
    ]
    if scope.segment is not None:
        conditions.append(
            col(Delivery.respondent_id).in_(_respondents(session, team_id, scope.segment)))
    delivered, answered = session.exec(
        select(func.count(), func.count(col(Delivery.answered_at))).where(*conditions)
    ).one()
    return int(delivered), int(answered)


def scoped_comment_filter(session: Session, team_id: str, scope: ReportScope) -> list[Any]:
    """The same conditions, for the comment queries of storage.reporting."""
    return _answer_filter(session, team_id, scope)


def people_answering(
    *, session: Session, team_id: str, since: datetime, until: datetime,
    scope: ReportScope | None = None,
) -> int:
    """How many people gave the answers of [since, until] (in the scope), never more than
    really did: what the anonymity minimum is held against, since a pulse asking both metrics
    gets two answers from each person and a person may answer several waves.

    A named answer counts its respondent once. An anonymous one names nobody, so those count as
    the most that one wave got for one metric: each of those came from someone else.
    """
    conditions: list[Any] = [
        Response.team_id == team_id,
        col(Response.answered_at) >= since,
        col(Response.answered_at) <= until,
        *(_answer_filter(session, team_id, scope) if scope is not None else []),
    ]
    named = session.exec(
        select(func.count(func.distinct(col(Response.respondent_id))))
        .where(*conditions, col(Response.respondent_id).is_not(None))
    ).one()
    per_wave = (
        select(func.count().label("answers"))
        .where(*conditions, col(Response.respondent_id).is_(None))
        .group_by(col(Response.wave_id), col(Response.metric))
        .subquery()
    )
    anonymous = session.exec(select(func.coalesce(func.max(per_wave.c.answers), 0))).one()
    # Named and anonymous answerers may be the same people: only the larger count is sure.
    return max(int(named), int(anonymous))
