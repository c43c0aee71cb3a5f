"""Drift warnings: the counts the hourly check reads, and the warnings it claims and posts.

A warning is claimed by inserting its row, unique per workspace, segment, metric and period
(`DriftAlert`), before anything is posted: of two replicas or two checks only one inserts. A
poster that dies after claiming leaves the row "posting"; after the lease another takes it
over by compare-and-set on `claimed_at` and looks in the channel before posting again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Text, case, cast, func, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storage.models import (
    DriftAlert,
    DriftAlertStatus,
    Metric,
    Respondent,
    Response,
    WorkspaceSetting,
)
from storage.upsert import insert_for
from storage.workspaces import set_workspace_choice

# bot.reporting's segment view names respondents with no value for an attribute so; the drift
# check groups them the same way (storage.reporting.segment_counts).
NOT_SET = "(not set)"


@dataclass(frozen=True)
class AnswerCount:
    """One respondent's answers in one of the two windows, by score: one per respondent and
    window."""

    respondent_id: int
    current: bool  # in the current window; else in the previous one
    scores: dict[int, int]  # score → answers, scores with none left out


# The scores each metric's answers can hold (storage sits below bot/; the CHECK on response
# keeps every score within 0–10).
SCALES = {Metric.NPS: range(0, 11), Metric.CSAT: range(1, 6)}


def respondent_window_counts(
    *, session: Session, team_id: str, metric: Metric, previous_start: datetime,
    current_start: datetime, until: datetime,
) -> list[AnswerCount]:
    """Answers per respondent, window and score: previous = [previous_start, current_start),
    current = [current_start, until]. Anonymous answers have no respondent and are left out:
    they never belong to a segment."""
    in_current = case((col(Response.answered_at) >= current_start, 1), else_=0).label("current")
    scale = SCALES[metric]
    # One row per respondent and window, a column per score: a customer answering weekly
    # would otherwise bring a row per score they ever gave.
    per_score = [func.sum(case((col(Response.score) == score, 1), else_=0)) for score in scale]
    # Through the connection: tens of thousands of plain tuples at a million answers, which the
    # ORM's row handling would take longer to build than the query takes to run.
    rows = session.connection().execute(
        sa_select(col(Response.respondent_id), in_current, *per_score)
        .where(col(Response.team_id) == team_id, col(Response.metric) == metric,
               col(Response.answered_at) >= previous_start,
               col(Response.answered_at) <= until,
               col(Response.respondent_id).is_not(None))
        .group_by(col(Response.respondent_id), in_current)
    ).all()
    return [
        AnswerCount(row[0], bool(row[1]),
                    {score: int(n) for score, n in zip(scale, row[2:], strict=True) if n})
        for row in rows
    ]


def respondent_attributes(*, session: Session, team_id: str) -> dict[int, dict[str, str]]:
    """Each respondent's segment attributes (plan, region…), by respondent id, for those that
    have any."""
    # The JSON as text, parsed here in one go: SQLAlchemy's per-row JSON handling cost more
    # than the parsing itself at 20,000 customers.
    raw: Any = cast(Respondent.__table__.c.attributes, Text)  # type: ignore[attr-defined]
    rows = session.connection().execute(
        sa_select(col(Respondent.id), raw).where(col(Respondent.team_id) == team_id)
    ).all()
    found: dict[int, dict[str, str]] = {}
    for respondent, text in rows:
        attributes = json.loads(text) if text else None
        if attributes:
            found[int(respondent)] = {str(k): str(v) for k, v in attributes.items()}
    return found


@dataclass(frozen=True)
class DriftComment:
    comment: str
    score: int
    sentiment_label: str | None


def segment_comments(
    *, session: Session, team_id: str, metric: Metric, since: datetime, until: datetime,
    segment: tuple[str, str] | None, below: int, limit: int = 3,
) -> list[DriftComment]:
    """The most negative comments on answers of `metric` given in [since, until] scoring under
    `below`, by sentiment then score; of one segment (ATTRIBUTE, VALUE), or of every answer
    (anonymous ones too) when `segment` is None. No respondent is read: nothing names anyone."""
    conditions: list[Any] = [
        col(Response.team_id) == team_id,
        col(Response.metric) == metric,
        col(Response.answered_at) >= since,
        col(Response.answered_at) <= until,
        col(Response.score) < below,
        col(Response.comment).is_not(None),
        col(Response.comment) != "",
    ]
    if segment is not None:
        attribute, value = segment
        attributes: Any = Respondent.__table__.c.attributes  # type: ignore[attr-defined]
        stored = attributes[attribute].as_string()
        matches = (stored.is_(None) | (stored == "")) if value == NOT_SET else stored == value
        conditions.append(col(Response.respondent_id).in_(
            select(Respondent.id).where(Respondent.team_id == team_id, matches)))
    rows = session.execute(
        sa_select(col(Response.comment), col(Response.score), col(Response.sentiment_label))
        .where(*conditions)
        .order_by(col(Response.sentiment_polarity).asc().nulls_last(), col(Response.score),
                  col(Response.answered_at).desc(), col(Response.id).desc())
        .limit(limit)
    ).all()
    return [DriftComment(str(c), int(s), label) for c, s, label in rows]


@dataclass(frozen=True)
class DriftRecord:
    """What a warning says: the two windows' figures (NPS points or CSAT percent) and the
    smallest fall the test allowed."""

    segment: str
    metric: Metric
    previous_score: float
    current_score: float
    n_previous: int
    n_current: int
    previous_low: float
    previous_high: float
    current_low: float
    current_high: float
    fall_low: float


def claim_drift_alert(
    *, session: Session, team_id: str, record: DriftRecord, period_start: datetime,
    current_start: datetime, now: datetime, quiet_since: datetime, channel_id: str | None,
) -> int | None:
    """This caller's right to raise the warning, as the new row's id; None if it is not theirs.

    Not theirs when the segment and metric already had a warning raised after `quiet_since`
    (a fall reported late in one period is not reported again early in the next), or when
    another caller inserted this period's row first (the unique key). With a `channel_id` the
    row waits to be posted there; without, it is only recorded (the workspace has no alert
    channel) for Home and the digest to show.
    """
    recent = session.exec(
        select(DriftAlert.id).where(
            DriftAlert.team_id == team_id, DriftAlert.segment == record.segment,
            DriftAlert.metric == record.metric, col(DriftAlert.raised_at) > quiet_since)
    ).first()
    if recent is not None:
        return None
    posting = channel_id is not None
    values = {
        "team_id": team_id, "period_start": period_start, "current_start": current_start,
        "raised_at": now,
        "status": DriftAlertStatus.POSTING if posting else DriftAlertStatus.NO_CHANNEL,
        "claimed_at": now if posting else None, "attempts": 1 if posting else 0,
        "channel_id": channel_id,
        **record.__dict__,
    }
    inserted = session.exec(
        insert_for(session, DriftAlert).values(**values)
        .on_conflict_do_nothing(index_elements=["team_id", "segment", "metric", "period_start"])
        # RETURNING, not rowcount: psycopg reports no count for a skipped conflict.
        .returning(DriftAlert.id)
    ).first()
    return None if inserted is None else int(inserted[0])


def abandoned_alerts(
    *, session: Session, team_id: str, lease_before: datetime, now: datetime
) -> list[DriftAlert]:
    """Warnings claimed by a poster that never finished (claimed before `lease_before`), each
    taken over by compare-and-set: a second caller taking the same row gets nothing."""
    stale = session.exec(
        select(DriftAlert).where(
            DriftAlert.team_id == team_id, DriftAlert.status == DriftAlertStatus.POSTING,
            col(DriftAlert.claimed_at) <= lease_before)
        .order_by(col(DriftAlert.id))
    ).all()
    taken = []
    for alert in stale:
        result = session.exec(
            update(DriftAlert)
            .where(col(DriftAlert.id) == alert.id,
                   col(DriftAlert.claimed_at) == alert.claimed_at)
            .values(claimed_at=now, attempts=alert.attempts + 1)
        )
        if result.rowcount:
            taken.append(alert)
    return taken


def get_drift_alert(*, session: Session, alert_id: int) -> DriftAlert | None:
    return session.get(DriftAlert, alert_id)


def mark_drift_posted(
    *, session: Session, alert_id: int, channel_id: str, message_ts: str, now: datetime
) -> None:
    session.exec(
        update(DriftAlert).where(col(DriftAlert.id) == alert_id)
        .values(status=DriftAlertStatus.POSTED, channel_id=channel_id, message_ts=message_ts,
                posted_at=now, error=None)
    )


def mark_drift_failed(*, session: Session, alert_id: int, error: str) -> None:
    session.exec(
        update(DriftAlert).where(col(DriftAlert.id) == alert_id)
        .values(status=DriftAlertStatus.FAILED, error=error[:255])
    )


def drift_alerts_raised(
    *, session: Session, team_id: str, since: datetime, until: datetime
) -> list[DriftAlert]:
    """The warnings raised in [since, until], newest first: what Home and digests show."""
    return list(session.exec(
        select(DriftAlert).where(
            DriftAlert.team_id == team_id, col(DriftAlert.raised_at) >= since,
            col(DriftAlert.raised_at) <= until)
        .order_by(col(DriftAlert.raised_at).desc(), col(DriftAlert.id).desc())
    ).all())


def drift_alerts_on(*, session: Session, team_id: str) -> bool:
    """Whether the workspace wants drift warnings (on unless turned off)."""
    chosen = session.exec(
        select(WorkspaceSetting.drift_alerts).where(WorkspaceSetting.team_id == team_id)
    ).first()
    return chosen is not False


def set_drift_alerts(
    *, session: Session, team_id: str, on: bool, user_id: str | None, now: datetime
) -> None:
    set_workspace_choice(session=session, team_id=team_id, user_id=user_id, now=now,
                         drift_alerts=on)
