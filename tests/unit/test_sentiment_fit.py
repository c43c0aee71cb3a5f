"""The maths that fits and checks the sentiment blend, against worked examples."""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from bot.insights.sentiment import score_textblob, shipped_vader
from bot.insights.sentiment_blend import SHIPPED_WEIGHTS
from bot.insights.sentiment_fit import (
    RATING_SCALE,
    agreement_with_labels,
    agreement_with_ratings,
    cross_validated,
    cross_validated_agreement,
    features,
    fit_weights,
    folds,
    least_squares,
)


def test_least_squares_recovers_an_exact_linear_relation() -> None:
    rows = [(x, y, 1.0) for x, y in [(0, 0), (1, 0), (0, 1), (2, 3), (-1, 4)]]
    targets = [0.5 * x - 0.25 * y + 0.1 for x, y, _ in rows]
    assert least_squares(rows, targets) == pytest.approx([0.5, -0.25, 0.1])


def test_least_squares_fits_a_line_through_noisy_points_by_hand() -> None:
    # y = 1, 2, 2 at x = 0, 1, 2: slope 0.5, intercept 7/6 (the textbook normal equations).
    assert least_squares([(0, 1), (1, 1), (2, 1)], [1, 2, 2]) == pytest.approx([0.5, 7 / 6])


def test_least_squares_refuses_dependent_features() -> None:
    with pytest.raises(ValueError, match="linearly dependent"):
        least_squares([(1, 2), (2, 4), (3, 6)], [1, 2, 3])
    with pytest.raises(ValueError, match="rows"):
        least_squares([(1, 2)], [1, 2])


def test_folds_deal_every_index_once_in_near_equal_folds() -> None:
    dealt = folds(103, 10, seed=3)
    assert sorted(i for fold in dealt for i in fold) == list(range(103))
    assert {len(fold) for fold in dealt} == {10, 11}
    assert dealt == folds(103, 10, seed=3)  # the seed makes it repeatable
    assert dealt != folds(103, 10, seed=4)
    with pytest.raises(ValueError, match="folds"):
        folds(5, 10, seed=0)


def test_cross_validation_never_predicts_an_item_from_a_fit_that_saw_it() -> None:
    def fit(rows: Sequence[int]) -> Callable[[int], float]:
        seen = set(rows)
        return lambda i: 1.0 if i in seen else 0.0

    assert cross_validated(50, fit, k=5, seed=1) == [0.0] * 50


def test_agreement_with_ratings_puts_ratings_over_four_in_the_same_band() -> None:
    # Ratings 2, −2 and 0.1 are +0.5, −0.5 and +0.025 (neutral) on the scorer's scale.
    assert agreement_with_ratings([0.3, -0.3, 0.3], [2.0, -2.0, 0.1]).accuracy == 2 / 3
    assert agreement_with_ratings([0.3, -0.3, 0.0], [2.0, -2.0, 0.1]).accuracy == 1.0
    perfect = agreement_with_ratings([0.5, -0.5, 0.0], [2.0, -2.0, 0.0])
    assert (perfect.pearson_r, perfect.accuracy) == (pytest.approx(1.0), 1.0)


def test_agreement_with_labels_reads_labels_as_plus_one_zero_minus_one() -> None:
    result = agreement_with_labels([0.9, 0.0, -0.2, 0.01], ["positive", "neutral", "negative",
                                                            "positive"])
    assert result.accuracy == 0.75
    expected = [1.0, 0.0, -1.0, 1.0]
    said = [0.9, 0.0, -0.2, 0.01]
    mx, my = sum(said) / 4, sum(expected) / 4
    cov = sum((a - mx) * (b - my) for a, b in zip(said, expected, strict=True))
    var = math.sqrt(sum((a - mx) ** 2 for a in said) * sum((b - my) ** 2 for b in expected))
    assert result.pearson_r == pytest.approx(cov / var)


# The human-rated development set lives beside the repository (shared/), never in it.
DEV = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "sentiment-dev"
needs_dev = pytest.mark.skipif(
    not (DEV / "tweets-dev.tsv").is_file(), reason=f"the development set is not at {DEV}"
)


def _dev() -> tuple[list[str], list[float]]:
    with (DEV / "tweets-dev.tsv").open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file, delimiter="\t"))
    return [row["text"] for row in rows], [float(row["mean_rating"]) for row in rows]


@needs_dev
def test_the_shipped_weights_are_what_the_fit_gives_today() -> None:
    # A change to the rules or a lexicon upgrade moves the fit: run benchmarks/fit_sentiment.py
    # and paste its line into bot/insights/sentiment_blend.py.
    texts, ratings = _dev()
    found = features(texts)
    fitted = fit_weights(found, [r / RATING_SCALE for r in ratings], range(len(texts)))
    shipped = SHIPPED_WEIGHTS
    assert (fitted.vader, fitted.textblob, fitted.intercept) == pytest.approx(
        (shipped.vader, shipped.textblob, shipped.intercept), abs=5e-5
    )


@needs_dev
def test_cross_validated_the_blend_agrees_with_people_better_than_vader_or_textblob() -> None:
    texts, ratings = _dev()
    blend_cv, _ = cross_validated_agreement(features(texts), ratings, k=10, repeats=2)
    vader = agreement_with_ratings(
        [float(shipped_vader().polarity_scores(t)["compound"]) for t in texts], ratings
    )
    textblob = agreement_with_ratings([score_textblob(t).polarity for t in texts], ratings)
    for alone in (vader, textblob):
        assert blend_cv.pearson_r > alone.pearson_r
        assert blend_cv.accuracy > alone.accuracy
