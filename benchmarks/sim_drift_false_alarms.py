"""How often does the drift warning fire when nothing changed? The false-alarm share, simulated.

    python benchmarks/sim_drift_false_alarms.py [--trials 1000] [--single-trials 20000]
        [--seed 15] [--look-z 2.8]

Every answer of a simulated segment is drawn from one score distribution that never changes, so
every warning is a false alarm. Each case runs the product's own decision functions
(`bot.insights.drift.nps_drift` / `csat_drift`, through `nps_from_counts` / `csat_from_scores`)
on the counts of the two windows:

1. One look per segment-period: n answers in each window (n = the minimum − 1, the minimum and
   more), at the textbook one-sided 95% (z = 1.645) and at the level the product uses.
2. The product as it runs: answers arrive at random (Poisson) through a period of DRIFT_PERIOD_
   DAYS, the check looks every hour at the rolling windows (the last N days against the N
   before), and a segment-period counts as a false alarm when any of its looks fires: what
   "once per segment and period" makes of it.
3. What that means for a workspace with several segments (the independent-segments bound).

It prints shares and asserts nothing; docs/PERFORMANCE.md holds the figures of the last run.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from bot.insights.drift import LOOK_Z, MIN_ANSWERS, ONE_SIDED_95, csat_drift, nps_drift
from bot.insights.metrics import csat_from_scores, nps_from_counts

HOURS_PER_DAY = 24
# Answer mixes: a B2B programme like the seeded one (NPS about +30, CSAT about 80%), a
# polarised one, a weak one, and CSAT near the top of the scale, where proportions behave worst.
NPS_MIXES = {
    "NPS b2b (+30)": (2, 1, 1, 2, 2, 4, 6, 10, 14, 24, 34),
    "NPS polarised (+23)": (10, 5, 5, 5, 5, 5, 5, 5, 5, 10, 40),
    "NPS low (-47)": (10, 8, 8, 10, 10, 12, 12, 10, 8, 6, 6),
}
CSAT_MIXES = {
    "CSAT b2b (80%)": (4, 6, 10, 40, 40),
    "CSAT high (96%)": (1, 1, 2, 16, 80),
    "CSAT low (50%)": (15, 15, 20, 30, 20),
}


@dataclass(frozen=True)
class Mix:
    """A score distribution, reduced to what each test reads: NPS class or CSAT satisfied."""

    name: str
    metric: str
    shares: np.ndarray  # NPS: (promoter, detractor, passive); CSAT: (satisfied, not)

    @classmethod
    def of(cls, name: str, weights: tuple[int, ...]) -> Mix:
        w = np.array(weights, dtype=float) / sum(weights)
        if len(weights) == 11:
            return cls(name, "nps", np.array([w[9:].sum(), w[:7].sum(), w[7:9].sum()]))
        return cls(name, "csat", np.array([w[3:].sum(), w[:3].sum()]))


def fired(mix: Mix, z: float) -> Callable[[int, int, int, int, int, int], bool]:
    """The product's decision on one look: counts in, beyond the margin or not."""
    def nps(p1: int, d1: int, n1: int, p2: int, d2: int, n2: int) -> bool:
        drift = nps_drift(nps_from_counts(p1, n1 - p1 - d1, d1),
                          nps_from_counts(p2, n2 - p2 - d2, d2), z=z)
        return drift is not None and drift.beyond_margin

    def csat(s1: int, _: int, n1: int, s2: int, __: int, n2: int) -> bool:
        drift = csat_drift(csat_from_scores({4: s1, 1: n1 - s1}),
                           csat_from_scores({4: s2, 1: n2 - s2}), z=z)
        return drift is not None and drift.beyond_margin

    return nps if mix.metric == "nps" else csat


def one_look(mix: Mix, n: int, z: float, trials: int, rng: np.random.Generator) -> float:
    """Share of segment-periods that fire when each window holds exactly n answers."""
    decide = fired(mix, z)
    before = rng.multinomial(n, mix.shares, size=trials)
    after = rng.multinomial(n, mix.shares, size=trials)
    hits = sum(decide(int(b[0]), int(b[1]) if len(b) > 2 else 0, n,
                      int(a[0]), int(a[1]) if len(a) > 2 else 0, n)
               for b, a in zip(before, after, strict=True))
    return hits / trials


def hourly_looks(mix: Mix, per_period: float, days: int, z: float, trials: int,
                 rng: np.random.Generator) -> float:
    """Share of periods in which any hourly look fires; `per_period` answers expected in each
    window. Answers are drawn over three periods, so every look of the last one has both its
    windows full."""
    decide = fired(mix, z)
    hours = days * HOURS_PER_DAY
    looks = 2 * hours + np.arange(hours)
    hits = 0
    for _ in range(trials):
        k = rng.poisson(3 * per_period)
        when = np.sort(rng.uniform(0, 3 * hours, k))
        kind = rng.choice(len(mix.shares), size=k, p=mix.shares)
        first = np.concatenate([[0], np.cumsum(kind == 0)])  # promoters, or satisfied
        second = np.concatenate([[0], np.cumsum(kind == 1)])  # detractors (NPS)
        i0 = np.searchsorted(when, looks - 2 * hours, "left")
        i1 = np.searchsorted(when, looks - hours, "left")
        i2 = np.searchsorted(when, looks, "right")
        state = np.stack([first[i1] - first[i0], second[i1] - second[i0], i1 - i0,
                          first[i2] - first[i1], second[i2] - second[i1], i2 - i1], axis=1)
        # A look whose windows hold exactly what the one before held decides the same.
        changed = np.ones(len(state), dtype=bool)
        changed[1:] = (state[1:] != state[:-1]).any(axis=1)
        enough = (state[:, 2] >= MIN_ANSWERS - 1) & (state[:, 5] >= MIN_ANSWERS - 1)
        near = screen(mix, state, z) > -SCREEN_POINTS
        if any(decide(*map(int, row)) for row in state[changed & enough & near]):
            hits += 1
    return hits / trials


# Looks whose fall, by the same formula computed for all looks at once, is more than this many
# points short of the margin cannot fire; every other look is decided by the product's function.
SCREEN_POINTS = 1.0


def screen(mix: Mix, state: np.ndarray, z: float) -> np.ndarray:
    """bot.insights.drift's fall_low for every look at once (points), to skip the hopeless."""
    with np.errstate(divide="ignore", invalid="ignore"):
        first_before, second_before, n_before = state[:, 0], state[:, 1], state[:, 2]
        first_now, second_now, n_now = state[:, 3], state[:, 4], state[:, 5]
        if mix.metric == "nps":
            def adjusted(p: np.ndarray, d: np.ndarray, n: np.ndarray
                         ) -> tuple[np.ndarray, np.ndarray]:
                m = n + 3.0
                pa, da = (p + 0.75) / m, (d + 0.75) / m
                return pa - da, (pa + da - (pa - da) ** 2) / m
            c1, v1 = adjusted(first_before, second_before, n_before)
            c2, v2 = adjusted(first_now, second_now, n_now)
            result: np.ndarray = 100 * (c1 - c2 - z * np.sqrt(v1 + v2))
            return np.nan_to_num(result, nan=-np.inf)

        def wilson(s: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            p = s / n
            denominator = 1 + z**2 / n
            centre = (p + z**2 / (2 * n)) / denominator
            half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denominator
            return 100 * p, 100 * (centre - half), 100 * (centre + half)
        p1, low1, _ = wilson(first_before, n_before)
        p2, _, high2 = wilson(first_now, n_now)
        result = (p1 - p2) - np.hypot(p1 - low1, high2 - p2)
        return np.nan_to_num(result, nan=-np.inf)


def _percent(share: float) -> str:
    return f"{100 * share:5.1f}%"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=1000,
                        help="segment-periods per case with hourly looks")
    parser.add_argument("--single-trials", type=int, default=20000,
                        help="segment-periods per case with one look")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--look-z", type=float, default=LOOK_Z,
                        help="each look's critical value (the product's: %(default)s)")
    args = parser.parse_args()
    look = args.look_z
    rng = np.random.default_rng(args.seed)
    mixes = [Mix.of(name, w) for name, w in (*NPS_MIXES.items(), *CSAT_MIXES.items())]

    sizes = (MIN_ANSWERS - 1, MIN_ANSWERS, 50, 100, 500, 2000)
    print(f"1. One look per segment-period, n answers in each window ({args.single_trials:,} "
          "segment-periods each): share that fired")
    print(f"   {'':<22}" + "".join(f"{'n=' + str(n):>16}" for n in sizes))
    for z, label in ((ONE_SIDED_95, "z 1.645"), (look, f"z {look}")):
        for mix in mixes:
            cells = "".join(f"{_percent(one_look(mix, n, z, args.single_trials, rng)):>16}"
                            for n in sizes)
            print(f"   {mix.name:<22}{cells}   ({label})")

    print(f"\n2. Hourly looks at rolling windows through a period ({args.trials:,} "
          "segment-periods each): share with at least one warning")
    rates = (MIN_ANSWERS, 60, 200, 1000)
    cases: list[tuple[int, tuple[float, ...]]] = [(30, rates), (7, (200,)), (90, (200,))]
    worst = 0.0
    print(f"   {'':<22}{'days':>6}" + "".join(f"{'~' + str(r) + '/period':>15}" for r in rates))
    for z, label in ((ONE_SIDED_95, "z 1.645"), (look, f"z {look}")):
        for days, per in cases:
            for mix in mixes if days == 30 else mixes[:1] + mixes[3:4]:
                shares = {r: hourly_looks(mix, r, days, z, args.trials, rng) for r in per}
                if z == look:
                    worst = max(worst, *shares.values())
                cells = "".join(f"{_percent(shares[r]) if r in shares else '':>15}"
                                for r in rates)
                print(f"   {mix.name:<22}{days:>6}{cells}   ({label})")
    ok = "at or under" if worst <= 0.05 else "ABOVE"
    print(f"\n   Worst share at z {look}: {_percent(worst).strip()}, "
          f"{ok} 5% of segment-periods.")

    print("\n3. A workspace with k segment-metric pairs, each at that worst share (independent "
          "segments, an upper bound for overlapping ones): chance of at least one false "
          "alarm in a period")
    for k in (1, 2, 8, 16):
        print(f"   k = {k:>2}: {_percent(1 - (1 - worst) ** k).strip()}")
    print(f"\n   (Standard error of a share near 5% over {args.trials:,} segment-periods: "
          f"{_percent(math.sqrt(0.05 * 0.95 / args.trials)).strip()}.)")


if __name__ == "__main__":
    main()
