"""Aggregate queries behind /engagement and `report`: counts only; the maths is bot.insights."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storage.delivery_rollup import delivery_counts_between
from storage.models import Metric, Respondent, Response
from storage.rollups import daily_score_counts


def _in_period(team_id: str, metric: Metric, since: datetime, until: datetime | None) -> list[Any]:
    conditions = [
        Response.team_id == team_id,
        Response.metric == metric,
        col(Response.answered_at) >= since,
    ]
    if until is not None:
        conditions.append(col(Response.answered_at) <= until)
    return conditions


def score_counts(
    *,
    session: Session,
    team_id: str,
    metric: Metric,
    since: datetime,
    until: datetime | None = None,
) -> dict[int, int]:
    """How many answers of each score were given in [since, until] (by first answer time)."""
    totals: dict[int, int] = {}
    for scores in daily_score_counts(session=session, team_id=team_id, metric=metric,
                                     since=since, until=until).values():
        for score, count in scores.items():
            totals[score] = totals.get(score, 0) + count
    return totals


def latest_answer_at(
    *, session: Session, team_id: str, metric: Metric, before: datetime
) -> datetime | None:
    """When the latest answer of `metric` before `before` was given; None when there is none.
    One step down the (team, metric, answered_at) index."""
    latest = session.execute(
        sa_select(func.max(col(Response.answered_at))).where(
            col(Response.team_id) == team_id, col(Response.metric) == metric,
            col(Response.answered_at) < before,
        )
    ).scalar_one_or_none()
    return latest if isinstance(latest, datetime) else None


def _bucket(day: date, granularity: str) -> date:
    """The Monday of the day's week, or the first of its month."""
    if granularity == "weekly":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def trend_counts(
    *,
    session: Session,
    team_id: str,
    metric: Metric,
    since: datetime,
    until: datetime | None,
    granularity: str,
) -> dict[date, dict[int, int]]:
    """Score counts per week or month, oldest first."""
    trend: dict[date, dict[int, int]] = {}
    days = daily_score_counts(session=session, team_id=team_id, metric=metric, since=since,
                              until=until)
    for day in sorted(days):
        bucket = trend.setdefault(_bucket(day, granularity), {})
        for score, count in days[day].items():
            bucket[score] = bucket.get(score, 0) + count
    return trend


@dataclass(frozen=True)
class SegmentCounts:
    value: str
    respondents: int
    scores: dict[int, int]


def segment_counts(
    *,
    session: Session,
    team_id: str,
    metric: Metric,
    since: datetime,
    until: datetime | None,
    attribute: str,
) -> list[SegmentCounts]:
    """Score counts per value of a respondent attribute. Anonymous answers carry no link to
    a respondent, so they never appear in a breakdown."""
    # Per customer and score first, from the report index alone (the answer carries its
    # respondent), then one attribute lookup per customer rather than per answer: reading the
    # JSON attribute was most of the cost at 1M answers.
    per_customer = (
        select(Response.respondent_id, Response.score, func.count().label("answers"))
        .where(*_in_period(team_id, metric, since, until),
               col(Response.respondent_id).is_not(None))
        .group_by(col(Response.respondent_id), col(Response.score))
        .subquery()
    )
    attributes: Any = Respondent.__table__.c.attributes  # type: ignore[attr-defined]
    value = attributes[attribute].as_string().label("value")
    rows = session.execute(
        sa_select(value, per_customer.c.score, per_customer.c.answers, per_customer.c.respondent_id)
        .join(Respondent, col(Respondent.id) == per_customer.c.respondent_id)
    ).all()
    scores: dict[str, dict[int, int]] = {}
    people: dict[str, set[int]] = {}
    for segment, score, count, respondent in rows:
        key = str(segment) if segment not in (None, "") else "(not set)"
        bucket = scores.setdefault(key, {})
        bucket[int(score)] = bucket.get(int(score), 0) + int(count)
        people.setdefault(key, set()).add(int(respondent))
    return [
        SegmentCounts(value=key, respondents=len(people[key]), scores=scores[key])
        for key in sorted(scores)
    ]


def delivery_counts(
    *, session: Session, team_id: str, since: datetime, until: datetime | None = None
) -> tuple[int, int]:
    """(delivered, answered) for deliveries sent since `since`: the response rate's two terms."""
    return delivery_counts_between(session=session, team_id=team_id, since=since, until=until)


@dataclass(frozen=True)
class CommentRow:
    comment: str
    metric: Metric
    score: int
    sentiment_label: str | None
    sentiment_polarity: float | None
    commented_at: datetime
    language: str | None = None  # ISO 639-1; set for every comment stored since 0020


def latest_comments(
    *,
    session: Session,
    team_id: str,
    since: datetime,
    until: datetime | None = None,
    sentiment: str | None = None,
    theme: str | None = None,
    limit: int = 10,
    where: Sequence[Any] = (),
) -> list[CommentRow]:
    """Newest comments first; no respondent is joined, so nothing here can name who wrote them.

    `theme` keeps comments containing it in any case. autoescape makes a % or _ in it match
    itself rather than act as a LIKE wildcard, on SQLite (lower() LIKE) and PostgreSQL (ILIKE).
    """
    rows = session.exec(
        select(Response)
        .where(
            Response.team_id == team_id,
            col(Response.comment).is_not(None),
            col(Response.commented_at) >= since,
            *([col(Response.commented_at) <= until] if until is not None else []),
            *([Response.sentiment_label == sentiment] if sentiment is not None else []),
            *([col(Response.comment).icontains(theme, autoescape=True)] if theme else []),
            *where,
        )
        .order_by(col(Response.commented_at).desc(), col(Response.id).desc())
        .limit(limit)
    ).all()
    return [
        CommentRow(
            comment=row.comment or "",
            metric=Metric(row.metric),
            score=row.score,
            sentiment_label=row.sentiment_label,
            sentiment_polarity=row.sentiment_polarity,
            commented_at=row.commented_at or row.answered_at,
            language=row.comment_language,
        )
        for row in rows
    ]


# bot.insights.sentiment.UNSCORED: a comment in a language the scorer does not read (storage
# sits below bot/ and keeps its own copy; a test holds the two equal).
UNSCORED = "unscored"


def unscored_comment_languages(
    *,
    session: Session,
    team_id: str,
    since: datetime,
    until: datetime | None = None,
    theme: str | None = None,
    where: Sequence[Any] = (),
) -> dict[str, int]:
    """How many comments of the period were not scored, by language (ISO 639-1)."""
    rows = session.exec(
        select(Response.comment_language, func.count())
        .where(
            Response.team_id == team_id,
            col(Response.comment).is_not(None),
            col(Response.commented_at) >= since,
            *([col(Response.commented_at) <= until] if until is not None else []),
            Response.sentiment_label == UNSCORED,
            *([col(Response.comment).icontains(theme, autoescape=True)] if theme else []),
            *where,
        )
        .group_by(col(Response.comment_language))
    ).all()
    return {str(language or "?"): int(count) for language, count in rows}


@dataclass(frozen=True)
class CommentForReading:
    """A comment with what themes need of its answer: the score, and how it felt."""

    comment: str
    metric: Metric
    score: int
    polarity: float | None
    unscored_language: str | None = None  # set when not scored: another language


def comments_in_period(
    *, session: Session, team_id: str, since: datetime, until: datetime, limit: int,
    where: Sequence[Any] = (),
) -> list[CommentForReading]:
    """The newest `limit` comments of the period; no respondent is joined (no names)."""
    rows = session.execute(
        sa_select(col(Response.comment), col(Response.metric), col(Response.score),
                  col(Response.sentiment_polarity), col(Response.sentiment_label),
                  col(Response.comment_language))
        .where(
            col(Response.team_id) == team_id,
            col(Response.comment).is_not(None),
            col(Response.commented_at) >= since,
            col(Response.commented_at) <= until,
            *where,
        )
        .order_by(col(Response.commented_at).desc())
        .limit(limit)
    ).all()
    return [
        CommentForReading(
            str(comment), Metric(metric), int(score), polarity,
            (language or "?") if label == UNSCORED else None,
        )
        for comment, metric, score, polarity, label, language in rows
    ]
