"""Recording a customer's answer and comment: who may answer, and what is stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.answers.comment_modal import COMMENT_MAX_LENGTH
from bot.core.errors import AnswerFirst, NotYourSurvey, SurveyClosed, UnknownSurvey
from bot.core.services import Services
from bot.followups.alerts import alert_channel
from bot.insights import sentiment
from bot.insights.followups import is_detractor, is_strongly_negative
from bot.insights.metrics import CSAT_SCALE, NPS_SCALE
from bot.privacy.anonymity import answer_key
from storage.answer_target import AnswerTarget, lock_answer_target
from storage.deliveries import PulseDelivery, get_pulse_delivery, post_answerer_delivery
from storage.engine import session_scope
from storage.followups import raise_or_update, workspace_alert_channel
from storage.models import Metric
from storage.responses import (
    CommentSentiment,
    ScoreOutcome,
    answered_scores,
    current_comment,
    mark_anonymous_answered,
    record_comment,
    store_score,
)


@dataclass(frozen=True)
class AnswerResult:
    delivery: PulseDelivery
    outcome: ScoreOutcome
    score: int  # the score now stored (a stale click leaves the newer one)
    scores: dict[Metric, int]  # every answer of this delivery, for a pulse asking both
    follow_up_id: int | None = None  # a follow-up raised or changed: its alert needs publishing


@dataclass(frozen=True)
class _Stored(AnswerResult):
    marked: bool = False  # the delivery was marked answered before this click
    wrote: bool = False  # the answer's row was written (storage.responses.Recorded)


class InvalidComment(ValueError):
    """The comment cannot be stored as written; the message says why."""


def authorised_delivery(
    services: Services, *, delivery_id: int, team_id: str, user_id: str, answering: bool = False
) -> PulseDelivery:
    """The delivery this person's answer belongs to; for a channel post, their own one.

    `answering`: a score click may make someone an answerer of a channel post; opening the
    comment modal or commenting needs them to have answered already.
    """
    with session_scope(services.engine) as session:
        delivery = get_pulse_delivery(session=session, delivery_id=delivery_id)
        if delivery is not None and delivery.is_post:
            return _post_answerer(services, session, delivery, user_id=user_id,
                                  answering=answering)
    if delivery is None:
        raise UnknownSurvey
    check_answerer(delivery, team_id=team_id, user_id=user_id)
    return delivery


def _post_answerer(
    services: Services, session: Session, post: PulseDelivery, *, user_id: str, answering: bool,
    anonymous_mark: datetime | None = None,
) -> PulseDelivery:
    if post.wave_closed:
        raise SurveyClosed
    # Anyone in the channel may answer, from this workspace or (Slack Connect) another:
    # Slack only shows the buttons to members, and user IDs are unique across them.
    answerer = post_answerer_delivery(
        session=session, post=post, user_id=user_id, now=services.clock(), create=answering,
        anonymous_mark=anonymous_mark,
    )
    if answerer is None:
        raise AnswerFirst
    return answerer


def check_answerer(delivery: PulseDelivery, *, team_id: str, user_id: str) -> None:
    """NotYourSurvey unless this person may act on this (non-post) delivery."""
    if delivery.post_delivery_id is not None and delivery.user_id == user_id:
        return  # their own answer to a channel post, whichever workspace they are in
    # Only the person it was sent to, in the workspace it was sent in, may answer it.
    if delivery.user_id != user_id or delivery.team_id != team_id:
        raise NotYourSurvey


def record_answer(
    services: Services,
    *,
    team_id: str,
    user_id: str,
    delivery_id: int,
    metric: Metric,
    score: int,
    action_ts: str,
) -> AnswerResult:
    """Store a score click, in one transaction that the click's ack waits for.

    Everything here is on the ack's path (an acknowledged click is never lost), so it is one
    transaction with prebuilt statements: the delivery read and locked once
    (storage.answer_target) serves the permission check, the answered mark, the rollups and
    the answer order. Refusals raise before anything is written (the transaction rolls back).

    An anonymous pulse takes three instead, so that no transaction writes both a row that
    names the person and their answer (on PostgreSQL a row's xmin names the transaction that
    wrote it): someone's first click on a channel post creates their delivery in one, the
    answer is stored in the next, and the delivery is marked answered in a third
    (storage.responses.mark_anonymous_answered).
    """
    click = _Click(services, team_id=team_id, user_id=user_id, metric=metric, score=score,
                   action_ts=action_ts)
    stored = click.store(delivery_id)
    if isinstance(stored, _AnonymousPost):
        with session_scope(services.engine) as session:
            answerer = _post_answerer(services, session, stored.post, user_id=user_id,
                                      answering=True, anonymous_mark=stored.mark)
        stored = click.store(answerer.delivery_id)
        assert not isinstance(stored, _AnonymousPost)
    delivery = stored.delivery
    if delivery.anonymous and (stored.wrote or not stored.marked):
        # After the answer's commit. Should this fail, the click is not acknowledged and its
        # repetition (or the reminder sweep, bot.pulses.lifecycle) marks the delivery then.
        with session_scope(services.engine) as session:
            mark_anonymous_answered(session, delivery.delivery_id)
    return stored



@dataclass(frozen=True)
class _AnonymousPost:
    """A click on an anonymous channel post: its answerer's delivery is made on its own first."""

    post: PulseDelivery
    mark: datetime


@dataclass(frozen=True)
class _Click:
    services: Services
    team_id: str
    user_id: str
    metric: Metric
    score: int
    action_ts: str

    def store(self, delivery_id: int) -> _Stored | _AnonymousPost:
        services = self.services
        with session_scope(services.engine) as session:
            target = lock_answer_target(session, delivery_id)
            if target is None:
                raise UnknownSurvey
            if target.delivery.is_post and target.delivery.anonymous:
                return _AnonymousPost(target.delivery, target.anonymous_mark)
            if target.delivery.is_post:
                # The post's own row is locked by that read too: clicks on one post queue on
                # it for their few milliseconds (the price of one read for the usual DM click).
                answerer = _post_answerer(services, session, target.delivery,
                                          user_id=self.user_id, answering=True)
                target = lock_answer_target(session, answerer.delivery_id)
                if target is None:
                    raise AnswerFirst
            else:
                check_answerer(target.delivery, team_id=self.team_id, user_id=self.user_id)
            return self._store_locked(session, target)

    def _store_locked(self, session: Session, target: AnswerTarget) -> _Stored:
        services, metric = self.services, self.metric
        delivery = target.delivery
        if metric not in delivery.metric.metrics or self.score not in _SCALE[metric]:
            raise UnknownSurvey
        if delivery.wave_closed:
            raise SurveyClosed
        key = answer_key(
            services, delivery_id=delivery.delivery_id, anonymous=delivery.anonymous
        )
        recorded = store_score(
            session=session,
            key=key,
            target=target,
            wave_id=delivery.wave_id,
            team_id=delivery.team_id,  # a Slack Connect answerer's own team is not ours
            metric=metric,
            score=self.score,
            action_ts=self.action_ts,
            now=services.clock(),
            mark_delivery=not delivery.anonymous,
        )
        # A pulse asking one metric has just the score stored; reading it back would cost a
        # statement on every click.
        scores = ({metric: recorded.score} if len(delivery.metric.metrics) == 1
                  else answered_scores(session=session, key=key))
        follow_up_id = None
        if _closes_the_loop(services, delivery, target.alert_channel_id):
            # In the answer's own transaction: an acknowledged detractor always has its
            # follow-up row, and the alert is posted (or retried by the sweep) from that row.
            follow_up_id = raise_or_update(
                session=session, delivery_id=delivery.delivery_id, team_id=delivery.team_id,
                metric=metric, score=scores[metric], comment=None,
                should_raise=is_detractor(metric.value, scores[metric]), now=services.clock(),
            )
        return _Stored(delivery=delivery, outcome=recorded.outcome, score=recorded.score,
                       scores=scores, follow_up_id=follow_up_id, marked=target.answered,
                       wrote=recorded.wrote)


def _closes_the_loop(services: Services, delivery: PulseDelivery, chosen: str | None) -> bool:
    """Alerts need a channel to go to (the workspace's, `chosen`), and never name the person
    behind an anonymous answer."""
    return alert_channel(services, chosen) is not None and not delivery.anonymous


_SCALE = {Metric.NPS: NPS_SCALE, Metric.CSAT: CSAT_SCALE}


def comment_target(
    services: Services, *, team_id: str, user_id: str, delivery_id: int
) -> tuple[PulseDelivery, str | None]:
    """The delivery a comment modal is for, and the comment already given (to edit)."""
    delivery = authorised_delivery(
        services, delivery_id=delivery_id, team_id=team_id, user_id=user_id
    )
    with session_scope(services.engine) as session:
        key = answer_key(
            services, delivery_id=delivery.delivery_id, anonymous=delivery.anonymous
        )
        if not answered_scores(session=session, key=key):
            raise AnswerFirst
        return delivery, current_comment(session=session, key=key)


@dataclass(frozen=True)
class CommentResult:
    delivery: PulseDelivery
    scores: dict[Metric, int]
    follow_up_id: int | None = None  # a follow-up raised or changed: its alert needs publishing


def stored_sentiment(scored: sentiment.CommentScore) -> CommentSentiment:
    """What is stored of a comment's scoring: its language and, when English, its sentiment
    (a comment in another language is "unscored", never neutral). Imported comments
    (bot.answers.history) are stored the same way."""
    felt = scored.sentiment
    return CommentSentiment(
        polarity=None if felt is None else felt.polarity,
        subjectivity=None if felt is None else felt.subjectivity,
        label=scored.label,
        language=scored.language,
    )


def add_comment(
    services: Services, *, team_id: str, user_id: str, delivery_id: int, text: str
) -> CommentResult:
    """Store the comment with its sentiment, and raise a follow-up if it is strongly negative."""
    comment = text.strip()
    if not comment:
        raise InvalidComment("Please write a comment, or press Cancel.")
    if len(comment) > COMMENT_MAX_LENGTH:
        raise InvalidComment(
            f"Please keep your comment under {COMMENT_MAX_LENGTH} characters "
            f"(it has {len(comment)})."
        )
    delivery = authorised_delivery(
        services, delivery_id=delivery_id, team_id=team_id, user_id=user_id
    )
    if delivery.wave_closed:
        raise SurveyClosed
    scored = sentiment.score_comment(comment)
    felt = scored.sentiment  # None: another language, stored as not scored
    with session_scope(services.engine) as session:
        key = answer_key(
            services, delivery_id=delivery.delivery_id, anonymous=delivery.anonymous
        )
        stored = record_comment(
            session=session,
            key=key,
            comment=comment,
            sentiment=stored_sentiment(scored),
            now=services.clock(),
        )
        if not stored:
            raise AnswerFirst
        scores = answered_scores(session=session, key=key)
        follow_up_id = None
        chosen = workspace_alert_channel(session=session, team_id=delivery.team_id)
        if _closes_the_loop(services, delivery, chosen):
            # The comment belongs to the first answer; a pulse asking both asks NPS first.
            metric = next(m for m in delivery.metric.metrics if m in scores)
            follow_up_id = raise_or_update(
                session=session, delivery_id=delivery.delivery_id, team_id=delivery.team_id,
                metric=metric, score=scores[metric], comment=comment,
                should_raise=felt is not None and is_strongly_negative(felt.label, felt.polarity),
                now=services.clock(),
            )
    return CommentResult(delivery=delivery, scores=scores, follow_up_id=follow_up_id)
