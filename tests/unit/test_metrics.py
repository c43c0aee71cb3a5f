"""Insight maths against worked examples computed by hand in the comments."""

from __future__ import annotations

import dataclasses

import pytest

from bot.insights.metrics import (
    CsatResult,
    Interval,
    NpsResult,
    csat_from_scores,
    nps_from_counts,
    nps_from_scores,
    response_rate,
    wilson_interval,
)


def _rounded(interval: Interval | None) -> tuple[float, float]:
    assert interval is not None
    return round(interval.low, 1), round(interval.high, 1)


def test_nps_worked_example_with_adjusted_wald_interval() -> None:
    # 45 promoters, 35 passives, 20 detractors (n = 100): NPS = 45% − 20% = 25.
    # n' = 103, p' = 45.75/103 = .44417, d' = 20.75/103 = .20146, centre = .24272;
    # var = (.44417 + .20146 − .24272²)/103 = .58672/103 = .0056963; sd = .075474;
    # margin = 1.96 × .075474 = .14793 → 9.48 to 39.06, i.e. 9.5 to 39.1.
    result = nps_from_counts(45, 35, 20)
    assert result.score == 25
    assert (result.n, result.promoters, result.passives, result.detractors) == (100, 45, 35, 20)
    assert result.adjusted_centre is not None
    assert round(result.adjusted_centre, 1) == 24.3
    assert _rounded(result.ci95) == (9.5, 39.1)


def test_all_promoters_score_100_with_the_interval_capped_at_100() -> None:
    # 10 promoters: n' = 13, p' = 10.75/13 = .82692, d' = .75/13 = .05769, centre = .76923;
    # var = (.88462 − .76923²)/13 = .29290/13 = .022531; margin = 1.96 × .15010 = .29420
    # → 47.5 to 106.3, and no NPS can exceed 100.
    result = nps_from_counts(10, 0, 0)
    assert result.score == 100
    assert result.adjusted_centre == pytest.approx(100 * 10 / 13)
    assert result.ci95 is not None
    assert result.ci95.high == 100
    assert round(result.ci95.low, 1) == 47.5


def test_all_detractors_are_capped_at_minus_100() -> None:
    # The mirror image of ten promoters: −106.3 clipped to −100, up to −47.5.
    result = nps_from_counts(0, 0, 10)
    assert result.score == -100
    assert result.ci95 is not None
    assert result.ci95.low == -100
    assert round(result.ci95.high, 1) == -47.5


def test_one_detractor_has_a_wide_interval() -> None:
    # n' = 4, p' = .75/4 = .1875, d' = 1.75/4 = .4375, centre = −.25;
    # var = (.625 − .0625)/4 = .140625, sd = .375; margin = 1.96 × .375 = .735
    # → −98.5 to +48.5: a single answer says almost nothing.
    result = nps_from_counts(0, 0, 1)
    assert result.score == -100
    assert result.n == 1
    assert result.adjusted_centre == pytest.approx(-25)
    assert _rounded(result.ci95) == (-98.5, 48.5)


def test_one_passive_is_a_score_of_zero_either_way() -> None:
    # n' = 4, p' = d' = .1875, centre = 0; var = .375/4 = .09375, sd = .30619;
    # margin = 1.96 × .30619 = .60013 → −60.0 to +60.0.
    result = nps_from_counts(0, 1, 0)
    assert result.score == 0
    assert result.adjusted_centre == pytest.approx(0)
    assert _rounded(result.ci95) == (-60.0, 60.0)


def test_no_answers_give_no_figures() -> None:
    assert nps_from_counts(0, 0, 0) == NpsResult(None, 0, 0, 0, 0, None, None)
    assert nps_from_scores({}) == NpsResult(None, 0, 0, 0, 0, None, None)


def test_a_wider_z_gives_a_wider_interval() -> None:
    # z = 2.576 (99%): margin = 2.576 × .075474 = .19442 around .24272 → 4.8 to 43.7.
    assert _rounded(nps_from_counts(45, 35, 20, z=2.576).ci95) == (4.8, 43.7)


def test_nps_from_scores_classifies_9_10_7_8_and_0_6() -> None:
    # Each class boundary on both sides: 9 and 10 promote, 7 and 8 are passive, 0 to 6 detract.
    result = nps_from_scores({10: 20, 9: 25, 8: 20, 7: 15, 6: 4, 3: 6, 0: 10})
    assert (result.promoters, result.passives, result.detractors) == (45, 35, 20)
    assert result == nps_from_counts(45, 35, 20)


def test_nps_from_scores_ignores_scores_with_zero_count() -> None:
    assert nps_from_scores({10: 3, 5: 0}).score == 100


@pytest.mark.parametrize(
    ("counts", "message"),
    [({11: 1}, "outside 0..10"), ({-1: 1}, "outside 0..10"), ({5: -2}, "negative")],
)
def test_nps_rejects_impossible_counts(counts: dict[int, int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        nps_from_scores(counts)


def test_nps_from_counts_rejects_negative_counts() -> None:
    with pytest.raises(ValueError, match="negative"):
        nps_from_counts(5, -1, 0)


def test_results_are_frozen() -> None:
    result = nps_from_counts(1, 0, 0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.score = 0  # type: ignore[misc]


def test_wilson_worked_example() -> None:
    # 81 of 100: p = .81, z² = 3.8416, denominator = 1 + z²/n = 1.038416;
    # centre = (.81 + 3.8416/200)/1.038416 = .829208/1.038416 = .79853;
    # margin = 1.96 × sqrt(.81 × .19/100 + 3.8416/40000)/1.038416
    #        = 1.96 × sqrt(.001539 + .000096)/1.038416 = 1.96 × .040436/1.038416 = .07632
    # → 72.22% to 87.49%, i.e. 72.2% to 87.5%.
    assert _rounded(wilson_interval(81, 100)) == (72.2, 87.5)


def test_wilson_second_worked_example() -> None:
    # 1 of 1: p = 1, denominator = 4.8416; centre = (1 + 1.9208)/4.8416 = .60327;
    # margin = 1.96 × sqrt(0 + .9604)/4.8416 = 1.96 × .98/4.8416 = .39673 → 20.7% to 100%.
    interval = wilson_interval(1, 1)
    assert interval is not None
    assert round(interval.low, 1) == 20.7
    assert interval.high == 100


def test_wilson_is_exactly_0_or_100_at_the_ends() -> None:
    # 0 of 10: low is 0 by construction; high = (.19208 + .19208)/1.38416 = 27.75%.
    none = wilson_interval(0, 10)
    assert none is not None
    assert none.low == 0
    assert round(none.high, 1) == 27.8
    # 10 of 10 is the mirror image, and the top is exactly 100, not 99.99999999999999.
    every = wilson_interval(10, 10)
    assert every is not None
    assert every.high == 100
    assert round(every.low, 1) == 72.2


def test_wilson_without_observations_or_with_impossible_counts() -> None:
    assert wilson_interval(0, 0) is None
    with pytest.raises(ValueError, match="between 0 and n"):
        wilson_interval(11, 10)
    with pytest.raises(ValueError, match="between 0 and n"):
        wilson_interval(-1, 10)
    with pytest.raises(ValueError, match="n cannot be negative"):
        wilson_interval(0, -1)


def test_csat_percent_mean_and_distribution() -> None:
    # 30 fives + 51 fours = 81 satisfied of 100 → 81%;
    # mean = (5×30 + 4×51 + 3×9 + 2×6 + 1×4)/100 = (150 + 204 + 27 + 12 + 4)/100 = 3.97.
    result = csat_from_scores({5: 30, 4: 51, 3: 9, 2: 6, 1: 4})
    assert result.score == 81
    assert (result.n, result.satisfied) == (100, 81)
    assert result.mean == pytest.approx(3.97)
    assert result.distribution == {1: 4, 2: 6, 3: 9, 4: 51, 5: 30}
    assert _rounded(result.ci95) == (72.2, 87.5)


def test_csat_fills_missing_scores_with_zero() -> None:
    # 3 of 4 satisfied = 75%; mean = (5 + 5 + 4 + 1)/4 = 3.75.
    result = csat_from_scores({5: 2, 4: 1, 1: 1})
    assert result.score == 75
    assert result.mean == pytest.approx(3.75)
    assert result.distribution == {1: 1, 2: 0, 3: 0, 4: 1, 5: 2}
    assert list(result.distribution) == [1, 2, 3, 4, 5]


def test_csat_without_answers() -> None:
    assert csat_from_scores({}) == CsatResult(
        None, 0, 0, None, None, {1: 0, 2: 0, 3: 0, 4: 0, 5: 0}
    )


@pytest.mark.parametrize(
    ("counts", "message"),
    [({0: 1}, "outside 1..5"), ({6: 1}, "outside 1..5"), ({3: -1}, "negative")],
)
def test_csat_rejects_impossible_counts(counts: dict[int, int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        csat_from_scores(counts)


def test_response_rate() -> None:
    assert response_rate(7, 10) == 70
    assert response_rate(1, 3) == pytest.approx(33.333, abs=0.001)
    assert response_rate(10, 10) == 100
    assert response_rate(0, 0) is None


@pytest.mark.parametrize(
    ("answered", "delivered", "message"),
    [(11, 10, "more answers"), (-1, 10, "negative"), (0, -1, "negative")],
)
def test_response_rate_rejects_impossible_counts(
    answered: int, delivered: int, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        response_rate(answered, delivered)
