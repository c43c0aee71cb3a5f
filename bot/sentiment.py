"""Sentiment of a customer's comment: polarity, subjectivity and a label (offline).

`score` is TextBlob's polarity. VADER alone and VADER-then-TextBlob (`score_combined`) were
measured against hand-labelled customer feedback (tests/data/sentiment_eval.csv, and a held-out
set written after the combination was fixed, tests/data/sentiment_holdout.csv); neither agreed
with people more often than TextBlob, and the differences were within chance (McNemar's exact
test), so the stored labels stay TextBlob's. benchmarks/bench_sentiment.py prints the figures;
a scorer that beats TextBlob there, on data it was not tuned on, can replace it here.

Both lexicons ship inside their packages. TextBlob's sentence and noun-phrase features need NLTK
corpora, which a server without internet cannot fetch, so only its `.sentiment` is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

from textblob import TextBlob
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

Label = Literal["positive", "neutral", "negative"]

# TextBlob averages the words it knows, so a mixed comment ("useful but slow") cancels out to a
# floating-point residue such as −2.8e−17; without a band around zero that residue would decide
# the label. ±0.05 is also VADER's documented neutral band, so the two scorers share thresholds
# and the combined scorer can hand over to TextBlob exactly where VADER would say "neutral".
POSITIVE_FROM = 0.05
NEGATIVE_FROM = -0.05


@dataclass(frozen=True)
class Sentiment:
    polarity: float  # −1..1
    subjectivity: float  # 0..1
    label: Label


NO_OPINION = Sentiment(0.0, 0.0, "neutral")


def label_for(polarity: float) -> Label:
    """The label for a polarity; both thresholds are inclusive."""
    if polarity >= POSITIVE_FROM:
        return "positive"
    if polarity <= NEGATIVE_FROM:
        return "negative"
    return "neutral"


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def _textblob(text: str) -> tuple[float, float]:
    polarity, subjectivity = TextBlob(text).sentiment
    # The lexicon clamps each word, but the result is a long floating-point average that drifts
    # (0.8000000000000013 for a long comment of 0.8s); clamping makes the ranges that storage
    # and charts rely on a guarantee rather than a likelihood.
    return _clamp(float(polarity), -1.0, 1.0), _clamp(float(subjectivity), 0.0, 1.0)


# VADER scores "please" +1.3, so every polite request ("please add dark mode") reads as praise;
# in feedback it marks a request, not an opinion. Found on the evaluation set and confirmed on the
# held-out one (VADER's neutral recall 0.53 → 0.67 there).
_NOT_OPINIONS = ("please",)


@cache
def vader_analyzer() -> SentimentIntensityAnalyzer:
    """One analyzer per process: building it reads two lexicon files (about 10 ms)."""
    analyzer = SentimentIntensityAnalyzer()
    for word in _NOT_OPINIONS:
        analyzer.lexicon.pop(word, None)
    return analyzer


def _vader_compound(text: str) -> float:
    compound = float(vader_analyzer().polarity_scores(text)["compound"])
    return _clamp(compound, -1.0, 1.0)


def score_textblob(text: str) -> Sentiment:
    """TextBlob alone: the average polarity of the words its lexicon knows."""
    if not text.strip():
        return NO_OPINION
    polarity, subjectivity = _textblob(text)
    return Sentiment(polarity, subjectivity, label_for(polarity))


def score_vader(text: str) -> Sentiment:
    """VADER alone: its normalised compound score. VADER has no subjectivity, so TextBlob's is
    kept, which keeps the stored column meaning the same thing whichever scorer labelled it."""
    if not text.strip():
        return NO_OPINION
    compound = _vader_compound(text)
    _, subjectivity = _textblob(text)
    return Sentiment(compound, subjectivity, label_for(compound))


def score_combined(text: str) -> Sentiment:
    """VADER where it sees an opinion (outside the neutral band), else TextBlob's polarity, which
    knows some adjectives VADER lacks ("slow", "confusing")."""
    if not text.strip():
        return NO_OPINION
    compound = _vader_compound(text)
    polarity, subjectivity = _textblob(text)
    if label_for(compound) != "neutral":
        polarity = compound
    return Sentiment(polarity, subjectivity, label_for(polarity))


def score(text: str) -> Sentiment:
    """Score a comment with the scorer that agreed best with people; blank text is neutral with
    no opinion in it."""
    return score_textblob(text)
