"""Per-customer standings for the engagement map, counted in the database.

Reading every answer of three periods into Python took ~4 s at a million answers. Here the
database keeps, per customer, only what the map's rules look at (latest NPS, the NPS before it,
latest CSAT, and on which side of a split they answered), then counts customers per distinct
standing: a few hundred rows at most, whatever the history's size. The rules themselves stay in
bot.insights.engagement. Window functions (ROW_NUMBER) work on SQLite 3.25+ and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlmodel import Session, col

from storage.models import Delivery, Metric, Response


@dataclass(frozen=True)
class StandingCount:
    """How many customers share one standing within [since, until]."""

    latest_nps: int | None  # over the whole window
    nps_before: int | None  # the NPS answer before the latest, over the whole window
    latest_csat: int | None
    answered_before_split: bool
    answered_after_split: bool
    latest_nps_before_split: int | None  # for "promoters who stayed promoters"
    latest_nps_after_split: int | None
    customers: int


def standing_counts(
    *,
    session: Session,
    team_id: str,
    since: datetime,
    split: datetime,
    until: datetime,
    include_until: bool,
) -> list[StandingCount]:
    """Customers per standing from the linked answers in [since, until] (or [since, until)).

    `split` divides the window into the period before and the period itself. The latest answer
    is the one answered last; answers given at the same instant fall back to insertion order.
    Anonymous answers have no respondent and are left out: the map is per customer.
    """
    answered_at = col(Response.answered_at)
    after = answered_at >= split
    newest_first = (answered_at.desc(), col(Response.id).desc())
    per_metric = (col(Delivery.respondent_id), col(Response.metric))
    answers = (
        select(
            col(Delivery.respondent_id).label("who"),
            col(Response.metric).label("metric"),
            col(Response.score).label("score"),
            case((after, 1), else_=0).label("after"),
            func.row_number()
            .over(partition_by=per_metric, order_by=newest_first)
            .label("recency"),
            func.row_number()
            .over(partition_by=(*per_metric, after), order_by=newest_first)
            .label("side_recency"),
        )
        .join(Delivery, col(Delivery.id) == Response.delivery_id)
        .where(
            col(Response.team_id) == team_id,
            answered_at >= since,
            answered_at <= until if include_until else answered_at < until,
        )
        .subquery()
    )
    a = answers.c
    nps = a.metric == Metric.NPS.value

    def pick(*conditions: Any) -> Any:
        return func.max(case((and_(*conditions), a.score)))

    people = (
        select(
            pick(nps, a.recency == 1).label("latest_nps"),
            pick(nps, a.recency == 2).label("nps_before"),
            pick(a.metric == Metric.CSAT.value, a.recency == 1).label("latest_csat"),
            func.min(a.after).label("any_before"),  # 0 when some answer is before the split
            func.max(a.after).label("any_after"),
            pick(nps, a.after == 0, a.side_recency == 1).label("nps_before_split"),
            pick(nps, a.after == 1, a.side_recency == 1).label("nps_after_split"),
        )
        .group_by(a.who)
        .subquery()
    )
    p = people.c
    keys = (p.latest_nps, p.nps_before, p.latest_csat, p.any_before, p.any_after,
            p.nps_before_split, p.nps_after_split)
    rows = session.execute(select(*keys, func.count()).group_by(*keys)).all()
    return [
        StandingCount(
            latest_nps=_score(latest), nps_before=_score(before), latest_csat=_score(csat),
            answered_before_split=int(any_before) == 0, answered_after_split=int(any_after) == 1,
            latest_nps_before_split=_score(nps_before_split),
            latest_nps_after_split=_score(nps_after_split), customers=int(count),
        )
        for latest, before, csat, any_before, any_after, nps_before_split, nps_after_split, count
        in rows
    ]


def _score(value: Any) -> int | None:
    return None if value is None else int(value)
