"""NPS and CSAT with their 95% intervals, and response rate: pure functions over counts."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

# 1.96 rather than the exact quantile (1.95996…): the published worked examples (Sauro & Lewis,
# Rocks 2016) use it, so our figures match theirs; the two differ only in the fourth decimal.
Z95 = 1.96

NPS_SCALE = range(0, 11)
CSAT_SCALE = range(1, 6)


@dataclass(frozen=True)
class Interval:
    low: float  # in the metric's own units: NPS points (−100..100) or percent (0..100)
    high: float


@dataclass(frozen=True)
class NpsResult:
    score: float | None  # %promoters − %detractors, in points (−100..100); None without answers
    n: int
    promoters: int
    passives: int
    detractors: int
    ci95: Interval | None  # clipped to −100..100, which a small n would otherwise overshoot
    adjusted_centre: float | None  # the interval's centre, pulled towards 0 for small n


@dataclass(frozen=True)
class CsatResult:
    score: float | None  # % of answers 4 or 5 on 1–5; None without answers
    n: int
    satisfied: int
    mean: float | None  # mean score, 1..5
    ci95: Interval | None  # Wilson interval of the satisfied share, in percent
    distribution: dict[int, int]  # all five scores present, so charts need no gap-filling


class Headline(Protocol):
    """Figures that carry a period's NPS and CSAT, whatever else they hold (the overview)."""

    @property
    def nps(self) -> NpsResult: ...

    @property
    def csat(self) -> CsatResult: ...


def _check_counts(counts: Mapping[int, int], scale: range) -> None:
    for score, count in counts.items():
        if score not in scale:
            raise ValueError(f"score {score} is outside {scale.start}..{scale.stop - 1}")
        if count < 0:
            raise ValueError(f"count for score {score} is negative: {count}")


def nps_from_counts(promoters: int, passives: int, detractors: int, *, z: float = Z95) -> NpsResult:
    """NPS with the adjusted-Wald interval (Rocks 2016, as MeasuringU teaches it).

    The plain Wald interval collapses to a point when every answer is in one class (one promoter
    would read "100, certain"). Adding 3 imaginary answers, 3/4 of one to promoters and to
    detractors and the rest to passives, keeps small samples and scores near ±100 honest, with
    coverage close to the nominal 95%.
    """
    if min(promoters, passives, detractors) < 0:
        raise ValueError("counts cannot be negative")
    n = promoters + passives + detractors
    if n == 0:
        return NpsResult(None, 0, 0, 0, 0, None, None)
    score = 100 * (promoters - detractors) / n
    n_adj = n + 3
    p = (promoters + 0.75) / n_adj
    d = (detractors + 0.75) / n_adj
    centre = p - d
    # NPS is a difference of two shares of one multinomial, so the variance carries their
    # covariance: p + d − (p − d)², not the sum of two binomial variances.
    margin = z * math.sqrt((p + d - centre**2) / n_adj)
    interval = Interval(max(-100.0, 100 * (centre - margin)), min(100.0, 100 * (centre + margin)))
    return NpsResult(score, n, promoters, passives, detractors, interval, 100 * centre)


def nps_class(score: int) -> str:
    """"promoter" (9–10), "passive" (7–8) or "detractor" (0–6)."""
    if not 0 <= score <= 10:
        raise ValueError(f"an NPS answer is 0–10, not {score}")
    return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"


def nps_from_scores(counts: Mapping[int, int], *, z: float = Z95) -> NpsResult:
    """Counts per score 0–10 → NPS (9–10 promoters, 7–8 passives, 0–6 detractors)."""
    _check_counts(counts, NPS_SCALE)
    return nps_from_counts(
        sum(c for s, c in counts.items() if s >= 9),
        sum(c for s, c in counts.items() if 7 <= s <= 8),
        sum(c for s, c in counts.items() if s <= 6),
        z=z,
    )


def wilson_interval(successes: int, n: int, *, z: float = Z95) -> Interval | None:
    """Wilson score interval for a proportion, in percent; None without observations.

    Wilson rather than Wald because CSAT often sits near 100%, where Wald's interval runs past
    100 or shrinks to nothing.
    """
    if n < 0:
        raise ValueError("n cannot be negative")
    if n == 0:
        return None
    if not 0 <= successes <= n:
        raise ValueError(f"successes must be between 0 and n ({n}), not {successes}")
    p = successes / n
    denominator = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / denominator
    margin = z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denominator
    # At 0 and n the bound is exactly 0% or 100% in theory; rounding would print "99.99…%".
    low = 0.0 if successes == 0 else max(0.0, 100 * (centre - margin))
    high = 100.0 if successes == n else min(100.0, 100 * (centre + margin))
    return Interval(low, high)


def csat_from_scores(counts: Mapping[int, int], *, z: float = Z95) -> CsatResult:
    """Counts per score 1–5 → CSAT (% of 4–5), the mean, and a Wilson interval."""
    _check_counts(counts, CSAT_SCALE)
    distribution = {score: int(counts.get(score, 0)) for score in CSAT_SCALE}
    n = sum(distribution.values())
    if n == 0:
        return CsatResult(None, 0, 0, None, None, distribution)
    satisfied = distribution[4] + distribution[5]
    mean = sum(score * count for score, count in distribution.items()) / n
    return CsatResult(
        100 * satisfied / n, n, satisfied, mean, wilson_interval(satisfied, n, z=z), distribution
    )


def response_rate(answered: int, delivered: int) -> float | None:
    """Percent of delivered surveys answered; None when nothing was delivered."""
    if answered < 0 or delivered < 0:
        raise ValueError("counts cannot be negative")
    if answered > delivered:
        raise ValueError(f"more answers ({answered}) than deliveries ({delivered})")
    return None if delivered == 0 else 100 * answered / delivered
