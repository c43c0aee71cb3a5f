"""Customers' outcome events (renewed, churned, …) brought by `outcomes import`, in bulk.

One row per workspace, customer, event and day (the unique key), so importing the same file
twice adds nothing. A row imported again with another amount corrects it (the file is the
record of the revenue after the event); a blank amount leaves a stored one alone, so a file
without amounts never erases those another file brought.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy import select as sa_select
from sqlmodel import Session

from storage.answer_order import lock_respondents
from storage.batches import in_batches
from storage.models import OutcomeEvent, OutcomeKind

_event: Any = OutcomeEvent.__table__  # type: ignore[attr-defined]

_CORRECT_AMOUNT = (
    update(_event)
    .where(_event.c.id == bindparam("event_id"))
    .values(amount=bindparam("new_amount"),
            imported_at=bindparam("when", type_=_event.c.imported_at.type))
)


@dataclass(slots=True)  # one per row: slots, and no frozen __init__
class ImportedOutcome:
    respondent_id: int
    event: OutcomeKind
    occurred_on: date
    amount: float | None = None

    @property
    def key(self) -> tuple[int, str, date]:
        return self.respondent_id, self.event.value, self.occurred_on


@dataclass(frozen=True)
class OutcomesWritten:
    added: int
    corrected: int
    unchanged: int


def store_imported_outcomes(
    *, session: Session, team_id: str, outcomes: Sequence[ImportedOutcome], now: datetime
) -> OutcomesWritten:
    """Add the events not stored yet and correct the amounts that changed, in the caller's
    transaction (keys must be distinct: the caller refuses a file that repeats one)."""
    # Locked as answers lock their customer: two imports of the same customers take turns,
    # and the second finds what the first stored.
    stored = _stored(session, team_id,
                     lock_respondents(session, (o.respondent_id for o in outcomes)))
    new: list[dict[str, Any]] = []
    corrections: list[dict[str, Any]] = []
    for outcome in outcomes:
        before = stored.get(outcome.key)
        if before is None:
            new.append({"team_id": team_id, "respondent_id": outcome.respondent_id,
                        "event": outcome.event.value, "occurred_on": outcome.occurred_on,
                        "amount": outcome.amount, "imported_at": now})
        elif outcome.amount is not None and outcome.amount != before[1]:
            corrections.append({"event_id": before[0], "new_amount": outcome.amount,
                                "when": now})
    connection = session.connection()
    for batch in in_batches(new, 500):
        connection.execute(insert(_event), list(batch))
    if corrections:
        connection.execute(_CORRECT_AMOUNT, corrections)
    return OutcomesWritten(added=len(new), corrected=len(corrections),
                           unchanged=len(outcomes) - len(new) - len(corrections))


def _stored(
    session: Session, team_id: str, respondent_ids: list[int]
) -> dict[tuple[int, str, date], tuple[int, float | None]]:
    c = _event.c
    found: dict[tuple[int, str, date], tuple[int, float | None]] = {}
    for batch in in_batches(respondent_ids):
        for event_id, respondent_id, event, occurred_on, amount in session.connection().execute(
            sa_select(c.id, c.respondent_id, c.event, c.occurred_on, c.amount)
            .where(c.team_id == team_id, c.respondent_id.in_(batch))
        ):
            found[(respondent_id, str(event), occurred_on)] = (event_id, amount)
    return found
