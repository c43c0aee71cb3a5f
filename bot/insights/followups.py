"""Closing the loop, as pure functions: what raises a follow-up, and how fast the team responds.

No Slack or database imports: the /engagement answer and the weekly digest both feed these
plain facts, so the two can never disagree about a median.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

# NPS 0-6 and CSAT 1-2: the answers that count against the score (the CSAT "3" is neutral).
DETRACTOR_MAX = {"nps": 6, "csat": 2}
# The sentiment blend is on the scale of people's mean rating / 4 (bot.insights.sentiment_blend):
# -0.35 is a rating of about -1.4 of -4, where comments read as clearly angry rather than terse.
# On the project's labelled complaints it catches 15 of 84 and no comment that is not a
# complaint (the earlier scorer's -0.5 caught 12; the blend, being calibrated, rarely reaches it).
STRONGLY_NEGATIVE_POLARITY = -0.35


def is_detractor(metric: str, score: int) -> bool:
    return score <= DETRACTOR_MAX[metric]


def is_strongly_negative(label: str, polarity: float) -> bool:
    return label == "negative" and polarity <= STRONGLY_NEGATIVE_POLARITY


@dataclass(frozen=True)
class FollowUpFacts:
    """One follow-up's milestones; None for what has not happened yet."""

    raised_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None


@dataclass(frozen=True)
class FollowUpSummary:
    raised: int
    responded: int
    resolved: int
    still_open: int
    median_first_response: timedelta | None  # None when nobody has been replied to yet
    median_close: timedelta | None


def follow_up_summary(follow_ups: Iterable[FollowUpFacts]) -> FollowUpSummary:
    """Counts and median times (raised → first reply, raised → resolved) over some follow-ups.

    Medians, not means: one follow-up forgotten for a month would otherwise hide that most are
    answered within hours. Only follow-ups that reached a milestone count towards its median.
    """
    facts = list(follow_ups)
    to_response = [f.first_response_at - f.raised_at for f in facts if f.first_response_at]
    to_close = [f.resolved_at - f.raised_at for f in facts if f.resolved_at]
    return FollowUpSummary(
        raised=len(facts),
        responded=len(to_response),
        resolved=len(to_close),
        still_open=len(facts) - len(to_close),
        median_first_response=_median(to_response),
        median_close=_median(to_close),
    )


def _median(durations: list[timedelta]) -> timedelta | None:
    if not durations:
        return None
    return timedelta(seconds=median(d.total_seconds() for d in durations))
