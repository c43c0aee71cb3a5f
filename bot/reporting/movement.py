"""`/engagement movement`: how customers moved between NPS classes since the period before.

Computed as a small payload (the table's counts and the first customers who fell from
promoter to detractor, by id), which a snapshot can keep (bot.reporting.snapshots); the
anonymity minimum is applied and names are looked up when it is read, as for segments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from bot.core.periods import Period
from bot.insights.movement import ShownTable, movement_table, suppress
from storage.movement import Fallen, FallenCustomer, fallen_customers, movement_counts

MAX_NAMED = 10  # the rest are counted ("and 12 more")


@dataclass(frozen=True)
class Movement:
    period: Period  # the current period
    previous: Period  # the one it is compared with, just before it
    shown: ShownTable
    fallen_total: int  # customers who fell from promoter to detractor
    fallen: list[FallenCustomer] = field(default_factory=list)  # named ones, worst first


def movement_payload(*, session: Session, team_id: str, period: Period) -> dict[str, Any]:
    """`period` against `period.previous()`, as plain data."""
    previous = period.previous()
    counts, fallen = movement_counts(session=session, team_id=team_id,
                                     previous_start=previous.start, current_start=period.start,
                                     until=period.end)
    return {
        "counts": [[c.previous_score, c.current_score, c.customers] for c in counts],
        "fallen_total": len(fallen),
        "fallen": [[f.respondent_id, f.previous_score, f.current_score]
                   for f in fallen[:MAX_NAMED]],
    }


def movement_from(payload: dict[str, Any], period: Period, *, session: Session, minimum: int,
                  named: bool) -> Movement:
    """The table with the minimum applied; `named`: look up who fell (a private answer to
    staff), else nobody is."""
    table = movement_table((before, after, int(n)) for before, after, n in payload["counts"])
    fallen = [Fallen(int(rid), int(before), int(after)) for rid, before, after in
              payload["fallen"]] if named else []
    return Movement(period=period, previous=period.previous(), shown=suppress(table, minimum),
                    fallen_total=int(payload["fallen_total"]),
                    fallen=fallen_customers(session=session, fallen=fallen))


def build_movement(
    *, session: Session, team_id: str, period: Period, minimum: int, named: bool = False
) -> Movement:
    return movement_from(movement_payload(session=session, team_id=team_id, period=period),
                         period, session=session, minimum=minimum, named=named)
