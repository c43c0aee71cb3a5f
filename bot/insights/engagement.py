"""The engagement map: each customer placed by loyalty × satisfaction, from their own answers.

Engagement is loyalty (they stay, come back, recommend) and satisfaction pointing the same way.

Loyalty, from the customer's latest NPS answer:
- promoter (9–10): high. Recommending is the strongest loyalty statement the pulse asks for.
- detractor (0–6): low.
- passive (7–8): high only when behaviour backs it — they answered last period and this one
  (retained) and their NPS answer before this one was 7 or more (they stayed passive or better).
  Otherwise low: Bain describes passives as satisfied but unenthusiastic and open to a
  competitor, so a single passive answer is not yet loyalty.
- no NPS answer: unknown.

Satisfaction, from the latest CSAT answer: 4–5 high, 1–3 low — the same line as CSAT %, so the
map and the CSAT figure never disagree about who is satisfied. Without a CSAT answer it is
unknown: NPS is deliberately not used as a stand-in, because the map exists to find customers
whose loyalty and satisfaction disagree, and reading both from one answer would put everyone on
the diagonal.

Segments: high loyalty and high satisfaction → engaged advocate; high satisfaction, low loyalty →
satisfied, not loyal (happy today, nothing keeping them); high loyalty, low satisfaction → loyal,
not satisfied (staying despite the experience — habit or switching costs); both low → at risk.
A customer missing either answer is unplaced and left out of the mix percentages, which are
shares of placed customers; the unplaced count is reported beside them.

Retention: of last period's respondents, the share who answered again this period; repeat
participation is the same overlap as a share of this period's respondents. Promoters retained:
of last period's promoters, the share who are promoters again — one who did not answer counts as
not retained, because silence is not evidence of loyalty.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.insights.metrics import CSAT_SCALE, NPS_SCALE


class Loyalty(StrEnum):
    HIGH = "high"
    LOW = "low"
    UNKNOWN = "unknown"


class Satisfaction(StrEnum):
    HIGH = "high"
    LOW = "low"
    UNKNOWN = "unknown"


class Segment(StrEnum):
    ENGAGED_ADVOCATE = "engaged_advocate"
    SATISFIED_NOT_LOYAL = "satisfied_not_loyal"
    LOYAL_NOT_SATISFIED = "loyal_not_satisfied"
    AT_RISK = "at_risk"
    UNPLACED = "unplaced"  # no NPS or no CSAT answer yet


PLACED_SEGMENTS = (
    Segment.ENGAGED_ADVOCATE,
    Segment.SATISFIED_NOT_LOYAL,
    Segment.LOYAL_NOT_SATISFIED,
    Segment.AT_RISK,
)


@dataclass(frozen=True)
class CustomerHistory:
    nps_scores: Sequence[tuple[date, int]]  # their NPS answers (0–10) over time
    csat_scores: Sequence[tuple[date, int]]  # their CSAT answers (1–5) over time
    answered_previous_period: bool
    answered_this_period: bool

    def __post_init__(self) -> None:
        for _, score in self.nps_scores:
            if score not in NPS_SCALE:
                raise ValueError(f"NPS answer {score} is outside 0..10")
        for _, score in self.csat_scores:
            if score not in CSAT_SCALE:
                raise ValueError(f"CSAT answer {score} is outside 1..5")


def _by_date(answers: Sequence[tuple[date, int]]) -> list[int]:
    # Stable: two answers on one day keep the order they were given in, the later one last.
    return [score for _, score in sorted(answers, key=lambda answer: answer[0])]


def loyalty_of(h: CustomerHistory) -> Loyalty:
    scores = _by_date(h.nps_scores)
    if not scores:
        return Loyalty.UNKNOWN
    latest = scores[-1]
    if latest >= 9:
        return Loyalty.HIGH
    if latest <= 6:
        return Loyalty.LOW
    retained = h.answered_previous_period and h.answered_this_period
    stayed = len(scores) >= 2 and scores[-2] >= 7
    return Loyalty.HIGH if retained and stayed else Loyalty.LOW


def satisfaction_of(h: CustomerHistory) -> Satisfaction:
    scores = _by_date(h.csat_scores)
    if not scores:
        return Satisfaction.UNKNOWN
    return Satisfaction.HIGH if scores[-1] >= 4 else Satisfaction.LOW


def place(h: CustomerHistory) -> Segment:
    loyalty, satisfaction = loyalty_of(h), satisfaction_of(h)
    if loyalty is Loyalty.UNKNOWN or satisfaction is Satisfaction.UNKNOWN:
        return Segment.UNPLACED
    if loyalty is Loyalty.HIGH:
        if satisfaction is Satisfaction.HIGH:
            return Segment.ENGAGED_ADVOCATE
        return Segment.LOYAL_NOT_SATISFIED
    if satisfaction is Satisfaction.HIGH:
        return Segment.SATISFIED_NOT_LOYAL
    return Segment.AT_RISK


@dataclass(frozen=True)
class Mix:
    counts: dict[Segment, int]  # every segment, unplaced included
    total: int
    placed: int

    @property
    def unplaced(self) -> int:
        return self.total - self.placed

    def percent(self, segment: Segment) -> float | None:
        """Share of placed customers (of all customers for UNPLACED); None when nobody counts."""
        base = self.total if segment is Segment.UNPLACED else self.placed
        return None if base == 0 else 100 * self.counts[segment] / base


def engagement_mix(histories: Iterable[CustomerHistory]) -> Mix:
    counts = dict.fromkeys(Segment, 0)
    for history in histories:
        counts[place(history)] += 1
    total = sum(counts.values())
    return Mix(counts, total, total - counts[Segment.UNPLACED])


def mix_change(current: Mix, previous: Mix) -> dict[Segment, float] | None:
    """Change in each placed segment's share, in points; None when either mix places nobody."""
    changes: dict[Segment, float] = {}
    for segment in PLACED_SEGMENTS:
        now, before = current.percent(segment), previous.percent(segment)
        if now is None or before is None:
            return None
        changes[segment] = now - before
    return changes


@dataclass(frozen=True)
class Retention:
    previous: int  # respondents last period
    current: int  # respondents this period
    retained: int  # answered in both

    @property
    def retention_percent(self) -> float | None:
        return None if self.previous == 0 else 100 * self.retained / self.previous

    @property
    def repeat_participation_percent(self) -> float | None:
        return None if self.current == 0 else 100 * self.retained / self.current


def retention(
    prev_respondents: AbstractSet[str], current_respondents: AbstractSet[str]
) -> Retention:
    retained = len(prev_respondents & current_respondents)
    return Retention(len(prev_respondents), len(current_respondents), retained)


def promoters_retained(
    prev_promoters: AbstractSet[str], current_promoters: AbstractSet[str]
) -> float | None:
    """% of last period's promoters who are promoters again; None without earlier promoters."""
    if not prev_promoters:
        return None
    return 100 * len(prev_promoters & current_promoters) / len(prev_promoters)
