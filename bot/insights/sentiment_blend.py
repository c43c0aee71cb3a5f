"""The shipped sentiment scorer: VADER read with customers' words, blended with TextBlob.

    polarity = w_vader · vader + w_textblob · textblob + intercept   (clamped to −1..1)

- `vader` is VADER's compound over the comment as `sentiment_rules` marks it: customers' words
  and phrases added to its lexicon, "please" and "support" taken out. VADER's own rules then
  apply to them (negation, "but", capitals, "!").
- `textblob` is TextBlob's polarity, with VADER's "but" rule: the clause after "but" weighs
  three times the clause before (TextBlob alone averages them, so "good but useless" cancels).
- The weights are least squares against the mean human rating (−4..+4 divided by 4) of the
  1,000 human-rated texts in ../shared/data/sentiment-dev, fitted by benchmarks/fit_sentiment.py,
  which also prints their 10-fold cross-validated agreement; they are constants here, not
  fitted at run time. A comment in which neither lexicon finds a word it knows has no opinion
  in it and scores 0.

Both lexicons ship inside their packages; nothing is downloaded. TextBlob's `.sentiment` is the
only part of it used (its sentence and noun-phrase features need NLTK corpora).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from textblob.en import sentiment as pattern_sentiment
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from bot.insights.sentiment_rules import (
    CUSTOMER_WORDS,
    NOT_OPINIONS,
    contrast_clauses,
    mark_phrases,
    phrase_lexicon,
    weigh_contrast,
)


@dataclass(frozen=True)
class BlendWeights:
    vader: float
    textblob: float
    intercept: float


# Fitted by benchmarks/fit_sentiment.py on the development set (see the module docstring).
SHIPPED_WEIGHTS = BlendWeights(vader=0.5401, textblob=0.1542, intercept=-0.0408)


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


@cache
def customer_vader() -> SentimentIntensityAnalyzer:
    """VADER with customers' words and phrases; built once per process (about 10 ms)."""
    analyzer = SentimentIntensityAnalyzer()
    for word in NOT_OPINIONS:
        analyzer.lexicon.pop(word, None)
    analyzer.lexicon.update(CUSTOMER_WORDS)
    analyzer.lexicon.update(phrase_lexicon())
    return analyzer


def vader_polarity(text: str) -> float:
    """VADER's compound (−1..1) over the text with customers' phrases marked."""
    compound = float(customer_vader().polarity_scores(mark_phrases(text))["compound"])
    return _clamp(compound, -1.0, 1.0)


def textblob_sentiment(text: str) -> tuple[float, float]:
    """TextBlob's (polarity, subjectivity), clamped to their ranges: its average drifts a
    little past them on long text (0.8000000000000013)."""
    # What TextBlob(text).sentiment computes, without building a TextBlob (twice as fast).
    polarity, subjectivity = pattern_sentiment(text)
    return _clamp(float(polarity), -1.0, 1.0), _clamp(float(subjectivity), 0.0, 1.0)


def textblob_polarity(text: str) -> float:
    """TextBlob's polarity with the "but" rule: the clause after it weighs three times more."""
    clauses = contrast_clauses(text)
    if clauses is None:
        return textblob_sentiment(text)[0]
    before, after = clauses
    return weigh_contrast(textblob_sentiment(before)[0], textblob_sentiment(after)[0])


def blend(vader: float, textblob: float, weights: BlendWeights = SHIPPED_WEIGHTS) -> float:
    """The fitted combination of the two polarities; 0 when neither has an opinion."""
    if vader == 0 and textblob == 0:
        return 0.0
    mixed = weights.vader * vader + weights.textblob * textblob + weights.intercept
    return _clamp(mixed, -1.0, 1.0)


def blended_sentiment(text: str) -> tuple[float, float]:
    """(polarity, subjectivity) of an English comment: the blend, and TextBlob's subjectivity
    (VADER has none)."""
    polarity, subjectivity = textblob_sentiment(text)
    clauses = contrast_clauses(text)
    if clauses is not None:
        before, after = clauses
        polarity = weigh_contrast(textblob_sentiment(before)[0], textblob_sentiment(after)[0])
    return blend(vader_polarity(text), polarity), subjectivity
