"""Sentiment of a customer's comment: polarity, subjectivity and a label (TextBlob, offline)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from textblob import TextBlob

Label = Literal["positive", "neutral", "negative"]

# TextBlob gives many plain requests a small non-zero polarity ("please add X" → 0.0 to ±0.05);
# a band around zero keeps those neutral instead of calling them opinions.
POSITIVE_FROM = 0.05
NEGATIVE_FROM = -0.05


@dataclass(frozen=True)
class Sentiment:
    polarity: float  # −1..1
    subjectivity: float  # 0..1
    label: Label


def label_for(polarity: float) -> Label:
    if polarity >= POSITIVE_FROM:
        return "positive"
    if polarity <= NEGATIVE_FROM:
        return "negative"
    return "neutral"


def score(text: str) -> Sentiment:
    """Score a comment. Only TextBlob's lexicon is used: it ships with the package, no download."""
    if not text.strip():
        return Sentiment(0.0, 0.0, "neutral")
    polarity, subjectivity = TextBlob(text).sentiment
    polarity = max(-1.0, min(1.0, float(polarity)))
    return Sentiment(polarity, max(0.0, min(1.0, float(subjectivity))), label_for(polarity))
