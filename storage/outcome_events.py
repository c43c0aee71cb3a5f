"""Outcome events (renewed, churned, expanded…): writing them idempotently, one per customer,
event and day, so a repeated import or a retried write adds nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col

from storage.models import OutcomeEvent, OutcomeKind
from storage.upsert import insert_for


@dataclass(frozen=True)
class OutcomeRecord:
    respondent_id: int
    event: OutcomeKind
    occurred_on: date
    amount: float | None = None  # annual revenue after the event, in the workspace's currency


def add_outcome_events(
    *, session: Session, team_id: str, events: Sequence[OutcomeRecord], now: datetime
) -> int:
    """Store these events; one already stored (same customer, event and day) keeps its row.
    Returns how many were new."""
    if not events:
        return 0
    rows = [{"team_id": team_id, "respondent_id": e.respondent_id, "event": e.event.value,
             "occurred_on": e.occurred_on, "amount": e.amount, "imported_at": now}
            for e in events]
    statement = (
        insert_for(session, OutcomeEvent).values(rows)
        .on_conflict_do_nothing(index_elements=["team_id", "respondent_id", "event",
                                                "occurred_on"])
        .returning(col(OutcomeEvent.id))
    )
    return len(session.execute(statement).all())
