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

from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from enum import StrEnum

from bot.insights.metrics import Interval, wilson_interval


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
class Standing:
    """All that placing a customer needs from their history: their last two NPS answers, their
    last CSAT answer and whether they answered last period and this one. Reports ask the
    database for how many customers share each standing instead of reading every answer."""

    latest_nps: int | None
    nps_before: int | None  # the NPS answer before the latest one
    latest_csat: int | None
    answered_previous_period: bool
    answered_this_period: bool


def loyalty_of(s: Standing) -> Loyalty:
    if s.latest_nps is None:
        return Loyalty.UNKNOWN
    if s.latest_nps >= 9:
        return Loyalty.HIGH
    if s.latest_nps <= 6:
        return Loyalty.LOW
    retained = s.answered_previous_period and s.answered_this_period
    stayed = s.nps_before is not None and s.nps_before >= 7
    return Loyalty.HIGH if retained and stayed else Loyalty.LOW


def satisfaction_of(s: Standing) -> Satisfaction:
    if s.latest_csat is None:
        return Satisfaction.UNKNOWN
    return Satisfaction.HIGH if s.latest_csat >= 4 else Satisfaction.LOW


def place(s: Standing) -> Segment:
    loyalty, satisfaction = loyalty_of(s), satisfaction_of(s)
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

    def share_interval(self, segment: Segment) -> Interval | None:
        """The 95% Wilson interval of `percent(segment)`, in percent; None when nobody counts.

        Wilson because a place's share is often near 0% or 100% with a few dozen customers."""
        base = self.total if segment is Segment.UNPLACED else self.placed
        return wilson_interval(self.counts[segment], base)


def counted_mix(standings: Iterable[tuple[Standing, int]]) -> Mix:
    """The mix from (standing, how many customers share it) pairs."""
    counts = dict.fromkeys(Segment, 0)
    for standing, customers in standings:
        counts[place(standing)] += customers
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
    return promoters_retained_share(
        len(prev_promoters), len(prev_promoters & current_promoters)
    )


def promoters_retained_share(prev_promoters: int, still_promoters: int) -> float | None:
    """The same share from counts: of `prev_promoters`, `still_promoters` are promoters again."""
    return None if prev_promoters == 0 else 100 * still_promoters / prev_promoters


def is_promoter(score: int | None) -> bool:
    return score is not None and score >= 9
