"""Sentiment of a customer's comment: polarity, subjectivity and a label (TextBlob, offline).

Only TextBlob's `.sentiment` is used: its PatternAnalyzer lexicon ships inside the package. The
sentence and noun-phrase features need NLTK corpora, which a server without internet cannot fetch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from textblob import TextBlob

Label = Literal["positive", "neutral", "negative"]

# TextBlob averages the words it knows, so a mixed comment ("useful but slow") cancels out to a
# floating-point residue such as −2.8e−17; without a band around zero that residue would decide
# the label. ±0.05 is also VADER's documented neutral band, so the two scorers can share
# thresholds when they are combined.
POSITIVE_FROM = 0.05
NEGATIVE_FROM = -0.05


@dataclass(frozen=True)
class Sentiment:
    polarity: float  # −1..1
    subjectivity: float  # 0..1
    label: Label


def label_for(polarity: float) -> Label:
    """The label for a polarity; both thresholds are inclusive."""
    if polarity >= POSITIVE_FROM:
        return "positive"
    if polarity <= NEGATIVE_FROM:
        return "negative"
    return "neutral"


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def score(text: str) -> Sentiment:
    """Score a comment; blank text is neutral with no opinion in it."""
    if not text.strip():
        return Sentiment(0.0, 0.0, "neutral")
    polarity, subjectivity = TextBlob(text).sentiment
    # The lexicon clamps each word, but the result is a long floating-point average that drifts
    # (0.8000000000000013 for a long comment of 0.8s); clamping makes the ranges that storage
    # and charts rely on a guarantee rather than a likelihood.
    polarity = _clamp(float(polarity), -1.0, 1.0)
    return Sentiment(polarity, _clamp(float(subjectivity), 0.0, 1.0), label_for(polarity))
