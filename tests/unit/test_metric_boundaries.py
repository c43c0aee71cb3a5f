"""The metrics, the engagement map and the follow-up lines at their edges: scores −1/0/10/11 and
0/1/5/6, each class line from both sides, intervals exactly at 0% and 100%, refusals word for
word."""

from __future__ import annotations

import pytest

from bot.insights.engagement import (
    Loyalty,
    Standing,
    is_promoter,
    loyalty_of,
    promoters_retained_share,
)
from bot.insights.followups import STRONGLY_NEGATIVE_POLARITY, is_strongly_negative
from bot.insights.metrics import (
    csat_from_scores,
    nps_class,
    nps_from_counts,
    nps_from_scores,
    response_rate,
    wilson_interval,
)


@pytest.mark.parametrize(
    ("score", "label"),
    [(0, "detractor"), (6, "detractor"), (7, "passive"), (8, "passive"), (9, "promoter"),
     (10, "promoter")],
)
def test_nps_classes_on_both_sides_of_each_line(score: int, label: str) -> None:
    assert nps_class(score) == label


@pytest.mark.parametrize("score", [-1, 11])
def test_an_nps_answer_outside_0_to_10_has_no_class(score: int) -> None:
    with pytest.raises(ValueError, match=rf"^an NPS answer is 0–10, not {score}$"):
        nps_class(score)


def test_nps_counts_accept_0_and_10_and_refuse_minus_1_and_11() -> None:
    assert nps_from_scores({0: 1, 10: 1}).score == 0
    for score in (-1, 11):
        with pytest.raises(ValueError, match=rf"^score {score} is outside 0\.\.10$"):
            nps_from_scores({score: 1})


def test_csat_counts_accept_1_and_5_and_refuse_0_and_6() -> None:
    assert csat_from_scores({1: 1, 5: 1}).score == 50
    for score in (0, 6):
        with pytest.raises(ValueError, match=rf"^score {score} is outside 1\.\.5$"):
            csat_from_scores({score: 1})


@pytest.mark.parametrize("counts", [(-1, 0, 0), (0, -1, 0), (0, 0, -1)])
def test_no_class_may_be_counted_below_zero(counts: tuple[int, int, int]) -> None:
    with pytest.raises(ValueError, match=r"^counts cannot be negative$"):
        nps_from_counts(*counts)


def test_refusals_say_exactly_what_is_wrong() -> None:
    with pytest.raises(ValueError, match=r"^n cannot be negative$"):
        wilson_interval(0, -1)
    with pytest.raises(ValueError, match=r"^counts cannot be negative$"):
        response_rate(-1, 3)
    with pytest.raises(ValueError, match=r"^count for score 5 is negative: -2$"):
        nps_from_scores({5: -2})


def test_the_chosen_z_reaches_the_interval_from_scores_too() -> None:
    # Counts per score and counts per class give the same interval at any z.
    assert nps_from_scores({10: 45, 8: 35, 2: 20}, z=2.576) == nps_from_counts(45, 35, 20, z=2.576)
    csat = csat_from_scores({5: 81, 1: 19}, z=2.576)
    assert csat.ci95 == wilson_interval(81, 100, z=2.576)
    assert csat.ci95 != wilson_interval(81, 100)


def test_wilson_is_exactly_0_and_100_where_floats_would_miss() -> None:
    # Computed, 0 of 11 gives a low end of 2.8e-15% and 6 of 6 a high end of 99.99999999999999%:
    # the ends are set, not computed, so "0%" and "100%" print as such.
    none = wilson_interval(0, 11)
    every = wilson_interval(6, 6)
    assert none is not None
    assert every is not None
    assert none.low == 0.0
    assert every.high == 100.0


def test_wilson_can_start_below_one_percent() -> None:
    # 1 of 200: p = .005, z²/n = .019208; centre = (.005 + .009604)/1.019208 = .014329;
    # margin = 1.96 × √(.005 × .995/200 + 3.8416/160000)/1.019208 = .013447 → 0.09% to 2.78%.
    interval = wilson_interval(1, 200)
    assert interval is not None
    assert round(interval.low, 2) == 0.09
    assert round(interval.high, 2) == 2.78


def _passive(before: int | None) -> Standing:
    return Standing(latest_nps=8, nps_before=before, latest_csat=None,
                    answered_previous_period=True, answered_this_period=True)


@pytest.mark.parametrize(
    ("before", "loyalty"),
    [(6, Loyalty.LOW), (7, Loyalty.HIGH), (8, Loyalty.HIGH), (None, Loyalty.LOW)],
)
def test_a_passive_stayed_when_their_answer_before_was_7_or_more(
    before: int | None, loyalty: Loyalty
) -> None:
    assert loyalty_of(_passive(before)) is loyalty


@pytest.mark.parametrize(("score", "promoter"),
                         [(None, False), (0, False), (8, False), (9, True), (10, True)])
def test_a_promoter_answered_9_or_10(score: int | None, promoter: bool) -> None:
    assert is_promoter(score) is promoter


def test_promoters_retained_share_is_the_share_of_last_periods_promoters() -> None:
    assert promoters_retained_share(4, 2) == 50
    assert promoters_retained_share(4, 0) == 0
    assert promoters_retained_share(0, 0) is None


def test_a_comment_is_strongly_negative_from_exactly_the_line() -> None:
    line = STRONGLY_NEGATIVE_POLARITY
    assert line == -0.35
    assert is_strongly_negative("negative", line)
    assert is_strongly_negative("negative", line - 1e-9)
    assert not is_strongly_negative("negative", line + 1e-9)
