"""What /engagement drivers reads: the period's NPS comments with their scores, and NPS counts
per value of every segment attribute in one pass. Counts and rows only; the maths is
bot.insights.drivers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from storage.models import Metric, Respondent, Response
from storage.reporting import UNSCORED, SegmentCounts

NOT_SET = "(not set)"  # as storage.reporting.segment_counts names a missing value


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
    """For every attribute any customer carries, NPS score counts and customers per value, from
    the linked NPS answers given in [since, until]. One read of the answers (per customer and
    score, from the report index) and one of the customers, whatever the number of attributes.
    A customer without the attribute counts under "(not set)", as in the segment view."""
    per_customer: dict[int, dict[int, int]] = {}
    # Core rows, not ORM ones: at a million answers these are tens of thousands.
    counted: Sequence[Any] = session.connection().execute(
        sa_select(col(Response.respondent_id), col(Response.score), func.count())
        .where(col(Response.team_id) == team_id, col(Response.metric) == Metric.NPS.value,
               col(Response.answered_at) >= since, col(Response.answered_at) <= until,
               col(Response.respondent_id).is_not(None))
        .group_by(col(Response.respondent_id), col(Response.score))
    ).all()
    for who, score, answers in counted:
        per_customer.setdefault(int(who), {})[int(score)] = int(answers)
    if not per_customer:
        return {}
    rows: Sequence[Any] = session.connection().execute(
        sa_select(col(Respondent.id), col(Respondent.attributes))
        .where(col(Respondent.team_id) == team_id)
    ).all()
    attributes = {int(who): dict(values or {}) for who, values in rows}
    names = sorted({name for values in attributes.values() for name in values})
    grouped: dict[str, dict[str, tuple[set[int], dict[int, int]]]] = {n: {} for n in names}
    for who, scores in per_customer.items():
        values = attributes.get(who, {})
        for name in names:
            value = values.get(name)
            key = str(value) if value not in (None, "") else NOT_SET
            people, counts = grouped[name].setdefault(key, (set(), {}))
            people.add(who)
            for score, answers in scores.items():
                counts[score] = counts.get(score, 0) + answers
    return {
        name: [SegmentCounts(value, len(people), counts)
               for value, (people, counts) in sorted(groups.items())]
        for name, groups in grouped.items()
    }
