"""Answers and comments, written idempotently: Slack may deliver the same click more than once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storage.answer_order import renumber_answers
from storage.answer_target import AnswerTarget, lock_answer_target
from storage.delivery_rollup import count_answered
from storage.first_answer import FirstAnswer, insert_answer, mark_answered, write_first_answer
from storage.models import Delivery, Metric, Response, Wave
from storage.rollups import move_answer


class ScoreOutcome(StrEnum):
    RECORDED = "recorded"  # first answer
    CHANGED = "changed"  # a later click chose another score
    UNCHANGED = "unchanged"  # same score again: a double click or a redelivery
    STALE = "stale"  # an older click arriving after a newer one; ignored


@dataclass(frozen=True)
class CommentSentiment:
    polarity: float | None  # None when not scored (see `label`)
    subjectivity: float | None
    label: str  # positive / neutral / negative, or "unscored" for another language
    language: str | None = None  # ISO 639-1, as detected


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
    def column(self) -> str:
        """The answer's column that holds this key."""
        return "delivery_id" if self.delivery_id is not None else "anonymous_key"

    @property
    def value(self) -> int | str | None:
        return self.delivery_id if self.delivery_id is not None else self.anonymous_key


# Slack's action_ts of an anonymous answer, once its wave has closed and no click can change it.
NO_ACTION_TS = "0000000000.000000"


def stamp(key: AnswerKey, now: datetime) -> datetime:
    """When an answer happened, as stored. For an anonymous answer only the day: the exact time
    would match the delivery's (or its send time plus a typical delay) and name the person;
    every anonymous answer of a day looks the same. Reports count by day at the finest."""
    if key.anonymous_key is None:
        return now
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class Recorded:
    outcome: ScoreOutcome
    score: int  # the score now stored: a stale click leaves the newer one in place
    # The answer's row was written (always for RECORDED and CHANGED; for UNCHANGED when a newer
    # click of the same score kept its time): an anonymous answer's delivery is then written
    # after it, in a transaction of its own (mark_anonymous_answered).
    wrote: bool = False


_response: Any = Response.__table__  # type: ignore[attr-defined]
_delivery: Any = Delivery.__table__  # type: ignore[attr-defined]

# Built once: a click runs these as they are, never building or ORM-loading anything.
_CURRENT_ANSWER = {
    key_column: sa_select(_response.c.id, _response.c.score, _response.c.action_ts,
                       _response.c.answered_at)
    .where(_response.c[key_column] == bindparam("key"), _response.c.metric == bindparam("metric"))
    .with_for_update()
    for key_column in ("delivery_id", "anonymous_key")
}
_CHANGE_ANSWER = (
    update(_response)
    .where(_response.c.id == bindparam("answer_id"))
    .values(score=bindparam("new_score"), action_ts=bindparam("new_action_ts"),
            changed_at=bindparam("when", type_=_response.c.changed_at.type))
)
_NEWER_CLICK = (
    update(_response)
    .where(_response.c.id == bindparam("answer_id"))
    .values(action_ts=bindparam("new_action_ts"))
)
_ANSWERED_SCORES = {
    key_column: sa_select(_response.c.metric, _response.c.score)
    .where(_response.c[key_column] == bindparam("key"))
    for key_column in ("delivery_id", "anonymous_key")
}


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
    """store_score for a delivery not yet read (it locks it first), all in the caller's
    transaction: for loading history. A click's anonymous answer is marked on its delivery in
    a transaction of its own (bot.answers.recording)."""
    target = lock_answer_target(session, delivery_id)
    if target is None:
        raise LookupError(f"no delivery {delivery_id}")
    anonymous = key.anonymous_key is not None
    recorded = store_score(session=session, key=key, target=target, wave_id=wave_id,
                           team_id=team_id, metric=metric, score=score, action_ts=action_ts,
                           now=now, mark_delivery=not anonymous)
    if anonymous:
        mark_anonymous_answered(session, delivery_id)
    return recorded.outcome


def store_score(
    *,
    session: Session,
    key: AnswerKey,
    target: AnswerTarget,
    wave_id: int,
    team_id: str,
    metric: Metric,
    score: int,
    action_ts: str,
    now: datetime,
    mark_delivery: bool = True,
) -> Recorded:
    """Store one click's score for a delivery locked by lock_answer_target, in the caller's
    transaction: the answer, the delivery's answer time, both rollups and the answer order.

    `mark_delivery=False` (an anonymous pulse) leaves the delivery to mark_anonymous_answered,
    in a transaction of its own: see there why.
    """
    when = stamp(key, now)
    marking = mark_delivery and not target.answered
    # After the delivery's lock, as storage.data_requests takes them: delivery, then person.
    respondent_id = None if key.delivery_id is None else target.respondent_id
    row = {"delivery_id": key.delivery_id, "anonymous_key": key.anonymous_key,
           "wave_id": wave_id, "respondent_id": respondent_id, "team_id": team_id,
           "metric": metric.value, "score": score, "action_ts": action_ts, "answered_at": when}
    if insert_answer(session, row, key.column):
        write_first_answer(session, FirstAnswer(
            team_id=team_id, metric=metric, score=score, when=when,
            delivery_id=target.delivery.delivery_id, respondent_id=respondent_id,
            mark=marking, counted=target.counted))
        return Recorded(ScoreOutcome.RECORDED, score, wrote=True)
    if marking:
        mark_answered(session, target.delivery.delivery_id, when)
    recorded, moved = _change_answer(session, key, respondent_id, metric=metric, score=score,
                                     action_ts=action_ts, when=when)
    # The counters last: their rows are the ones other clicks write too, and each statement
    # run after their locks is one every such click waits for (storage.counter_shards).
    if marking and target.counted is not None:
        count_answered(session, target.counted)
    if moved is not None:
        old, answered_at = moved
        move_answer(session=session, team_id=team_id, metric=metric, answered_at=answered_at,
                    old=old, new=score)
    return recorded


def _change_answer(
    session: Session, key: AnswerKey, respondent_id: int | None, *, metric: Metric, score: int,
    action_ts: str, when: datetime,
) -> tuple[Recorded, tuple[int, datetime] | None]:
    """A click on a delivery answered already: the answer changed if this click is newer and
    chose another score; and, when changed, the score it replaced and its answer time."""
    connection = session.connection()
    # Locked, so a concurrent click waits and then sees this one's outcome, and the rollup
    # moves exactly the score this click replaces. Only a newer click may change the answer.
    answer_id, current, current_ts, answered_at = connection.execute(
        _CURRENT_ANSWER[key.column], {"key": key.value, "metric": metric.value}
    ).one()
    if current == score:
        if action_ts > current_ts:
            # The newer click's time is kept even though its score is the same: else an older
            # click of another score, arriving after it, would be taken as the newer.
            connection.execute(_NEWER_CLICK, {"answer_id": answer_id, "new_action_ts": action_ts})
            return Recorded(ScoreOutcome.UNCHANGED, score, wrote=True), None
        return Recorded(ScoreOutcome.UNCHANGED, score), None
    if current_ts > action_ts:
        return Recorded(ScoreOutcome.STALE, current), None
    if current_ts == action_ts:
        # The same click can only ever carry one score.
        return Recorded(ScoreOutcome.UNCHANGED, current), None
    connection.execute(_CHANGE_ANSWER, {"answer_id": answer_id, "new_score": score,
                                        "new_action_ts": action_ts, "when": when})
    if respondent_id is not None:  # the next answer's previous_score names this one
        renumber_answers(session, respondent_id=respondent_id, metric=metric)
    return Recorded(ScoreOutcome.CHANGED, score, wrote=True), (current, answered_at)


_REMARK_ANSWERED = (
    update(_delivery)
    .where(_delivery.c.id == bindparam("delivery_id"))
    .values(answered_at=bindparam("when", type_=_delivery.c.answered_at.type))
)


def mark_anonymous_answered(session: Session, delivery_id: int) -> bool:
    """Mark an anonymous pulse's delivery answered, in a transaction of its own that the caller
    commits after the answer's: its time is the wave's (storage.answered_mark), and the
    delivery row is written by this transaction, never by the answer's, so on PostgreSQL its
    xmin (and a row lock's xmax) cannot pair it with the answer's row. Run again after a change
    of answer for the same reason: the answer's transaction locked the delivery row.

    Counts the delivery in the rollup the first time; False for a delivery forgotten since.
    """
    target = lock_answer_target(session, delivery_id)
    if target is None:
        return False
    session.connection().execute(_REMARK_ANSWERED, {"delivery_id": delivery_id,
                                                    "when": target.anonymous_mark})
    if not target.answered and target.counted is not None:
        count_answered(session, target.counted)
    return True


def answered_scores(*, session: Session, key: AnswerKey) -> dict[Metric, int]:
    rows = session.connection().execute(_ANSWERED_SCORES[key.column], {"key": key.value})
    return {Metric(metric): score for metric, score in rows}


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
    first.comment_language = sentiment.language
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
