"""Events API deduplication: Slack redelivers an event whose ack it did not see in time."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from storage.models import ProcessedEvent
from storage.upsert import insert_for


def first_delivery_of_event(
    *, session: Session, event_id: str, team_id: str | None, now: datetime
) -> bool:
    """Record the event id; True only for the first caller to see it."""
    result = session.exec(
        insert_for(session, ProcessedEvent)
        .values(event_id=event_id, team_id=team_id, received_at=now)
        .on_conflict_do_nothing(index_elements=["event_id"])
        .returning(ProcessedEvent.event_id)
    )
    return result.first() is not None
