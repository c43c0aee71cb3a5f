"""Bot tokens Slack refused, by fingerprint."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, update
from sqlmodel import Session, col, select

from storage.models import TokenRefusal
from storage.upsert import insert_for


def record_refusal(
    *, session: Session, fingerprint: str, team_id: str | None, error: str, now: datetime
) -> bool:
    """Record the refusal; False if it was already recorded (by another sender or replica)."""
    inserted = session.exec(
        insert_for(session, TokenRefusal)
        .values(token_fingerprint=fingerprint, team_id=team_id, error=error[:64],
                refused_at=now, checked_at=now)
        .on_conflict_do_nothing(index_elements=["token_fingerprint"])
        .returning(col(TokenRefusal.token_fingerprint))
    ).first()
    return inserted is not None


def refusal_of(*, session: Session, fingerprint: str) -> TokenRefusal | None:
    return session.get(TokenRefusal, fingerprint)


def refusals_of_team(*, session: Session, team_id: str | None) -> list[TokenRefusal]:
    """The workspace's refusals, and those recorded before its id was known."""
    query = select(TokenRefusal).order_by(col(TokenRefusal.refused_at))
    if team_id is not None:
        query = query.where(or_(col(TokenRefusal.team_id) == team_id,
                                col(TokenRefusal.team_id).is_(None)))
    return list(session.exec(query).all())


def checked(*, session: Session, fingerprint: str, now: datetime) -> None:
    session.exec(update(TokenRefusal)
                 .where(col(TokenRefusal.token_fingerprint) == fingerprint)
                 .values(checked_at=now))


def lift(*, session: Session, fingerprint: str) -> bool:
    result = session.exec(
        delete(TokenRefusal).where(col(TokenRefusal.token_fingerprint) == fingerprint))
    return result.rowcount == 1


def lift_replaced(*, session: Session, team_id: str | None, current: str) -> list[TokenRefusal]:
    """Refusals of tokens the workspace no longer uses (it has `current` now); with no team,
    every other one (one bot token: the deployment's only workspace)."""
    query = select(TokenRefusal).where(col(TokenRefusal.token_fingerprint) != current)
    if team_id is not None:
        query = query.where(col(TokenRefusal.team_id) == team_id)
    replaced = list(session.exec(query).all())
    for refusal in replaced:
        session.delete(refusal)
    return replaced
