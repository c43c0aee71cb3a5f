"""Insight maths against worked examples."""

from __future__ import annotations

import pytest

from bot.insights.metrics import (
    csat_from_scores,
    nps_from_counts,
    nps_from_scores,
    response_rate,
    wilson_interval,
)


def test_nps_worked_example_with_adjusted_wald_interval() -> None:
    # 45 promoters, 35 passives, 20 detractors (n = 100): NPS 25.
    # n' = 103, p' = 45.75/103 = .4442, d' = 20.75/103 = .2015, centre = .2427;
    # var = (.4442 + .2015 − .2427²)/103 = .005696; margin = 1.96 × .07547 = .1479.
    result = nps_from_counts(45, 35, 20)
    assert result.score == 25
    assert result.n == 100
    assert result.adjusted_centre == pytest.approx(24.3, abs=0.05)
    assert result.ci95 is not None
    assert round(result.ci95.low, 1) == 9.5
    assert round(result.ci95.high, 1) == 39.1


def test_nps_from_scores_classifies_9_10_7_8_and_0_6() -> None:
    result = nps_from_scores({10: 20, 9: 25, 8: 20, 7: 15, 6: 10, 0: 10})
    assert (result.promoters, result.passives, result.detractors) == (45, 35, 20)
    assert result.score == 25


def test_all_promoters_stay_capped_at_100() -> None:
    result = nps_from_counts(10, 0, 0)
    assert result.score == 100
    assert result.ci95 is not None
    assert result.ci95.high == 100
    assert 0 < result.ci95.low < 100


def test_one_detractor_has_a_wide_interval() -> None:
    # n' = 4, p' = .1875, d' = .4375, centre = −.25; var = (.625 − .0625)/4 = .1406,
    # margin = 1.96 × .375 = .735 → −98.5 to +48.5: one answer says almost nothing.
    result = nps_from_counts(0, 0, 1)
    assert result.score == -100
    assert result.adjusted_centre == pytest.approx(-25)
    assert result.ci95 is not None
    assert round(result.ci95.low, 1) == -98.5
    assert round(result.ci95.high, 1) == 48.5


def test_no_answers_give_no_figures() -> None:
    result = nps_from_scores({})
    assert (result.score, result.n, result.ci95) == (None, 0, None)


@pytest.mark.parametrize("counts", [{11: 1}, {-1: 1}, {5: -2}])
def test_nps_rejects_impossible_counts(counts: dict[int, int]) -> None:
    with pytest.raises(ValueError, match=r"score|negative"):
        nps_from_scores(counts)


def test_wilson_worked_example() -> None:
    # 81 of 100: p = .81, z² = 3.8415; centre = (.81 + .019207)/1.038415 = .79854;
    # margin = 1.96 × sqrt(.001539 + .00009604)/1.038415 = .07633 → 72.2% to 87.5%.
    interval = wilson_interval(81, 100)
    assert interval is not None
    assert round(interval.low, 1) == 72.2
    assert round(interval.high, 1) == 87.5


def test_wilson_edges() -> None:
    assert wilson_interval(0, 0) is None
    zero = wilson_interval(0, 10)
    assert zero is not None
    assert zero.low == 0
    assert zero.high > 0
    with pytest.raises(ValueError, match="between"):
        wilson_interval(11, 10)


def test_csat_percent_mean_and_distribution() -> None:
    result = csat_from_scores({5: 30, 4: 51, 3: 9, 2: 6, 1: 4})
    assert result.score == 81
    assert result.satisfied == 81
    assert result.mean == pytest.approx((150 + 204 + 27 + 12 + 4) / 100)
    assert result.distribution == {1: 4, 2: 6, 3: 9, 4: 51, 5: 30}
    assert result.ci95 == wilson_interval(81, 100)


def test_csat_without_answers_and_out_of_scale() -> None:
    empty = csat_from_scores({})
    assert (empty.score, empty.mean, empty.ci95) == (None, None, None)
    assert empty.distribution == {1: 0, 2: 0, 3: 0, 4: 0, 5: 0}
    with pytest.raises(ValueError, match="outside"):
        csat_from_scores({0: 1})


def test_response_rate() -> None:
    assert response_rate(7, 10) == 70
    assert response_rate(0, 0) is None
    with pytest.raises(ValueError, match="more answers"):
        response_rate(11, 10)
