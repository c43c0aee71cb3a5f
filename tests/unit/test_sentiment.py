"""Sentiment runs offline on TextBlob's bundled lexicon.

Expected polarities are what TextBlob's PatternAnalyzer gives today; they pin the lexicon, so an
upgrade that changes scoring fails here rather than silently relabelling stored comments.
"""

from __future__ import annotations

import math

import pytest

from bot import sentiment
from bot.sentiment import Sentiment


@pytest.mark.parametrize(
    ("text", "polarity", "label"),
    [
        ("Support was excellent and really fast, thank you!", 0.625, "positive"),
        ("The invoices are terrible and wrong", -0.75, "negative"),
        ("Onboarding was slow and confusing", -0.3, "negative"),
        ("not good", -0.35, "negative"),  # negation flips "good" (0.7) and halves it
        ("Please add an export to CSV", 0.0, "neutral"),
        ("Where do I change my email?", 0.0, "neutral"),
    ],
)
def test_clear_comments(text: str, polarity: float, label: str) -> None:
    result = sentiment.score(text)
    assert result.polarity == pytest.approx(polarity)
    assert result.label == label


def test_mixed_comment_cancels_to_neutral_despite_float_residue() -> None:
    # good (+0.7) and bad (−0.7) average to 5.6e−17, not 0: without the neutral band this
    # comment would be labelled positive, and "useful but slow" (−2.8e−17) negative.
    mixed = sentiment.score("The app is good but support is bad")
    assert mixed.polarity != 0
    assert abs(mixed.polarity) < 1e-12
    assert mixed.label == "neutral"
    assert sentiment.score("Useful but slow").label == "neutral"


@pytest.mark.parametrize("text", ["", "   ", "\n\t \n"])
def test_blank_text_is_neutral_with_no_opinion(text: str) -> None:
    assert sentiment.score(text) == Sentiment(0.0, 0.0, "neutral")


def test_ten_thousand_characters() -> None:
    text = ("The dashboard is great and support is helpful. " * 213)[:10_000]
    assert len(text) == 10_000
    result = sentiment.score(text)
    assert result.polarity == pytest.approx(0.8)
    assert result.subjectivity == pytest.approx(0.75)
    assert result.label == "positive"
    assert -1 <= result.polarity <= 1


def test_ten_thousand_characters_without_words_it_knows() -> None:
    assert sentiment.score("x" * 10_000) == Sentiment(0.0, 0.0, "neutral")


@pytest.mark.parametrize(
    ("text", "polarity", "label"),
    [
        ("The dashboard is great 😀 — très bien!", 1.0, "positive"),  # "!" intensifies great
        ("Terrible 😡 support, nothing works", -1.0, "negative"),
        ("Naïve café résumé — awesome!", 1.0, "positive"),
        # No English words: the lexicon has no opinion, which is not the same as a bad score.
        ("Merci beaucoup 🎉😀", 0.0, "neutral"),
        ("日本語のテキスト", 0.0, "neutral"),
        (":(", -0.75, "negative"),  # emoticons are in the lexicon; emoji are not
    ],
)
def test_unicode_emoji_and_emoticons(text: str, polarity: float, label: str) -> None:
    result = sentiment.score(text)
    assert result.polarity == pytest.approx(polarity)
    assert result.label == label
    assert 0 <= result.subjectivity <= 1


@pytest.mark.parametrize(
    ("polarity", "label"),
    [
        (sentiment.POSITIVE_FROM, "positive"),
        (math.nextafter(sentiment.POSITIVE_FROM, 0), "neutral"),
        (sentiment.NEGATIVE_FROM, "negative"),
        (math.nextafter(sentiment.NEGATIVE_FROM, 0), "neutral"),
        (0.0, "neutral"),
        (1.0, "positive"),
        (-1.0, "negative"),
    ],
)
def test_label_boundaries(polarity: float, label: str) -> None:
    assert sentiment.label_for(polarity) == label


def test_thresholds_are_the_documented_band() -> None:
    assert (sentiment.NEGATIVE_FROM, sentiment.POSITIVE_FROM) == (-0.05, 0.05)
