"""`/engagement movement`: how customers moved between NPS classes since the period before."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from bot.core.periods import Period
from bot.insights.movement import ShownTable, movement_table, suppress
from storage.movement import FallenCustomer, fallen_customers, movement_counts

MAX_NAMED = 10  # the rest are counted ("and 12 more")


@dataclass(frozen=True)
class Movement:
    period: Period  # the current period
    previous: Period  # the one it is compared with, just before it
    shown: ShownTable
    fallen_total: int  # customers who fell from promoter to detractor
    fallen: list[FallenCustomer] = field(default_factory=list)  # named ones, worst first


def build_movement(
    *, session: Session, team_id: str, period: Period, minimum: int, named: int = 0
) -> Movement:
    """The table for `period` against `period.previous()`; `named`: how many of the customers
    who fell from promoter to detractor to look up by name (0 where names are never shown)."""
    previous = period.previous()
    counts, fallen = movement_counts(session=session, team_id=team_id,
                                     previous_start=previous.start, current_start=period.start,
                                     until=period.end)
    table = movement_table((c.previous_score, c.current_score, c.customers) for c in counts)
    return Movement(
        period=period,
        previous=previous,
        shown=suppress(table, minimum),
        fallen_total=len(fallen),
        fallen=fallen_customers(session=session, fallen=fallen[:named]) if named else [],
    )
