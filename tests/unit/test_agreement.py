"""The agreement figures, against worked examples small enough to check by hand."""

from __future__ import annotations

import pytest

from bot.insights.agreement import (
    accuracy,
    confusion,
    macro_f1,
    mcnemar_exact,
    recall_by_class,
)

LABELS = ("positive", "neutral", "negative")
TRUTH = ["positive", "positive", "neutral", "negative", "negative", "negative"]
SAID = ["positive", "neutral", "neutral", "neutral", "negative", "positive"]


def test_accuracy_confusion_and_recall() -> None:
    assert accuracy(TRUTH, SAID) == pytest.approx(3 / 6)
    assert confusion(TRUTH, SAID, LABELS) == [[1, 1, 0], [0, 1, 0], [1, 1, 1]]
    assert recall_by_class(TRUTH, SAID, LABELS) == pytest.approx(
        {"positive": 0.5, "neutral": 1.0, "negative": 1 / 3}
    )


def test_macro_f1_weighs_each_class_equally() -> None:
    # positive: P=1/2 R=1/2 → 0.5; neutral: P=1/3 R=1 → 0.5; negative: P=1 R=1/3 → 0.5
    assert macro_f1(TRUTH, SAID, LABELS) == pytest.approx(0.5)
    everything_neutral = ["neutral"] * len(TRUTH)
    assert macro_f1(TRUTH, everything_neutral, LABELS) == pytest.approx((2 * 1 / 7) / 3)


def test_mcnemar_exact_counts_only_the_discordant_comments() -> None:
    truth = ["a"] * 10
    first = ["a"] * 3 + ["b"] * 6 + ["a"]  # right on 0–2 and 9
    second = ["b"] + ["a"] * 8 + ["b"]  # right on 1–8
    result = mcnemar_exact(truth, first, second)
    assert (result.only_first_right, result.only_second_right) == (2, 6)
    # two-sided binomial(8, ½) tail at 2: 2 × (1 + 8 + 28) / 256
    assert result.p_value == pytest.approx(2 * 37 / 256)


def test_mcnemar_without_disagreement_is_one() -> None:
    assert mcnemar_exact(["a", "b"], ["a", "a"], ["a", "a"]).p_value == 1.0
    assert mcnemar_exact(["a"] * 3, ["a"] * 3, ["b"] * 3).p_value == pytest.approx(0.25)


def test_mismatched_lengths_are_a_mistake() -> None:
    with pytest.raises(ValueError, match="2 true labels"):
        accuracy(["a", "b"], ["a"])
    with pytest.raises(ValueError, match="no labels"):
        accuracy([], [])
