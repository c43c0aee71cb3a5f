"""NPS and CSAT with their 95% intervals, and response rate: pure functions over counts."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

Z95 = 1.959963984540054  # two-sided 95% normal quantile


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


@dataclass(frozen=True)
class NpsResult:
    score: float | None  # %promoters − %detractors, in points (−100..100); None without answers
    n: int
    promoters: int
    passives: int
    detractors: int
    ci95: Interval | None
    adjusted_centre: float | None


@dataclass(frozen=True)
class CsatResult:
    score: float | None  # % of answers 4 or 5 on 1–5; None without answers
    n: int
    satisfied: int
    mean: float | None
    ci95: Interval | None
    distribution: dict[int, int]


def _check_counts(counts: Mapping[int, int], scale: range) -> None:
    for score, count in counts.items():
        if score not in scale:
            raise ValueError(f"score {score} is outside {scale.start}..{scale.stop - 1}")
        if count < 0:
            raise ValueError(f"count for score {score} is negative")


def nps_from_counts(promoters: int, passives: int, detractors: int, *, z: float = Z95) -> NpsResult:
    """NPS with the adjusted-Wald interval (Rocks 2016, as MeasuringU teaches it).

    Adding 3/4 of an answer to promoters and detractors (and 3 to n) keeps the interval honest
    for small samples and for scores near ±100, where the plain Wald interval collapses.
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
    margin = z * math.sqrt((p + d - centre**2) / n_adj)
    interval = Interval(max(-100.0, 100 * (centre - margin)), min(100.0, 100 * (centre + margin)))
    return NpsResult(score, n, promoters, passives, detractors, interval, 100 * centre)


def nps_from_scores(counts: Mapping[int, int], *, z: float = Z95) -> NpsResult:
    """Counts per score 0–10 → NPS (9–10 promoters, 7–8 passives, 0–6 detractors)."""
    _check_counts(counts, range(0, 11))
    return nps_from_counts(
        sum(c for s, c in counts.items() if s >= 9),
        sum(c for s, c in counts.items() if 7 <= s <= 8),
        sum(c for s, c in counts.items() if s <= 6),
        z=z,
    )


def wilson_interval(successes: int, n: int, *, z: float = Z95) -> Interval | None:
    """Wilson score interval for a proportion, in percent; None without observations."""
    if n == 0:
        return None
    if not 0 <= successes <= n:
        raise ValueError("successes must be between 0 and n")
    p = successes / n
    denominator = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / denominator
    margin = z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denominator
    return Interval(max(0.0, 100 * (centre - margin)), min(100.0, 100 * (centre + margin)))


def csat_from_scores(counts: Mapping[int, int], *, z: float = Z95) -> CsatResult:
    """Counts per score 1–5 → CSAT (% of 4–5), the mean, and a Wilson interval."""
    _check_counts(counts, range(1, 6))
    distribution = {score: int(counts.get(score, 0)) for score in range(1, 6)}
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
        raise ValueError("more answers than deliveries")
    return None if delivered == 0 else 100 * answered / delivered
