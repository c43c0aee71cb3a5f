"""Comparisons: which way, by how much, beyond the margin of error or not, and what closes the gap.

- NPS change: the difference of two NPS values is tested with the adjusted-Wald inputs that
  `nps_from_counts` uses (+3/4 to promoters and detractors, +3 to n). Each NPS has the trinomial
  variance (p + d − (p − d)²)/n′; taking the two samples as independent, the variances add and the
  95% interval of the difference is (c₁ − c₂) ± 1.96·√(v₁ + v₂). It is significant when the interval
  excludes 0 — the same as |z| > 1.96 for z = (c₁ − c₂)/√(v₁ + v₂). Two periods often share
  respondents, whose answers correlate; treating the periods as independent then overstates the
  variance, so the test errs towards "within the margin" rather than a false alarm.
- CSAT change: Newcombe's hybrid score interval for a difference of two proportions (his method
  10), built from the two Wilson intervals `csat_from_scores` already reports. Unlike the Wald
  two-proportion z-test it keeps its 95% coverage at small n and near 100%, where CSAT usually
  sits, and it cannot disagree with the intervals shown beside each CSAT.
- A gap to a reference is beyond the margin of error when the reference lies outside our own 95%
  interval: the reference is a published figure, not a sample we can test against.
- Changes and gaps are stated in points (percentage points for CSAT), on the raw scores people see.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from bot.insights.metrics import Z95, CsatResult, Interval, NpsResult, wilson_interval

MINUS = "\u2212"


class Direction(StrEnum):
    UP = "up"
    DOWN = "down"
    FLAT = "flat"


class Position(StrEnum):
    ABOVE = "above"
    BELOW = "below"
    LEVEL = "level"


def _number(value: float) -> str:
    # Whole points unless the figure itself has a decimal (a benchmark of 30.1, a target of 32.5);
    # a real minus sign, as the rest of the bot's text uses.
    text = (f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}").lstrip("-")
    return MINUS + text if value < 0 and float(text) != 0 else text


def _points(value: float) -> str:
    shown = abs(round(value))
    return "1 point" if shown == 1 else f"{shown} points"


def _margin_clause(beyond: bool) -> str:
    return "beyond the margin of error (95%)" if beyond else "within the margin of error"


def _rounds_to_zero(value: float) -> bool:
    # Figures are shown in whole points, so a difference that would print as 0 reads as level:
    # the same round() as _points, which takes exactly half a point to 0 (half to even).
    return round(value) == 0


@dataclass(frozen=True)
class Change:
    metric: str  # "nps" or "csat_pct"
    current: float | None
    previous: float | None
    difference: float | None  # current − previous, in points
    ci95: Interval | None  # of the difference, in points
    significant: bool
    direction: Direction | None
    missing: str | None = None  # why there is nothing to compare

    def describe(self) -> str:
        if self.difference is None or self.direction is None:
            return self.missing or "nothing to compare"
        if self.direction is Direction.FLAT:
            return f"flat, {_margin_clause(self.significant)}"
        return f"{self.direction} {_points(self.difference)}, {_margin_clause(self.significant)}"


def _missing_change(previous_n: int) -> str:
    return "no earlier answers to compare" if previous_n == 0 else "no answers yet this period"


def _direction(difference: float) -> Direction:
    if _rounds_to_zero(difference):
        return Direction.FLAT
    return Direction.UP if difference > 0 else Direction.DOWN


def nps_adjusted(result: NpsResult) -> tuple[float, float]:
    """Adjusted-Wald centre and variance in proportion units, as in `nps_from_counts`; the
    inputs of every test on NPS (changes here, drift in `bot.insights.drift`)."""
    n_adj = result.n + 3
    p = (result.promoters + 0.75) / n_adj
    d = (result.detractors + 0.75) / n_adj
    return p - d, (p + d - (p - d) ** 2) / n_adj


def nps_change(current: NpsResult, previous: NpsResult) -> Change:
    if current.score is None or previous.score is None:
        missing = _missing_change(previous.n)
        return Change("nps", current.score, previous.score, None, None, False, None, missing)
    c1, v1 = nps_adjusted(current)
    c2, v2 = nps_adjusted(previous)
    margin = Z95 * math.sqrt(v1 + v2)
    interval = Interval(100 * (c1 - c2 - margin), 100 * (c1 - c2 + margin))
    difference = current.score - previous.score
    significant = interval.low > 0 or interval.high < 0
    return Change(
        "nps",
        current.score,
        previous.score,
        difference,
        interval,
        significant,
        _direction(difference),
    )


def csat_change(current: CsatResult, previous: CsatResult) -> Change:
    w1 = wilson_interval(current.satisfied, current.n)
    w2 = wilson_interval(previous.satisfied, previous.n)
    if w1 is None or w2 is None or current.score is None or previous.score is None:
        missing = _missing_change(previous.n)
        return Change("csat_pct", current.score, previous.score, None, None, False, None, missing)
    difference = current.score - previous.score
    # Newcombe: each side of the difference takes the matching sides of the two Wilson intervals.
    below = math.hypot(current.score - w1.low, w2.high - previous.score)
    above = math.hypot(w1.high - current.score, previous.score - w2.low)
    interval = Interval(difference - below, difference + above)
    significant = interval.low > 0 or interval.high < 0
    return Change(
        "csat_pct",
        current.score,
        previous.score,
        difference,
        interval,
        significant,
        _direction(difference),
    )


@dataclass(frozen=True)
class Gap:
    metric: str  # "nps" or "csat_pct"
    value: float | None
    reference: float
    label: str  # what the reference is, e.g. "the SurveyMonkey average"
    gap: float | None  # value − reference, in points
    position: Position | None
    beyond_margin: bool  # the reference lies outside our 95% interval

    def describe(self) -> str:
        shown = _number(self.reference) + ("%" if self.metric == "csat_pct" else "")
        if self.gap is None or self.position is None:
            return f"no answers yet to compare with {self.label} ({shown})"
        if self.position is Position.LEVEL:
            where = f"level with {self.label} ({shown})"
        else:
            where = f"{_points(self.gap)} {self.position} {self.label} ({shown})"
        return f"{where}, {_margin_clause(self.beyond_margin)}"


def gap_to(value_result: NpsResult | CsatResult, reference: float, *, label: str) -> Gap:
    metric = "nps" if isinstance(value_result, NpsResult) else "csat_pct"
    value, interval = value_result.score, value_result.ci95
    if value is None or interval is None:
        return Gap(metric, None, reference, label, None, None, False)
    gap = value - reference
    if _rounds_to_zero(gap):
        position = Position.LEVEL
    else:
        position = Position.ABOVE if gap > 0 else Position.BELOW
    beyond = not interval.low <= reference <= interval.high
    return Gap(metric, value, reference, label, gap, position, beyond)


def _smallest_addition(hits: int, n: int, target: float) -> int | None:
    """Smallest x ≥ 0 with 100·(hits + x)/(n + x) ≥ target, where each added answer is a hit.

    Solving 100·(hits + x) ≥ target·(n + x) gives x ≥ (target·n − 100·hits)/(100 − target).
    `hits` may be negative (promoters − detractors). Exact fractions: a float rounding must not
    turn "exactly on target" into one answer short.
    """
    goal = Fraction(target)
    if 100 * hits >= goal * n:
        return 0
    if goal >= 100:
        return None  # a non-hit answer stays in the denominator forever
    return math.ceil((goal * n - 100 * hits) / (100 - goal))


def promoters_needed(result: NpsResult, target: float) -> int | None:
    """More promoter answers (n grows by as many) to reach `target`; 0 if already there.

    None without answers (there is nothing to build on) and when unreachable (target ≥ 100 with
    any passive or detractor answer).
    """
    if result.n == 0:
        return None
    return _smallest_addition(result.promoters - result.detractors, result.n, target)


def detractors_to_convert(result: NpsResult, target: float) -> int | None:
    """Current detractors who, answering as promoters instead, bring NPS to `target` (n fixed).

    Each conversion moves P − D by 2: 100·(P − D + 2y)/n ≥ target → y ≥ (target·n/100 − P + D)/2.
    None without answers or when converting every detractor is not enough.
    """
    if result.n == 0:
        return None
    shortfall = Fraction(target) * result.n / 100 - (result.promoters - result.detractors)
    needed = max(0, math.ceil(shortfall / 2))
    return needed if needed <= result.detractors else None


def satisfied_needed(result: CsatResult, target_percent: float) -> int | None:
    """More satisfied (4–5) answers to bring CSAT to `target_percent`; 0 if already there.

    None without answers and when unreachable (100% with any answer below 4).
    """
    if result.n == 0:
        return None
    return _smallest_addition(result.satisfied, result.n, target_percent)


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def what_it_takes(result: NpsResult | CsatResult, target: float) -> str:
    """One sentence: what closes the gap to `target` (an NPS, or a CSAT percent).

    "reaching 50 takes 12 more promoters (180 answers in all), or converting 7 of 20 detractors
    to promoters". New answers are assumed to add nothing but promoters (or satisfied answers):
    the floor of what it takes, not a forecast.
    """
    if result.n == 0:
        return "no answers yet"
    if isinstance(result, CsatResult):
        shown = _number(target) + "%"
        needed = satisfied_needed(result, target)
        if needed == 0:
            return f"already at {shown} or above"
        if needed is None:
            return f"no number of new answers reaches {shown} while any answer is below 4"
        more = _count(needed, "more satisfied answer")
        return f"reaching {shown} takes {more} (4 or 5; {result.n + needed} answers in all)"
    shown = _number(target)
    promoters = promoters_needed(result, target)
    converted = detractors_to_convert(result, target)
    if promoters == 0:
        return f"already at {shown} or above"
    options = []
    if promoters is not None:
        more = _count(promoters, "more promoter")
        options.append(f"{more} ({result.n + promoters} answers in all)")
    if converted is not None:
        options.append(f"converting {converted} of {result.detractors} detractors to promoters")
    if not options:
        return f"nothing short of every answer being a promoter reaches {shown}"
    return f"reaching {shown} takes " + ", or ".join(options)
