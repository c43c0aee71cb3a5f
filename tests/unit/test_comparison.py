"""Comparisons against worked examples: changes, gaps, and what closes them."""

from __future__ import annotations

from fractions import Fraction

import pytest

from bot.insights.comparison import (
    Direction,
    Position,
    csat_change,
    detractors_to_convert,
    gap_to,
    nps_change,
    promoters_needed,
    satisfied_needed,
    what_it_takes,
)
from bot.insights.metrics import csat_from_scores, nps_from_counts


def test_nps_change_worked_example_beyond_the_margin() -> None:
    # Now 60 promoters, 25 passives, 15 detractors (NPS 45); before 40/30/30 (NPS 10): +35.
    # Now:    n' = 103, p' = 60.75/103 = .589806, d' = 15.75/103 = .152913, c = .436893,
    #         var = (.589806 + .152913 − .436893²)/103 = .00535770
    # Before: p' = 40.75/103 = .395631, d' = 30.75/103 = .298544, c = .097087,
    #         var = (.395631 + .298544 − .097087²)/103 = .00664805
    # se = √(.00535770 + .00664805) = .109571; margin = 1.96 × .109571 = .214759
    # interval = (.436893 − .097087) ± .214759 = .339806 ± .214759 → +12.5 to +55.5 points.
    change = nps_change(nps_from_counts(60, 25, 15), nps_from_counts(40, 30, 30))
    assert change.difference == 35
    assert change.ci95 is not None
    assert change.ci95.low == pytest.approx(12.51, abs=0.01)
    assert change.ci95.high == pytest.approx(55.46, abs=0.01)
    assert change.significant
    assert change.direction is Direction.UP
    assert change.describe() == "up 35 points, beyond the margin of error (95%)"


def test_nps_change_of_six_points_on_a_hundred_answers_is_within_the_margin() -> None:
    # 33/40/27 (NPS 6) against 30/40/30 (NPS 0): var = .00576402 and .00579696, so the
    # difference's margin is 1.96 × √(.00576402 + .00579696) = 1.96 × .107522 = 21 points,
    # far wider than 6: the interval runs from −15.2 to +26.9.
    change = nps_change(nps_from_counts(33, 40, 27), nps_from_counts(30, 40, 30))
    assert change.difference == 6
    assert change.ci95 is not None
    assert change.ci95.low < 0 < change.ci95.high
    assert not change.significant
    assert change.describe() == "up 6 points, within the margin of error"


def test_nps_fall_of_twelve_points_on_a_thousand_answers_is_beyond_the_margin() -> None:
    # Now 350/400/250 (NPS 10), before 420/380/200 (NPS 22): −12.
    # Now:    n' = 1003, p' = .349701, d' = .250000, c = .099701, var = .00058800
    # Before: p' = .419492, d' = .200150, c = .219342, var = .00056982
    # se = √(.00058800 + .00056982) = .034027; margin = 1.96 × .034027 = .066692
    # interval = −.119641 ± .066692 → −18.6 to −5.3 points: 0 is outside.
    change = nps_change(nps_from_counts(350, 400, 250), nps_from_counts(420, 380, 200))
    assert change.difference == -12
    assert change.ci95 is not None
    assert change.ci95.low == pytest.approx(-18.63, abs=0.01)
    assert change.ci95.high == pytest.approx(-5.29, abs=0.01)
    assert change.direction is Direction.DOWN
    assert change.describe() == "down 12 points, beyond the margin of error (95%)"


def test_nps_change_margin_matches_the_published_single_sample_example() -> None:
    # Market Strategies: 40% promoters, 20% detractors, n = 500 → ±6.6 points for one NPS.
    # Adjusted: n' = 503, p' = 200.75/503 = .399105, d' = 100.75/503 = .200298, c = .198807,
    # var = (.599404 − .039524)/503 = .00111308; one NPS: 1.96 × √.00111308 = ±6.5 points.
    # Two such samples: 1.96 × √(2 × .00111308) = ±9.25 points (√2 × the single margin).
    same = nps_from_counts(200, 200, 100)
    change = nps_change(same, same)
    assert change.ci95 is not None
    assert change.ci95.high == pytest.approx(9.25, abs=0.01)
    assert change.ci95.low == pytest.approx(-9.25, abs=0.01)
    assert change.direction is Direction.FLAT
    assert change.describe() == "flat, within the margin of error"


def test_a_one_point_change_is_singular() -> None:
    # 41/39/20 (NPS 21) against 40/40/20 (NPS 20): +1.
    change = nps_change(nps_from_counts(41, 39, 20), nps_from_counts(40, 40, 20))
    assert change.describe() == "up 1 point, within the margin of error"


def test_nps_change_without_earlier_answers_says_so() -> None:
    change = nps_change(nps_from_counts(5, 3, 2), nps_from_counts(0, 0, 0))
    assert (change.difference, change.ci95, change.direction) == (None, None, None)
    assert not change.significant
    assert change.describe() == "no earlier answers to compare"


def test_nps_change_without_answers_this_period_says_so() -> None:
    change = nps_change(nps_from_counts(0, 0, 0), nps_from_counts(5, 3, 2))
    assert change.difference is None
    assert change.describe() == "no answers yet this period"


def test_csat_change_worked_example_newcombe_interval() -> None:
    # 90 of 100 satisfied now, 80 of 100 before: +10 points.
    # Wilson 90/100: 1 + z²/n = 1.038416; centre = (.9 + .019208)/1.038416 = .885202,
    #   half-width = 1.96 × √(.0009 + .000096)/1.038416 = .059569 → .825633 to .944771
    # Wilson 80/100: centre = (.8 + .019208)/1.038416 = .788902,
    #   half-width = 1.96 × √(.0016 + .000096)/1.038416 = .077733 → .711169 to .866634
    # Newcombe: below = √((.9 − .825633)² + (.866634 − .8)²) = .099853,
    #           above = √((.944771 − .9)² + (.8 − .711169)²) = .099476
    # interval = .1 − .099853 to .1 + .099476 → +0.015 to +19.95 points: just beyond.
    change = csat_change(
        csat_from_scores({5: 50, 4: 40, 2: 10}), csat_from_scores({5: 40, 4: 40, 1: 20})
    )
    assert change.difference == pytest.approx(10)
    assert change.ci95 is not None
    assert change.ci95.low == pytest.approx(0.015, abs=0.001)
    assert change.ci95.high == pytest.approx(19.947, abs=0.001)
    assert change.significant
    assert change.describe() == "up 10 points, beyond the margin of error (95%)"


def test_the_same_csat_change_on_half_the_answers_is_within_the_margin() -> None:
    # 45/50 against 40/50: Wilson .786395–.956525 and .669626–.887564;
    # below = √(.113605² + .087564²) = .143435 → interval −4.3 to +24.2 points.
    change = csat_change(csat_from_scores({5: 45, 1: 5}), csat_from_scores({5: 40, 1: 10}))
    assert change.ci95 is not None
    assert change.ci95.low == pytest.approx(-4.343, abs=0.001)
    assert not change.significant
    assert change.describe() == "up 10 points, within the margin of error"


def test_csat_change_without_earlier_answers_says_so() -> None:
    change = csat_change(csat_from_scores({5: 3}), csat_from_scores({}))
    assert change.describe() == "no earlier answers to compare"
    assert change.direction is None


OURS = nps_from_counts(100, 46, 22)  # n = 168, NPS = 78/168 = 46.4; 95% interval 34.9 to 56.4


def test_gap_within_the_margin() -> None:
    gap = gap_to(OURS, 44, label="the SurveyMonkey median")
    assert gap.gap == pytest.approx(2.43, abs=0.01)
    assert gap.position is Position.ABOVE
    assert not gap.beyond_margin  # 44 lies inside 34.9 to 56.4
    assert (
        gap.describe() == "2 points above the SurveyMonkey median (44), within the margin of error"
    )


def test_gap_beyond_the_margin_below() -> None:
    gap = gap_to(OURS, 72, label="the cross-industry top quartile")
    assert gap.position is Position.BELOW
    assert gap.beyond_margin  # 72 is above 56.4
    assert gap.describe() == (
        "26 points below the cross-industry top quartile (72), beyond the margin of error (95%)"
    )


def test_gap_level_and_negative_reference() -> None:
    assert gap_to(OURS, 46.2, label="x").describe() == (
        "level with x (46.2), within the margin of error"
    )
    # A negative reference is written with a real minus sign, as the rest of the bot's text is.
    assert gap_to(OURS, -6.1, label="consumer payments").describe() == (
        "53 points above consumer payments (\u22126.1), beyond the margin of error (95%)"
    )


def test_csat_gap_uses_the_wilson_interval() -> None:
    # 90 of 100 satisfied: Wilson 82.6% to 94.5%. 86% is inside, 81% outside.
    ours = csat_from_scores({5: 50, 4: 40, 2: 10})
    inside = gap_to(ours, 86, label="the Zendesk average")
    outside = gap_to(ours, 81, label="the Zendesk Q2 2013 average")
    assert (
        inside.describe() == "4 points above the Zendesk average (86%), within the margin of error"
    )
    assert outside.beyond_margin


def test_gap_without_answers() -> None:
    gap = gap_to(nps_from_counts(0, 0, 0), 32, label="the SurveyMonkey average")
    assert gap.gap is None
    assert gap.describe() == "no answers yet to compare with the SurveyMonkey average (32)"


def test_promoters_needed_worked_example_lands_exactly_on_target() -> None:
    # P − D = 100 − 22 = 78 of n = 168 (NPS 46.4). (78 + x)/(168 + x) ≥ .5
    # → x ≥ (50 × 168 − 100 × 78)/(100 − 50) = (8400 − 7800)/50 = 12.
    # 12 gives 90/180 = 50 exactly; 11 gives 89/179 = 49.7.
    assert promoters_needed(OURS, 50) == 12


def test_detractors_to_convert_worked_example() -> None:
    # n stays 168; each conversion adds 2 to P − D. 50: (8400/100 − 78)/2 = 3 → 84/168 = 50.
    # 70: (117.6 − 78)/2 = 19.8 → 20 (118/168 = 70.2; 19 gives 116/168 = 69.0).
    # 80: (134.4 − 78)/2 = 28.2 → 29, but there are only 22 detractors.
    assert detractors_to_convert(OURS, 50) == 3
    assert detractors_to_convert(OURS, 70) == 20
    assert detractors_to_convert(OURS, 80) is None


def test_negative_nps_needs_promoters_to_reach_zero() -> None:
    # 10/10/30 (n = 50, NPS −40): x ≥ (0 × 50 − 100 × (10 − 30))/100 = 20 → (30 − 30)/70 = 0.
    assert promoters_needed(nps_from_counts(10, 10, 30), 0) == 20


def test_already_there_unreachable_and_no_answers() -> None:
    assert promoters_needed(OURS, 40) == 0
    assert detractors_to_convert(OURS, 40) == 0
    assert promoters_needed(OURS, 100) is None  # a passive or detractor stays in n forever
    assert promoters_needed(nps_from_counts(7, 0, 0), 100) == 0
    assert promoters_needed(nps_from_counts(0, 0, 0), 10) is None


@pytest.mark.parametrize("target", [-30, 0, 12.5, 32, 50, 71.3, 99])
@pytest.mark.parametrize("counts", [(3, 2, 5), (45, 35, 20), (100, 46, 22), (1, 0, 9)])
def test_promoters_needed_is_the_smallest_number_that_works(
    counts: tuple[int, int, int], target: float
) -> None:
    result = nps_from_counts(*counts)
    p, _, d = counts
    x = promoters_needed(result, target)
    assert x is not None

    def reaches(k: int) -> bool:
        return 100 * Fraction(p + k - d, result.n + k) >= Fraction(target)

    assert reaches(x)
    assert x == 0 or not reaches(x - 1)


def test_what_it_takes_names_both_routes() -> None:
    assert what_it_takes(OURS, 50) == (
        "reaching 50 takes 12 more promoters (180 answers in all), "
        "or converting 3 of 22 detractors to promoters"
    )
    assert what_it_takes(OURS, 40) == "already at 40 or above"


def test_what_it_takes_when_only_one_route_or_none_works() -> None:
    # 5/0/3: 100 needs no detractors and no passives, so only converting all 3 reaches it.
    assert what_it_takes(nps_from_counts(5, 0, 3), 100) == (
        "reaching 100 takes converting 3 of 3 detractors to promoters"
    )
    assert what_it_takes(nps_from_counts(5, 1, 3), 100) == (
        "nothing short of every answer being a promoter reaches 100"
    )
    # 9/0/1 (n = 10, NPS 80) to 81: x ≥ (81 × 10 − 100 × 8)/19 = 10/19 = .53 → 1 (9/11 = 81.8);
    # converting: y ≥ (81 × 10/100 − 8)/2 = .05 → 1 (10/10 = 100).
    assert what_it_takes(nps_from_counts(9, 0, 1), 81) == (
        "reaching 81 takes 1 more promoter (11 answers in all), "
        "or converting 1 of 1 detractors to promoters"
    )
    assert what_it_takes(nps_from_counts(0, 0, 0), 50) == "no answers yet"


def test_satisfied_needed_worked_examples() -> None:
    # 90 of 100: 95% → x ≥ (9500 − 9000)/5 = 100 (190/200 = 95%).
    # 90.5% → x ≥ (9050 − 9000)/9.5 = 5.3 → 6 (96/106 = 90.57%; 95/105 = 90.48%).
    ours = csat_from_scores({5: 50, 4: 40, 2: 10})
    assert satisfied_needed(ours, 95) == 100
    assert satisfied_needed(ours, 90.5) == 6
    assert satisfied_needed(ours, 90) == 0
    assert satisfied_needed(ours, 100) is None
    assert what_it_takes(ours, 95) == (
        "reaching 95% takes 100 more satisfied answers (4 or 5; 200 answers in all)"
    )
    assert what_it_takes(csat_from_scores({5: 1, 3: 1}), 60) == (
        # 1 of 2: (1 + x)/(2 + x) ≥ .6 → x ≥ (120 − 100)/40 = .5 → 1 (2/3 = 66.7%).
        "reaching 60% takes 1 more satisfied answer (4 or 5; 3 answers in all)"
    )
