"""Answers and comments, written idempotently: Slack may deliver the same click more than once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.answer_order import lock_respondent, renumber_answers, respondent_of_delivery
from storage.delivery_rollup import counted_for, recount
from storage.models import Delivery, Metric, Response, Wave
from storage.rollups import count_answer, move_answer
from storage.upsert import insert_for


class ScoreOutcome(StrEnum):
    RECORDED = "recorded"  # first answer
    CHANGED = "changed"  # a later click chose another score
    UNCHANGED = "unchanged"  # same score again: a double click or a redelivery
    STALE = "stale"  # an older click arriving after a newer one; ignored


@dataclass(frozen=True)
class CommentSentiment:
    polarity: float
    subjectivity: float
    label: str


@dataclass(frozen=True)
class AnswerKey:
    """How one person's answers to one wave are found again.

    Normally by the delivery. For an anonymous pulse by a keyed hash of the delivery instead, so
    no stored column links an answer to a person; the hash is erased when the wave closes.
    """

    delivery_id: int | None = None
    anonymous_key: str | None = None

    def matches(self) -> Any:
        if self.delivery_id is not None:
            return col(Response.delivery_id) == self.delivery_id
        return col(Response.anonymous_key) == self.anonymous_key

    @property
    def unique_columns(self) -> list[str]:
        return ["delivery_id" if self.delivery_id is not None else "anonymous_key", "metric"]


# Slack's action_ts of an anonymous answer, once its wave has closed and no click can change it.
NO_ACTION_TS = "0000000000.000000"


def stamp(key: AnswerKey, now: datetime) -> datetime:
    """When an answer happened, as stored. For an anonymous answer only the day: the exact time
    would match the delivery's (or its send time plus a typical delay) and name the person;
    every anonymous answer of a day looks the same. Reports count by day at the finest."""
    if key.anonymous_key is None:
        return now
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def record_score(
    *,
    session: Session,
    key: AnswerKey,
    delivery_id: int,
    wave_id: int,
    team_id: str,
    metric: Metric,
    score: int,
    action_ts: str,
    now: datetime,
) -> ScoreOutcome:
    # Who answered (not what) is kept for response rates and reminders, even when anonymous.
    when = stamp(key, now)
    before = counted_for(session, delivery_id, lock=True)
    session.exec(
        update(Delivery)
        .where(col(Delivery.id) == delivery_id, col(Delivery.answered_at).is_(None))
        .values(answered_at=when)
    )
    recount(session, delivery_id, before)
    # After the delivery's lock, as storage.data_requests takes them: delivery, then person.
    respondent_id = None if key.delivery_id is None else respondent_of_delivery(session,
                                                                                 delivery_id)
    if respondent_id is not None:
        lock_respondent(session, respondent_id)
    inserted = session.exec(
        insert_for(session, Response)
        .values(
            delivery_id=key.delivery_id,
            anonymous_key=key.anonymous_key,
            wave_id=wave_id,
            respondent_id=respondent_id,
            team_id=team_id,
            metric=metric,
            score=score,
            action_ts=action_ts,
            answered_at=when,
        )
        .on_conflict_do_nothing(index_elements=key.unique_columns)
        .returning(Response.id)
    )
    if inserted.first() is not None:
        count_answer(session=session, team_id=team_id, metric=metric, answered_at=when,
                     score=score)
        if respondent_id is not None:
            renumber_answers(session, respondent_id=respondent_id, metric=metric)
        return ScoreOutcome.RECORDED
    # Locked, so a concurrent click waits and then sees this one's outcome, and the rollup
    # moves exactly the score this click replaces. Only a newer click may change the answer.
    answer_id, current, current_ts, answered_at = session.exec(
        select(Response.id, Response.score, Response.action_ts, Response.answered_at)
        .where(key.matches(), col(Response.metric) == metric)
        .with_for_update()
    ).one()
    if current == score:
        return ScoreOutcome.UNCHANGED
    if current_ts > action_ts:
        return ScoreOutcome.STALE
    if current_ts == action_ts:
        return ScoreOutcome.UNCHANGED  # the same click can only ever carry one score
    session.exec(
        update(Response)
        .where(col(Response.id) == answer_id)
        .values(score=score, action_ts=action_ts, changed_at=when)
    )
    move_answer(session=session, team_id=team_id, metric=metric, answered_at=answered_at,
                old=current, new=score)
    if respondent_id is not None:  # the next answer's previous_score names this one
        renumber_answers(session, respondent_id=respondent_id, metric=metric)
    return ScoreOutcome.CHANGED


def answered_scores(*, session: Session, key: AnswerKey) -> dict[Metric, int]:
    rows = session.exec(select(Response).where(key.matches())).all()
    return {Metric(row.metric): row.score for row in rows}


def _first_answer(session: Session, key: AnswerKey) -> Response | None:
    return session.exec(select(Response).where(key.matches()).order_by(col(Response.id))).first()


def record_comment(
    *,
    session: Session,
    key: AnswerKey,
    comment: str,
    sentiment: CommentSentiment,
    now: datetime,
) -> bool:
    """Attach the comment to the first answer; False when nothing is answered yet."""
    first = _first_answer(session, key)
    if first is None:
        return False
    first.comment = comment
    first.commented_at = stamp(key, now)
    first.sentiment_polarity = sentiment.polarity
    first.sentiment_subjectivity = sentiment.subjectivity
    first.sentiment_label = sentiment.label
    session.add(first)
    return True


def current_comment(*, session: Session, key: AnswerKey) -> str | None:
    first = _first_answer(session, key)
    return None if first is None else first.comment


def forget_anonymous_links(*, session: Session) -> int:
    """Erase the keyed hashes of closed waves, and the exact click times (Slack's action_ts,
    needed only to order clicks while answers may change): after this, nothing can link those
    answers to a person."""
    closed = select(Wave.id).where(col(Wave.closed_at).is_not(None))
    result = session.exec(
        update(Response)
        .where(col(Response.anonymous_key).is_not(None), col(Response.wave_id).in_(closed))
        .values(anonymous_key=None, action_ts=NO_ACTION_TS)
    )
    return int(result.rowcount)
