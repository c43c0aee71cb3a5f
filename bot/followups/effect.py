"""`/engagement followups effect`: whether following up a detractor changed their next answer."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from bot.core.periods import Period
from bot.core.services import Services
from bot.followups.effect_blocks import loop_effect_message
from bot.insights.followups import FollowUpFacts, FollowUpSummary, follow_up_summary
from bot.insights.loop_effect import DetractorAnswer, LoopEffect, loop_effect
from bot.slack.message import ReportMessage
from storage.engine import session_scope
from storage.loop_effect import DetractorRow, detractor_answers


@dataclass(frozen=True)
class LoopEffectReport:
    period: Period  # when the detractor answers were given; their next answers may be later
    effect: LoopEffect
    times: FollowUpSummary  # the follow-ups raised on those answers: time to reply, to resolve


def followed_up(row: DetractorRow) -> bool:
    """A reply or a resolution recorded, no later than the customer's next answer (when there
    is one): a reply sent after they answered again cannot have changed that answer."""
    marks = [m for m in (row.first_response_at, row.resolved_at) if m is not None]
    if not marks:
        return False
    return row.next_answered_at is None or min(marks) <= row.next_answered_at


def build_loop_effect(
    *, session: Session, team_id: str, period: Period, minimum: int
) -> LoopEffectReport:
    rows = detractor_answers(session=session, team_id=team_id, since=period.start,
                             until=period.end)
    effect = loop_effect((DetractorAnswer(r.score, r.next_score, followed_up(r)) for r in rows),
                         minimum=minimum)
    times = follow_up_summary(
        FollowUpFacts(r.raised_at, r.first_response_at, r.resolved_at)
        for r in rows if r.raised_at is not None
    )
    return LoopEffectReport(period, effect, times)


def answer_loop_effect(services: Services, *, team_id: str, period: Period) -> ReportMessage:
    with session_scope(services.engine) as session:
        report = build_loop_effect(session=session, team_id=team_id, period=period,
                                   minimum=services.settings.anonymity_minimum)
    return loop_effect_message(report.effect, report.times, period=period.label)
