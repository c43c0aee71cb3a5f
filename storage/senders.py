"""Senders: a row per process sending deliveries, beaten while it lives."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from storage.models import Sender
from storage.upsert import insert_for


def register_sender(*, session: Session, sender: Sender) -> None:
    """Insert the sender, or bring it back with a fresh beat if another process had judged it
    stopped and removed it (its claims were freed or settled then, so none are still its)."""
    values = sender.model_dump()
    session.exec(
        insert_for(session, Sender)
        .values(**values)
        .on_conflict_do_update(index_elements=["id"], set_={"beat_at": sender.beat_at})
    )


def beat(*, session: Session, sender_id: str, now: datetime) -> bool:
    """False if the row is gone (another process judged this one stopped)."""
    result = session.exec(
        update(Sender).where(col(Sender.id) == sender_id).values(beat_at=now)
    )
    return result.rowcount == 1


def senders(*, session: Session) -> list[Sender]:
    return list(session.exec(select(Sender).order_by(col(Sender.started_at))).all())


def remove_sender(*, session: Session, sender_id: str, beat_at: datetime | None = None) -> bool:
    """Delete the sender's row; with `beat_at`, only if it has not beaten since (a compare-and-
    set: a sender judged stopped that beats again keeps its row)."""
    query = delete(Sender).where(col(Sender.id) == sender_id)
    if beat_at is not None:
        query = query.where(col(Sender.beat_at) == beat_at)
    return session.exec(query).rowcount == 1
