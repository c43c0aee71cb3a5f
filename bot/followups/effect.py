"""`/engagement followups effect`: whether following up a detractor changed their next answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlmodel import Session

from bot.core.periods import Period
from bot.followups.effect_blocks import loop_effect_message
from bot.insights.followups import FollowUpFacts, FollowUpSummary, follow_up_summary
from bot.insights.loop_effect import (
    DetractorAnswer,
    EffectGroup,
    LoopEffect,
    loop_effect,
    loop_effect_from_counts,
)
from bot.slack.message import ReportMessage
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


def loop_effect_payload(report: LoopEffectReport) -> dict[str, Any]:
    """What a snapshot keeps: counts and medians, no minimum applied (it is, when read)."""
    effect, times = report.effect, report.times

    def group(g: EffectGroup) -> list[int]:
        return [g.n, g.recovered, g.change]

    def seconds(span: timedelta | None) -> float | None:
        return None if span is None else span.total_seconds()

    return {
        "followed_up": group(effect.followed_up), "not_followed_up": group(effect.not_followed_up),
        "waiting": effect.waiting,
        "times": [times.raised, times.responded, times.resolved, times.still_open,
                  seconds(times.median_first_response), seconds(times.median_close)],
    }


def loop_effect_from(payload: dict[str, Any], period: Period, *, minimum: int
                     ) -> LoopEffectReport:
    def group(counts: list[int]) -> tuple[int, int, int]:
        n, recovered, change = (int(c) for c in counts)
        return n, recovered, change

    def span(seconds: float | None) -> timedelta | None:
        return None if seconds is None else timedelta(seconds=seconds)

    raised, responded, resolved, still_open, first, close = payload["times"]
    return LoopEffectReport(
        period,
        loop_effect_from_counts(group(payload["followed_up"]), group(payload["not_followed_up"]),
                waiting=int(payload["waiting"]), minimum=minimum),
        FollowUpSummary(int(raised), int(responded), int(resolved), int(still_open),
                        span(first), span(close)),
    )


def loop_effect_answer(report: LoopEffectReport) -> ReportMessage:
    return loop_effect_message(report.effect, report.times, period=report.period.label)
