"""Each customer's latest NPS answer in two consecutive periods, counted per pair of scores.

One GROUP BY per customer over the NPS answers of both periods, read from an index alone, as
the engagement map does (storage.engagement_counts explains the packing): the latest answer of
a period is the one with the highest place (respondent_seq, kept by storage.answer_order), so
MAX(place * 16 + score) over a period's answers ends in that answer's score. The customers are
then counted per (previous score, current score), at most 12 × 12 rows. Anonymous answers have
no respondent and are left out: they cannot be linked across periods.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlmodel import Session, col

from storage.models import Metric, Respondent, Response

# Scores that count as a fall worth naming: a promoter (9–10) before, a detractor (0–6) now.
PROMOTER_MIN, DETRACTOR_MAX = 9, 6


@dataclass(frozen=True)
class MovementCount:
    previous_score: int | None  # the latest NPS answer in the previous period; None: silent
    current_score: int | None
    customers: int


@dataclass(frozen=True)
class Fallen:
    """A customer whose latest answer fell from promoter to detractor between the periods."""

    respondent_id: int
    previous_score: int
    current_score: int


@dataclass(frozen=True)
class FallenCustomer:
    user_id: str
    account: str | None
    previous_score: int
    current_score: int


def movement_counts(
    *, session: Session, team_id: str, previous_start: datetime, current_start: datetime,
    until: datetime,
) -> tuple[list[MovementCount], list[Fallen]]:
    """Customers per (latest score in [previous_start, current_start), latest score in
    [current_start, until]); and the customers who fell from promoter to detractor, the
    lowest score now first (then the highest before), for `fallen_customers` to name.

    An answer given exactly at current_start is in the current period, as every report's
    period includes its start.
    """
    at, seq, score = col(Response.answered_at), col(Response.respondent_seq), col(Response.score)

    def latest(*conditions: Any) -> Any:
        return func.max(case((and_(*conditions), seq * 16 + score)))

    if session.get_bind().dialect.name == "postgresql":
        # Hash aggregation over the report index (team, metric, answered_at, …, respondent).
        whose: list[Any] = [col(Response.team_id) == team_id,
                            col(Response.metric) == Metric.NPS.value,
                            col(Response.respondent_id).is_not(None)]
    else:
        # SQLite groups in the order it reads: customer by customer from ix_response_customer,
        # with no sort (as storage.engagement_counts does).
        whose = [col(Response.respondent_id).in_(
                     select(col(Respondent.id)).where(col(Respondent.team_id) == team_id)),
                 col(Response.metric) == Metric.NPS.value]
    per_customer = (
        select(
            col(Response.respondent_id).label("respondent_id"),
            latest(at < current_start).label("previous_packed"),
            latest(at >= current_start).label("current_packed"),
        )
        .where(*whose, at >= previous_start, at <= until)
        .group_by(col(Response.respondent_id))
        .subquery()
    )
    c = per_customer.c
    scores = select(
        (c.previous_packed % 16).label("previous_score"),
        (c.current_packed % 16).label("current_score"),
        c.respondent_id,
    ).subquery()
    s = scores.c
    # The fallen keep their own row (their id); everyone else is grouped by scores alone.
    fallen = and_(s.previous_score >= PROMOTER_MIN, s.current_score <= DETRACTOR_MAX)
    who = case((fallen, s.respondent_id)).label("fallen_id")
    rows = session.execute(
        select(s.previous_score, s.current_score, who, func.count())
        .group_by(s.previous_score, s.current_score, who)
    ).all()
    counts: dict[tuple[int | None, int | None], int] = {}
    named: list[Fallen] = []
    for previous, current, fallen_id, customers in rows:
        key = (_score(previous), _score(current))
        counts[key] = counts.get(key, 0) + int(customers)
        if fallen_id is not None:
            named.append(Fallen(int(fallen_id), int(previous), int(current)))
    named.sort(key=lambda f: (f.current_score, -f.previous_score, f.respondent_id))
    return ([MovementCount(p, c_, n) for (p, c_), n in sorted(counts.items(), key=_order)],
            named)


def fallen_customers(*, session: Session, fallen: list[Fallen]) -> list[FallenCustomer]:
    """Who they are (their Slack user and account), in the order given."""
    if not fallen:
        return []
    found = {
        rid: (user_id, account)
        for rid, user_id, account in session.execute(
            select(col(Respondent.id), col(Respondent.user_id), col(Respondent.account))
            .where(col(Respondent.id).in_([f.respondent_id for f in fallen]))
        ).all()
    }
    return [FallenCustomer(*found[f.respondent_id], f.previous_score, f.current_score)
            for f in fallen if f.respondent_id in found]


def _order(item: tuple[tuple[int | None, int | None], int]) -> tuple[int, int]:
    (previous, current), _ = item
    return (-1 if previous is None else previous, -1 if current is None else current)


def _score(value: Any) -> int | None:
    return None if value is None else int(value)
