"""Follow-ups: raised once per delivery, then owned, answered and resolved by staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, true, update
from sqlmodel import Session, col, select

from storage.models import Delivery, FollowUp, Metric, Respondent, Response, WorkspaceSetting
from storage.upsert import insert_for
from storage.workspaces import set_workspace_choice

HISTORY_SHOWN = 5


@dataclass(frozen=True)
class PastAnswer:
    metric: Metric
    score: int
    answered_at: datetime


@dataclass(frozen=True)
class FollowUpDetails:
    """A follow-up with what its alert shows about the customer."""

    row: FollowUp
    user_id: str | None
    account: str | None
    history: list[PastAnswer]  # their earlier answers, newest first
    pulse_count: int  # pulses they have been sent, this one included


def workspace_alert_channel(*, session: Session, team_id: str) -> str | None:
    """The channel the workspace chose for its alerts, or None (it chose none)."""
    return session.exec(
        select(WorkspaceSetting.alert_channel_id).where(WorkspaceSetting.team_id == team_id)
    ).first()


def set_alert_channel(
    *, session: Session, team_id: str, channel_id: str | None, user_id: str | None,
    now: datetime,
) -> None:
    set_workspace_choice(session=session, team_id=team_id, user_id=user_id, now=now,
                         alert_channel_id=channel_id)


def raise_or_update(
    *,
    session: Session,
    delivery_id: int,
    team_id: str,
    metric: Metric,
    score: int,
    comment: str | None,
    should_raise: bool,
    now: datetime,
) -> int | None:
    """Open the delivery's follow-up, or bring an open one up to date.

    Returns the follow-up whose alert must be (re)published, or None when nothing changed. The
    unique keys (delivery, answer), not this function's reading first, keep it to one row.
    """
    existing = session.exec(select(FollowUp).where(FollowUp.delivery_id == delivery_id)).first()
    if existing is None:
        if not should_raise:
            return None
        respondent_id = session.exec(
            select(Delivery.respondent_id).where(Delivery.id == delivery_id)
        ).first()
        # The answer it is raised on: stored in this transaction before the follow-up is.
        response_id = (
            select(Response.id)
            .where(Response.delivery_id == delivery_id, Response.metric == metric.value)
            .scalar_subquery()
        )
        inserted = session.exec(
            insert_for(session, FollowUp)
            .values(
                team_id=team_id, delivery_id=delivery_id, response_id=response_id,
                respondent_id=respondent_id,
                metric=metric, raised_score=score, score=score, comment=comment,
                raised_at=now, touched_at=now, revision=1, alert_revision=0,
            )
            # Any target: a follow-up on this delivery, or on this answer (opened by plan
            # followup), is the one; neither may be raised twice.
            .on_conflict_do_nothing()
            .returning(FollowUp.id)
        ).first()
        return None if inserted is None else int(inserted[0])
    assert existing.id is not None
    changes: dict[str, Any] = {}
    if comment is not None and comment != existing.comment:
        changes["comment"] = comment
    if comment is None and metric == existing.metric and score != existing.score:
        changes["score"] = score
    if not changes:
        return None
    session.exec(
        update(FollowUp)
        .where(col(FollowUp.id) == existing.id)
        .values(revision=col(FollowUp.revision) + 1, **changes)
    )
    return existing.id


def blank_words_answered_before(*, session: Session, cutoff: datetime) -> int:
    """Blank the follow-ups' copy of the customer's comment and the resolution note (which may
    quote it) when the answer they follow is older than `cutoff`; how many rows changed.

    The answer's time, not the follow-up's, decides, so the copy goes exactly when the comment
    does. Each changed alert is marked behind and edited by the next sweep: the alert quotes
    the comment too.
    """
    answered_before = select(Response.id).where(col(Response.answered_at) < cutoff)
    delivered_before = select(Response.delivery_id).where(
        col(Response.answered_at) < cutoff, col(Response.delivery_id).is_not(None)
    )
    result = session.exec(
        update(FollowUp)
        .where(
            or_(col(FollowUp.comment).is_not(None), col(FollowUp.resolution_note).is_not(None)),
            or_(
                # Found by its answer, imported or not (a follow-up opened today on an old
                # imported answer loses the words with it)...
                col(FollowUp.response_id).in_(answered_before),
                # ...or, raised before answers were linked, by its delivery.
                col(FollowUp.delivery_id).in_(delivered_before),
                # Both gone: it was raised after the answer, so never too early.
                and_(col(FollowUp.delivery_id).is_(None), col(FollowUp.response_id).is_(None),
                     col(FollowUp.raised_at) < cutoff),
            ),
        )
        .values(comment=None, resolution_note=None, revision=col(FollowUp.revision) + 1)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)


def get_follow_up(*, session: Session, follow_up_id: int) -> FollowUp | None:
    return session.get(FollowUp, follow_up_id)


def follow_up_details(*, session: Session, follow_up_id: int) -> FollowUpDetails | None:
    row = session.get(FollowUp, follow_up_id)
    if row is None:
        return None
    respondent = (
        session.get(Respondent, row.respondent_id) if row.respondent_id is not None else None
    )
    history: list[PastAnswer] = []
    pulse_count = 0
    if respondent is not None:
        # Their answers from Slack and from imports alike, but not the ones this is about.
        others = [col(Response.id) != row.response_id] if row.response_id is not None else []
        if row.delivery_id is not None:
            others.append(or_(col(Response.delivery_id).is_(None),
                              col(Response.delivery_id) != row.delivery_id))
        earlier = session.exec(
            select(Response.metric, Response.score, Response.answered_at)
            .where(Response.respondent_id == respondent.id, *others)
            .order_by(col(Response.answered_at).desc(), col(Response.id).desc())
            .limit(HISTORY_SHOWN)
        ).all()
        history = [PastAnswer(Metric(m), s, at) for m, s, at in earlier]
        pulse_count = session.exec(
            select(func.count()).select_from(Delivery)
            .where(Delivery.respondent_id == respondent.id)
        ).one()
    return FollowUpDetails(
        row=row,
        user_id=None if respondent is None else respondent.user_id,
        account=None if respondent is None else respondent.account,
        history=history,
        pulse_count=int(pulse_count),
    )


def claim_alert(
    *, session: Session, follow_up_id: int, now: datetime, lease_before: datetime
) -> bool:
    """Whether this caller may publish the alert now.

    Editing a posted alert is idempotent, so anyone may. Posting it is claimed first (a
    compare-and-set on alert_claimed_at), so two replicas never post the same alert twice; a
    claim older than the lease belongs to a poster that died and may be taken over.
    """
    row = session.get(FollowUp, follow_up_id)
    if row is None or row.alert_revision >= row.revision:
        return False
    if row.alert_ts is not None:
        return True
    claimed = session.exec(
        update(FollowUp)
        .where(
            col(FollowUp.id) == follow_up_id,
            col(FollowUp.alert_ts).is_(None),
            or_(
                col(FollowUp.alert_claimed_at).is_(None),
                col(FollowUp.alert_claimed_at) < lease_before,
            ),
        )
        .values(alert_claimed_at=now)
    )
    return bool(claimed.rowcount == 1)


def mark_alert_published(
    *, session: Session, follow_up_id: int, revision: int, channel_id: str, ts: str
) -> None:
    session.exec(
        update(FollowUp)
        .where(col(FollowUp.id) == follow_up_id, col(FollowUp.alert_revision) < revision)
        .values(alert_revision=revision, alert_channel_id=channel_id, alert_ts=ts)
    )


def release_alert_claim(*, session: Session, follow_up_id: int) -> None:
    """A failed post: let the next sweep try at once rather than after the lease."""
    session.exec(
        update(FollowUp)
        .where(col(FollowUp.id) == follow_up_id, col(FollowUp.alert_ts).is_(None))
        .values(alert_claimed_at=None)
    )


def unpublished_alerts(
    *, session: Session, lease_before: datetime, team_id: str | None = None
) -> list[int]:
    """Alerts whose message is missing or behind its row, and not being posted right now."""
    ids = session.exec(
        select(FollowUp.id)
        .where(
            true() if team_id is None else col(FollowUp.team_id) == team_id,
            col(FollowUp.alert_revision) < col(FollowUp.revision),
            or_(
                col(FollowUp.alert_ts).is_not(None),
                col(FollowUp.alert_claimed_at).is_(None),
                col(FollowUp.alert_claimed_at) < lease_before,
            ),
        )
        .order_by(col(FollowUp.id))
        .limit(100)
    ).all()
    return [i for i in ids if i is not None]


def change_follow_up(*, session: Session, follow_up_id: int, **values: Any) -> None:
    """Apply a staff action and mark the alert as behind, so it is edited to show it."""
    session.exec(
        update(FollowUp)
        .where(col(FollowUp.id) == follow_up_id)
        .values(revision=col(FollowUp.revision) + 1, **values)
    )


def due_reminders(
    *, session: Session, touched_before: datetime, team_id: str | None = None
) -> list[FollowUp]:
    """Open follow-ups nobody has acted on, or been reminded of, since `touched_before`."""
    return list(session.exec(
        select(FollowUp)
        .where(
            true() if team_id is None else col(FollowUp.team_id) == team_id,
            col(FollowUp.resolved_at).is_(None),
            col(FollowUp.alert_ts).is_not(None),
            col(FollowUp.touched_at) <= touched_before,
            or_(
                col(FollowUp.last_reminded_at).is_(None),
                col(FollowUp.last_reminded_at) <= touched_before,
            ),
        )
        .order_by(col(FollowUp.id))
        .limit(100)
    ).all())


def claim_reminder(
    *, session: Session, follow_up_id: int, touched_before: datetime, now: datetime
) -> bool:
    """Compare-and-set: one reminder per period, however many sweeps run at once."""
    claimed = session.exec(
        update(FollowUp)
        .where(
            col(FollowUp.id) == follow_up_id,
            or_(
                col(FollowUp.last_reminded_at).is_(None),
                col(FollowUp.last_reminded_at) <= touched_before,
            ),
        )
        .values(last_reminded_at=now)
    )
    return bool(claimed.rowcount == 1)


def open_follow_ups(
    *, session: Session, team_id: str, limit: int
) -> tuple[int, list[FollowUpDetails]]:
    """How many are open, and the oldest `limit` of them in detail (a backlog stays fast)."""
    still_open = (FollowUp.team_id == team_id, col(FollowUp.resolved_at).is_(None))
    total = session.exec(select(func.count()).select_from(FollowUp).where(*still_open)).one()
    ids = session.exec(
        select(FollowUp.id).where(*still_open)
        .order_by(col(FollowUp.raised_at), col(FollowUp.id)).limit(limit)
    ).all()
    found = (follow_up_details(session=session, follow_up_id=i) for i in ids if i is not None)
    return int(total), [details for details in found if details is not None]


def raised_between(
    *, session: Session, team_id: str, start: datetime, end: datetime
) -> list[tuple[datetime, datetime | None, datetime | None]]:
    """(raised, first response, resolved) of each follow-up raised in the period."""
    rows = session.exec(
        select(FollowUp.raised_at, FollowUp.first_response_at, FollowUp.resolved_at)
        .where(
            FollowUp.team_id == team_id,
            col(FollowUp.raised_at) >= start,
            col(FollowUp.raised_at) <= end,  # a period includes its end
        )
    ).all()
    return [(raised, responded, resolved) for raised, responded, resolved in rows]
