"""What /engagement drivers reads: the period's NPS comments with their scores, and NPS counts
per value of every segment attribute in one pass. Counts and rows only; the maths is
bot.insights.drivers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from storage.models import Metric, Respondent, Response
from storage.reporting import UNSCORED, SegmentCounts

NOT_SET = "(not set)"  # as storage.reporting.segment_counts names a missing value
PROMOTER, PASSIVE = 9, 7  # the lowest score of each class (bot.insights.metrics.nps_class)


@dataclass(frozen=True)
class NpsComment:
    score: int
    comment: str


def nps_comments(*, session: Session, team_id: str, since: datetime, until: datetime
                 ) -> list[NpsComment]:
    """The comments on NPS answers given in [since, until] (by answer time, as the counts are),
    except those in a language the themes do not read; no respondent is joined (no names)."""
    rows = session.connection().execute(
        sa_select(col(Response.score), col(Response.comment))
        .where(col(Response.team_id) == team_id, col(Response.metric) == Metric.NPS.value,
               col(Response.answered_at) >= since, col(Response.answered_at) <= until,
               col(Response.comment).is_not(None),
               func.coalesce(col(Response.sentiment_label), "") != UNSCORED)
    ).all()
    return [NpsComment(int(score), str(comment)) for score, comment in rows]


def segment_counts_by_attribute(
    *, session: Session, team_id: str, since: datetime, until: datetime
) -> dict[str, list[SegmentCounts]]:
    """For every attribute any customer carries, NPS counts and customers per value, from the
    linked NPS answers given in [since, until]. One read of the answers (per customer, from the
    report index) and one of the customers, whatever the number of attributes. A customer
    without the attribute counts under "(not set)", as in the segment view.

    NPS needs only how many answers fell in each class, so the database sums them per customer
    (a third of the rows a count per score would be) and each value's `scores` holds them under
    their class's lowest score: promoters under 9, passives under 7, detractors under 0."""
    score = col(Response.score)
    # Core rows, not ORM ones: at a million answers these are tens of thousands.
    counted: Sequence[Any] = session.connection().execute(
        sa_select(col(Response.respondent_id),
                  func.sum(case((score >= PROMOTER, 1), else_=0)),
                  func.sum(case((score >= PASSIVE, 1), else_=0)),
                  func.count())
        .where(col(Response.team_id) == team_id, col(Response.metric) == Metric.NPS.value,
               col(Response.answered_at) >= since, col(Response.answered_at) <= until,
               col(Response.respondent_id).is_not(None))
        .group_by(col(Response.respondent_id))
    ).all()
    if not counted:
        return {}
    rows: Sequence[Any] = session.connection().execute(
        sa_select(col(Respondent.id), col(Respondent.attributes))
        .where(col(Respondent.team_id) == team_id)
    ).all()
    attributes = {int(who): dict(values or {}) for who, values in rows}
    names = sorted({name for values in attributes.values() for name in values})
    grouped: dict[str, dict[str, list[int]]] = {n: {} for n in names}
    for who, promoters, seven_up, answers in counted:
        values = attributes.get(int(who), {})
        for name in names:
            value = values.get(name)
            key = str(value) if value not in (None, "") else NOT_SET
            # customers, promoters, passives, detractors
            sums = grouped[name].setdefault(key, [0, 0, 0, 0])
            sums[0] += 1
            sums[1] += int(promoters)
            sums[2] += int(seven_up) - int(promoters)
            sums[3] += int(answers) - int(seven_up)
    return {
        name: [SegmentCounts(value, people, {PROMOTER: p, PASSIVE: pa, 0: d})
               for value, (people, p, pa, d) in sorted(groups.items())]
        for name, groups in grouped.items()
    }
