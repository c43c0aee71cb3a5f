"""Does following up a detractor change their next answer? Pure functions over plain facts.

Each detractor NPS answer (0–6) of a known customer is one observation: the customer's next NPS
answer, if they gave one yet, and whether the team followed that answer up in time to matter.
The answer "recovered" when the next one is 7 or more (passive or promoter). The two groups'
recovery shares are compared with Newcombe's hybrid score interval for a difference of
proportions (Newcombe 1998, method 10; Altman et al., "Statistics with Confidence", 2nd ed.,
ch. 6): each share's Wilson interval, combined. It keeps to [−100, 100] and stays honest for
small groups and shares near 0 or 100%, where the plain normal approximation does neither.

This is association, not cause: a team may follow up the customers it expects to win back.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from bot.insights.followups import DETRACTOR_MAX
from bot.insights.metrics import Z95, Interval, wilson_interval

RECOVERED_MIN = 7  # the next answer is a passive's or a promoter's


@dataclass(frozen=True)
class DetractorAnswer:
    score: int  # the detractor answer, 0–6
    next_score: int | None  # the customer's next NPS answer; None while they have given none
    # A reply or resolution recorded on its follow-up no later than that next answer (or by
    # now, while there is none): one recorded afterwards cannot have changed the next answer.
    followed_up: bool


@dataclass(frozen=True)
class EffectGroup:
    """The detractor answers of one group that have a next answer."""

    n: int
    recovered: int  # next answer 7 or more
    change: int  # the sum of (next answer − detractor answer)
    shown: bool  # at least the anonymity minimum of answers: its figures may be shown

    @property
    def recovered_percent(self) -> float | None:
        return 100 * self.recovered / self.n if self.shown and self.n else None

    @property
    def mean_change(self) -> float | None:
        """In NPS scale points (0–10), the next answer minus the detractor answer."""
        return self.change / self.n if self.shown and self.n else None

    @property
    def ci95(self) -> Interval | None:
        return wilson_interval(self.recovered, self.n) if self.shown else None


@dataclass(frozen=True)
class LoopEffect:
    followed_up: EffectGroup
    not_followed_up: EffectGroup
    waiting: int  # detractor answers whose customer has not answered NPS again yet
    difference: float | None  # recovery share followed up − not followed up, in points
    ci95: Interval | None
    minimum: int

    @property
    def detractor_answers(self) -> int:
        return self.followed_up.n + self.not_followed_up.n + self.waiting


def _counts(answers: list[DetractorAnswer]) -> tuple[int, int, int]:
    """(answers, recovered, sum of changes)."""
    recovered = sum(1 for a in answers if (a.next_score or 0) >= RECOVERED_MIN)
    return len(answers), recovered, sum((a.next_score or 0) - a.score for a in answers)


def loop_effect(answers: Iterable[DetractorAnswer], *, minimum: int) -> LoopEffect:
    """The two groups, the difference in recovery with its 95% interval, and who is waiting."""
    given = list(answers)
    for answer in given:
        if not 0 <= answer.score <= DETRACTOR_MAX["nps"]:
            raise ValueError(f"{answer.score} is not a detractor's answer (0–6)")
        if answer.next_score is not None and not 0 <= answer.next_score <= 10:
            raise ValueError(f"an NPS answer is 0–10, not {answer.next_score}")
    answered = [a for a in given if a.next_score is not None]
    return loop_effect_from_counts(_counts([a for a in answered if a.followed_up]),
                            _counts([a for a in answered if not a.followed_up]),
                            waiting=len(given) - len(answered), minimum=minimum)


def loop_effect_from_counts(
    followed_up: tuple[int, int, int], not_followed_up: tuple[int, int, int], *, waiting: int,
    minimum: int,
) -> LoopEffect:
    """From each group's (answers, recovered, sum of changes): what a kept snapshot holds.

    A group of fewer answers than the anonymity minimum shows its size only: its share would
    all but name the customers in it (and its interval would span most of the scale anyway).
    """
    followed = EffectGroup(*followed_up, shown=followed_up[0] >= minimum)
    others = EffectGroup(*not_followed_up, shown=not_followed_up[0] >= minimum)
    interval = (
        recovery_difference(followed.recovered, followed.n, others.recovered, others.n)
        if followed.shown and others.shown else None
    )
    difference = (
        None if interval is None
        else 100 * (followed.recovered / followed.n - others.recovered / others.n)
    )
    return LoopEffect(followed, others, waiting, difference, interval, minimum)


def recovery_difference(
    successes_1: int, n_1: int, successes_2: int, n_2: int, *, z: float = Z95
) -> Interval | None:
    """Newcombe's hybrid score interval for p1 − p2, in points; None when a group is empty.

    With (l_i, u_i) each share's Wilson interval and d = p1 − p2:
    low = d − √((p1 − l1)² + (u2 − p2)²), high = d + √((u1 − p1)² + (p2 − l2)²).
    """
    first, second = wilson_interval(successes_1, n_1, z=z), wilson_interval(successes_2, n_2, z=z)
    if first is None or second is None:
        return None
    p1, p2 = 100 * successes_1 / n_1, 100 * successes_2 / n_2
    d = p1 - p2
    low = d - math.hypot(p1 - first.low, second.high - p2)
    high = d + math.hypot(first.high - p1, p2 - second.low)
    return Interval(max(-100.0, low), min(100.0, high))
