"""Sentiment runs offline on TextBlob's bundled lexicon."""

from __future__ import annotations

import pytest

from bot import sentiment


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Support was excellent and really fast, thank you!", "positive"),
        ("Great product, I love the new dashboard", "positive"),
        ("The invoices are terrible and wrong", "negative"),
        ("Onboarding was slow and confusing", "negative"),
        ("Please add an export to CSV", "neutral"),
        ("", "neutral"),
        ("   \n ", "neutral"),
    ],
)
def test_labels(text: str, label: str) -> None:
    assert sentiment.score(text).label == label


def test_ranges_and_long_unicode_text() -> None:
    result = sentiment.score("Très bien 👍 but the app crashes. " * 300)  # ~10,000 characters
    assert -1 <= result.polarity <= 1
    assert 0 <= result.subjectivity <= 1


def test_label_boundaries() -> None:
    assert sentiment.label_for(sentiment.POSITIVE_FROM) == "positive"
    assert sentiment.label_for(sentiment.NEGATIVE_FROM) == "negative"
    assert sentiment.label_for(0.0) == "neutral"
    assert sentiment.label_for(0.049) == "neutral"
