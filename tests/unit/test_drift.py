"""The drift test against worked examples: a fall beyond the margin, one within it, the minimum."""

from __future__ import annotations

import pytest

from bot.insights.drift import (
    LOOK_Z,
    MIN_ANSWERS,
    ONE_SIDED_95,
    Drift,
    csat_drift,
    nps_drift,
)
from bot.insights.metrics import Interval, csat_from_scores, nps_from_counts


def test_an_nps_fall_of_forty_points_on_a_hundred_answers_is_beyond_the_margin() -> None:
    # Lewis and Sauro's two-sample NPS test, worked by hand.
    # Before 50 promoters, 30 passives, 20 detractors (NPS +30); now 30/30/40 (NPS −10).
    # Before: n' = 103, p' = 50.75/103 = .492718, d' = 20.75/103 = .201456, c = .291262,
    #         var = (.492718 + .201456 − .291262²)/103 = .609341/103 = .00591593
    # Now:    p' = 30.75/103 = .298544, d' = 40.75/103 = .395631, c = −.097087,
    #         var = (.298544 + .395631 − .097087²)/103 = .684749/103 = .00664805
    # se = √(.00591593 + .00664805) = √.01256398 = .112089
    # fall = .291262 + .097087 = .388349, z = .388349/.112089 = 3.46
    # At each look's z = 2.8: .388349 − 2.8 × .112089 = .388349 − .313849 = .074500 → 7.45
    # points above 0: beyond the margin.
    drift = nps_drift(nps_from_counts(50, 30, 20), nps_from_counts(30, 30, 40))
    assert drift is not None
    assert (drift.previous, drift.current, drift.fall) == (30, -10, 40)
    assert (drift.n_previous, drift.n_current) == (100, 100)
    assert drift.fall_low == pytest.approx(7.45, abs=0.01)
    assert drift.beyond_margin
    # One look at the textbook one-sided 95%: .388349 − 1.645 × .112089 = .203963.
    textbook = nps_drift(nps_from_counts(50, 30, 20), nps_from_counts(30, 30, 40),
                         z=ONE_SIDED_95)
    assert textbook is not None
    assert textbook.fall_low == pytest.approx(20.40, abs=0.01)


def test_each_period_keeps_its_own_interval_as_the_nps_view_shows_it() -> None:
    drift = nps_drift(nps_from_counts(50, 30, 20), nps_from_counts(30, 30, 40))
    assert drift is not None
    assert drift.previous_ci95 == nps_from_counts(50, 30, 20).ci95
    assert drift.current_ci95 == nps_from_counts(30, 30, 40).ci95


def test_a_rise_is_never_a_drift() -> None:
    # The same two periods the other way round: the NPS rose 40 points.
    drift = nps_drift(nps_from_counts(30, 30, 40), nps_from_counts(50, 30, 20))
    assert drift is not None
    assert drift.fall == -40
    assert drift.fall_low == pytest.approx(-70.22, abs=0.01)  # −.388349 − .313849 = −.702198
    assert not drift.beyond_margin


def test_csat_reproduces_newcombes_published_interval_at_95_percent() -> None:
    # Newcombe (1998), Statistics in Medicine 17:873, table II example (a): 56/70 against
    # 48/80, method 10 (hybrid score): the difference .2000 has the interval .0524 to .3339.
    # Its lower end is the fall's lower bound at z = 1.96:
    #   Wilson 56/70 = .691831–.876954, 48/80 = .490453–.700383;
    #   √((.8 − .691831)² + (.700383 − .6)²) = √(.011701 + .010077) = .147574
    #   .2 − .147574 = .052426.
    drift = csat_drift(csat_from_scores({5: 56, 1: 14}), csat_from_scores({4: 48, 2: 32}),
                       z=1.96)
    assert drift is not None
    assert (drift.previous, drift.current) == (80, 60)
    assert drift.fall_low == pytest.approx(5.24, abs=0.01)


def test_a_csat_fall_of_twenty_points_on_seventy_and_eighty_is_within_the_looks_margin() -> None:
    # The same answers at each look's z = 2.8 (z² = 7.84):
    #   56/70: denominator 1 + 7.84/70 = 1.112, centre (.8 + .056)/1.112 = .769784,
    #          half-width 2.8 × √(.8 × .2/70 + 7.84/19600)/1.112 = 2.8 × .051824/1.112
    #          = .130492 → low .639292
    #   48/80: denominator 1.098, centre (.6 + .049)/1.098 = .591075,
    #          half-width 2.8 × √(.24/80 + 7.84/25600)/1.098 = 2.8 × .057502/1.098
    #          = .146636 → high .737711
    #   margin √((.8 − .639292)² + (.737711 − .6)²) = √(.025827 + .018964) = .211636
    #   .2 − .211636 = −.011636: within the margin at this level.
    drift = csat_drift(csat_from_scores({5: 56, 1: 14}), csat_from_scores({4: 48, 2: 32}))
    assert drift is not None
    assert drift.fall_low == pytest.approx(-1.16, abs=0.01)
    assert not drift.beyond_margin
    # One look at the textbook one-sided 95% would call it a fall.
    textbook = csat_drift(csat_from_scores({5: 56, 1: 14}), csat_from_scores({4: 48, 2: 32}),
                          z=ONE_SIDED_95)
    assert textbook is not None
    assert textbook.beyond_margin


def test_csat_counts_satisfied_answers_not_the_mean() -> None:
    # Before: 40 answers of 4 (all satisfied, mean 4); now: 40 answers of 5 (all satisfied,
    # mean 5). The share satisfied did not move, so nothing fell.
    drift = csat_drift(csat_from_scores({4: 40}), csat_from_scores({5: 40}))
    assert drift is not None
    assert drift.fall == 0
    assert not drift.beyond_margin
    # 40 of 4 then 40 of 3: every answer left the satisfied share.
    fell = csat_drift(csat_from_scores({4: 40}), csat_from_scores({3: 40}))
    assert fell is not None
    assert fell.fall == 100
    assert fell.beyond_margin


@pytest.mark.parametrize("n", [MIN_ANSWERS - 1, MIN_ANSWERS, MIN_ANSWERS + 1])
def test_the_largest_possible_nps_fall_is_checked_from_exactly_the_minimum(n: int) -> None:
    # Every answer a promoter, then every answer a detractor: NPS +100 to −100.
    drift = nps_drift(nps_from_counts(n, 0, 0), nps_from_counts(0, 0, n))
    if n < MIN_ANSWERS:
        assert drift is None
    else:
        assert drift is not None
        assert drift.beyond_margin


@pytest.mark.parametrize("n", [MIN_ANSWERS - 1, MIN_ANSWERS, MIN_ANSWERS + 1])
def test_the_largest_possible_csat_fall_is_checked_from_exactly_the_minimum(n: int) -> None:
    drift = csat_drift(csat_from_scores({5: n}), csat_from_scores({1: n}))
    if n < MIN_ANSWERS:
        assert drift is None
    else:
        assert drift is not None
        assert drift.beyond_margin


@pytest.mark.parametrize("short", ["previous", "current"])
def test_either_period_under_the_minimum_is_not_checked(short: str) -> None:
    few, enough = nps_from_counts(MIN_ANSWERS - 1, 0, 0), nps_from_counts(0, 0, 500)
    previous, current = (few, enough) if short == "previous" else (enough, few)
    assert nps_drift(previous, current) is None
    few_csat, enough_csat = csat_from_scores({5: MIN_ANSWERS - 1}), csat_from_scores({1: 500})
    previous_csat, current_csat = ((few_csat, enough_csat) if short == "previous"
                                   else (enough_csat, few_csat))
    assert csat_drift(previous_csat, current_csat) is None


def test_five_answers_never_fire_whatever_they_say() -> None:
    assert nps_drift(nps_from_counts(5, 0, 0), nps_from_counts(0, 0, 5)) is None
    assert csat_drift(csat_from_scores({5: 5}), csat_from_scores({1: 5})) is None


def test_the_minimum_and_the_level_are_what_the_simulation_measured() -> None:
    # benchmarks/sim_drift_false_alarms.py measured the false-alarm share with these two; a
    # change to either needs the simulation run again and its figures in docs/PERFORMANCE.md.
    assert (MIN_ANSWERS, LOOK_Z) == (30, 2.8)


@pytest.mark.parametrize(("fall_low", "beyond"), [(-1e-9, False), (0.0, False), (1e-9, True)])
def test_beyond_the_margin_means_strictly_above_zero(fall_low: float, beyond: bool) -> None:
    interval = Interval(0.0, 1.0)
    drift = Drift("nps", 10.0, 0.0, 30, 30, interval, interval, fall_low)
    assert drift.beyond_margin is beyond
