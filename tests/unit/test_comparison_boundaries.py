"""Comparisons at their edges: half a point, an interval touching 0 or the reference, n = 0 and 1,
and every field of what a comparison returns."""

from __future__ import annotations

from fractions import Fraction

import pytest

from bot.insights.comparison import (
    Change,
    Direction,
    Gap,
    Position,
    csat_change,
    detractors_to_convert,
    gap_to,
    nps_change,
    satisfied_needed,
)
from bot.insights.metrics import csat_from_scores, nps_from_counts

NONE_YET = nps_from_counts(0, 0, 0)
SOME = nps_from_counts(5, 3, 2)  # NPS 30
NO_CSAT = csat_from_scores({})
SOME_CSAT = csat_from_scores({5: 3, 2: 1})  # 75%


def test_a_missing_period_is_named_and_the_figures_that_exist_are_kept() -> None:
    assert nps_change(SOME, NONE_YET) == Change(
        "nps", 30, None, None, None, False, None, "no earlier answers to compare"
    )
    assert nps_change(NONE_YET, SOME) == Change(
        "nps", None, 30, None, None, False, None, "no answers yet this period"
    )
    assert csat_change(SOME_CSAT, NO_CSAT) == Change(
        "csat_pct", 75, None, None, None, False, None, "no earlier answers to compare"
    )
    assert csat_change(NO_CSAT, SOME_CSAT) == Change(
        "csat_pct", None, 75, None, None, False, None, "no answers yet this period"
    )


def test_a_change_carries_its_metric_and_both_figures() -> None:
    nps = nps_change(nps_from_counts(60, 25, 15), nps_from_counts(40, 30, 30))
    csat = csat_change(csat_from_scores({5: 9, 1: 1}), csat_from_scores({5: 8, 1: 2}))
    assert (nps.metric, nps.current, nps.previous) == ("nps", 45, 10)
    assert (csat.metric, csat.current, csat.previous) == ("csat_pct", 90, 80)


def test_a_change_built_without_a_reason_still_reads() -> None:
    assert Change("nps", None, None, None, None, False, None).describe() == "nothing to compare"


# Figures are shown in whole points, and Python rounds half to even: a difference of exactly
# half a point prints as 0, so it reads as flat (and level), never "up 0 points".
@pytest.mark.parametrize(
    ("now", "before", "difference", "described"),
    [
        ((51, 99, 50), (50, 100, 50), 0.5, "flat, within the margin of error"),
        ((50, 100, 50), (51, 99, 50), -0.5, "flat, within the margin of error"),
        ((52, 98, 50), (50, 100, 50), 1.0, "up 1 point, within the margin of error"),
        ((53, 97, 50), (50, 100, 50), 1.5, "up 2 points, within the margin of error"),
        ((50, 100, 50), (52, 98, 50), -1.0, "down 1 point, within the margin of error"),
    ],
)
def test_half_a_point_is_flat_and_one_point_is_a_change(
    now: tuple[int, int, int], before: tuple[int, int, int], difference: float, described: str
) -> None:
    change = nps_change(nps_from_counts(*now), nps_from_counts(*before))
    assert change.difference == difference
    assert change.describe() == described


def test_flat_and_beyond_the_margin_can_both_be_true() -> None:
    # 80.4% against 80.0% of a million answers each: 0.4 points prints as 0, yet the Wilson
    # intervals are ±0.08 points wide, so the difference is real.
    change = csat_change(csat_from_scores({5: 804_000, 1: 196_000}),
                         csat_from_scores({5: 800_000, 1: 200_000}))
    assert change.direction is Direction.FLAT
    assert change.significant
    assert change.describe() == "flat, beyond the margin of error (95%)"


def test_an_nps_interval_just_above_0_is_beyond_the_margin() -> None:
    # 35/60/5 (NPS 30) against 40/30/30 (NPS 10), n = 100 each: +20, interval +0.08 to +39.6.
    change = nps_change(nps_from_counts(35, 60, 5), nps_from_counts(40, 30, 30))
    assert change.ci95 is not None
    assert 0 < change.ci95.low < 0.1
    assert change.significant


def test_an_nps_interval_ending_just_above_0_is_within_the_margin() -> None:
    # 7/77/16 (NPS −9) against 40/30/30 (NPS 10): −19, interval −38.0 to +0.03.
    change = nps_change(nps_from_counts(7, 77, 16), nps_from_counts(40, 30, 30))
    assert change.ci95 is not None
    assert 0 < change.ci95.high < 0.1
    assert not change.significant


def test_a_csat_interval_ending_just_above_0_is_within_the_margin() -> None:
    # 68 of 100 against 80 of 100: −12 points, Newcombe interval up to +0.18.
    change = csat_change(csat_from_scores({5: 68, 1: 32}), csat_from_scores({5: 80, 1: 20}))
    assert change.ci95 is not None
    assert 0 < change.ci95.high < 0.2
    assert not change.significant


def test_a_gap_carries_its_metric_value_and_reference() -> None:
    assert gap_to(SOME, 32, label="the average") == Gap(
        "nps", 30, 32, "the average", -2, Position.BELOW, False
    )
    assert gap_to(NONE_YET, 32, label="the average") == Gap(
        "nps", None, 32, "the average", None, None, False
    )
    assert gap_to(NO_CSAT, 78, label="the average") == Gap(
        "csat_pct", None, 78, "the average", None, None, False
    )


def test_a_gap_of_half_a_point_is_level_and_under_a_point_still_counts_as_one() -> None:
    assert gap_to(nps_from_counts(51, 99, 50), 0, label="x").position is Position.LEVEL
    assert gap_to(nps_from_counts(50, 100, 50), 0.5, label="x").position is Position.LEVEL
    above = gap_to(SOME, 29.2, label="x")  # 0.8 above
    assert above.position is Position.ABOVE
    assert above.describe() == "1 point above x (29.2), within the margin of error"


def test_a_reference_on_the_edge_of_our_interval_is_within_the_margin() -> None:
    nobody = csat_from_scores({1: 5})  # 0%: Wilson runs from exactly 0%
    everybody = csat_from_scores({5: 5})  # 100%: up to exactly 100%
    promoters = nps_from_counts(10, 0, 0)  # NPS 100, its interval clipped at exactly 100
    assert not gap_to(nobody, 0, label="x").beyond_margin
    assert not gap_to(everybody, 100, label="x").beyond_margin
    assert not gap_to(promoters, 100, label="x").beyond_margin
    assert gap_to(csat_from_scores({5: 4, 1: 1}), 100, label="x").beyond_margin


@pytest.mark.parametrize(
    ("reference", "shown"),
    [(0.5, "0.5"), (-1, "\u22121"), (-0.02, "0"), (0.02, "0"), (12, "12"), (-12.5, "\u221212.5")],
)
def test_a_reference_is_written_as_people_read_it(reference: float, shown: str) -> None:
    # A whole figure without decimals, a real minus sign, and never "−0".
    assert f"({shown})" in gap_to(SOME, reference, label="x").describe()


def test_no_answers_and_one_answer_at_the_targets() -> None:
    assert detractors_to_convert(NONE_YET, 10) is None
    assert satisfied_needed(NO_CSAT, 10) is None
    # One detractor (NPS −100): converting them reaches 0; one more satisfied answer makes
    # one unhappy answer in two, 50%.
    assert detractors_to_convert(nps_from_counts(0, 0, 1), 0) == 1
    assert satisfied_needed(csat_from_scores({1: 1}), 50) == 1


@pytest.mark.parametrize("target", [-30, 0, 12.5, 32, 50, 70])
@pytest.mark.parametrize("counts", [(3, 2, 5), (45, 35, 20), (100, 46, 22), (400, 300, 300)])
def test_detractors_to_convert_is_the_smallest_number_that_works(
    counts: tuple[int, int, int], target: float
) -> None:
    p, _, d = counts
    result = nps_from_counts(*counts)
    y = detractors_to_convert(result, target)

    def reaches(k: int) -> bool:
        return 100 * Fraction(p + k - (d - k), result.n) >= Fraction(target)

    if y is None:
        assert not reaches(d)  # converting every detractor is not enough
    else:
        assert reaches(y)
        assert y == 0 or not reaches(y - 1)
