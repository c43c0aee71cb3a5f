"""Claims on refreshing a rotating token: one holder per workspace at a time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, update
from sqlmodel import Session, col

from storage.models import TokenRefreshClaim
from storage.upsert import insert_for


def try_claim(*, session: Session, key: str, holder: str, now: datetime,
              until: datetime) -> bool:
    """Take the claim if nobody holds it, or its holder let it run out (it died holding it)."""
    # RETURNING, not rowcount: an INSERT that did nothing on conflict has no reliable rowcount
    # on every driver.
    inserted = session.exec(
        insert_for(session, TokenRefreshClaim)
        .values(key=key, holder=holder, expires_at=until)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(col(TokenRefreshClaim.key))
    ).first()
    if inserted is not None:
        return True
    taken = session.exec(
        update(TokenRefreshClaim)
        .where(col(TokenRefreshClaim.key) == key, col(TokenRefreshClaim.expires_at) < now)
        .values(holder=holder, expires_at=until)
    )
    return bool(taken.rowcount == 1)


def release_claim(*, session: Session, key: str, holder: str) -> None:
    session.exec(delete(TokenRefreshClaim).where(col(TokenRefreshClaim.key) == key,
                                                 col(TokenRefreshClaim.holder) == holder))
