"""Drift: has NPS or CSAT fallen since the period before, beyond the margin of error?

One-sided, since only a fall is worth a warning. Both tests are the ones a change between two
periods already uses (`bot.insights.comparison`), so a drift never contradicts the change shown
beside the figures:

- NPS: Lewis and Sauro's two-sample test on adjusted-Wald inputs (+3/4 to promoters and to
  detractors, +3 to n; `comparison.nps_adjusted`). With centres c and variances v, the fall
  c_prev − c_cur is beyond the margin when it exceeds z·√(v_prev + v_cur).
- CSAT is reported as the share satisfied (4–5) with a Wilson interval, so its test is on that
  share: Newcombe's hybrid score bound for a difference of proportions (his method 10), built
  from the two Wilson intervals taken at z. The fall p_prev − p_cur is beyond the margin when it
  exceeds √((p_prev − low_prev)² + (high_cur − p_cur)²).

The level. The check looks at rolling windows every hour, so one period is looked at hundreds
of times, on windows that share most of their answers. At the textbook one-sided z = 1.645 a
single look is wrong 5% of the time, but some look in a period is wrong in 30 to 35% of
segment-periods (benchmarks/sim_drift_false_alarms.py). Each look therefore uses LOOK_Z = 2.8
(one-sided 0.26%), which keeps the share of segment-periods with a false alarm at or under 5%
in every case simulated (at most 4.0%, about 3.5% in the limit of many answers): the test at
95% for the period as a whole. 2.7 sits on the line (up to 4.9% ± 0.3%, 4.5% in the limit), so
the next step up leaves a margin. The share is per segment: a workspace checking many segments
sees a false alarm somewhere more often (the simulation prints how often).

The minimum. Below MIN_ANSWERS answers in either period a segment is not checked: the normal
approximation behind both tests is then off in the tail this level uses, and a fall that could
be told from chance would have to be more than 50 NPS points anyway. 30 is the usual floor for
that approximation. At the minimum the simulation measures at most 0.4% for one look at
exactly 30 answers a window, and at most 1.7% of segment-periods for hourly looks at windows
holding 30 answers on average.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from bot.insights.comparison import nps_adjusted
from bot.insights.metrics import CsatResult, Interval, NpsResult, wilson_interval

MIN_ANSWERS = 30
LOOK_Z = 2.8
# The textbook one-sided 95% critical value: what one look alone would use (the simulation
# shows why the product does not).
ONE_SIDED_95 = 1.645


@dataclass(frozen=True)
class Drift:
    """A segment's metric in two periods of the same length, and whether it fell for real."""

    metric: str  # "nps" or "csat"
    previous: float  # NPS points, or CSAT percent satisfied
    current: float
    n_previous: int
    n_current: int
    previous_ci95: Interval
    current_ci95: Interval
    # The smallest fall (points) the test allows at its level: above 0, the fall is beyond the
    # margin. Negative when the figure may not have fallen at all.
    fall_low: float

    @property
    def fall(self) -> float:
        """previous − current, in points: how far it fell (negative: it rose)."""
        return self.previous - self.current

    @property
    def beyond_margin(self) -> bool:
        return self.fall_low > 0


def _figures(previous: NpsResult | CsatResult,
             current: NpsResult | CsatResult) -> tuple[float, float, Interval, Interval]:
    """Both periods' scores and intervals, which any period with answers has."""
    assert previous.score is not None
    assert current.score is not None
    assert previous.ci95 is not None
    assert current.ci95 is not None
    return previous.score, current.score, previous.ci95, current.ci95


def nps_drift(
    previous: NpsResult, current: NpsResult, *, z: float = LOOK_Z, minimum: int = MIN_ANSWERS
) -> Drift | None:
    """The NPS fall from `previous` to `current`; None when either has fewer than `minimum`
    answers (not checked)."""
    if min(previous.n, current.n) < minimum:
        return None
    before, now, before_ci95, now_ci95 = _figures(previous, current)
    c_prev, v_prev = nps_adjusted(previous)
    c_cur, v_cur = nps_adjusted(current)
    fall_low = 100 * (c_prev - c_cur - z * math.sqrt(v_prev + v_cur))
    return Drift("nps", before, now, previous.n, current.n, before_ci95, now_ci95, fall_low)


def csat_drift(
    previous: CsatResult, current: CsatResult, *, z: float = LOOK_Z, minimum: int = MIN_ANSWERS
) -> Drift | None:
    """The CSAT fall (percent satisfied) from `previous` to `current`; None when either has
    fewer than `minimum` answers (not checked)."""
    if min(previous.n, current.n) < minimum:
        return None
    before, now, before_ci95, now_ci95 = _figures(previous, current)
    w_prev = wilson_interval(previous.satisfied, previous.n, z=z)
    w_cur = wilson_interval(current.satisfied, current.n, z=z)
    assert w_prev is not None
    assert w_cur is not None
    # Newcombe: the fall's lower side takes the previous share's lower Wilson bound and the
    # current share's upper one.
    margin = math.hypot(before - w_prev.low, w_cur.high - now)
    return Drift("csat", before, now, previous.n, current.n, before_ci95, now_ci95,
                 before - now - margin)
