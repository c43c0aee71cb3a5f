"""Sentiment of a customer's comment: language, polarity, subjectivity and a label (offline).

`score_comment` first asks which language the comment is in (bot.insights.language): only
English is scored; any other language is stored as "not scored" with its language code, never
as neutral. `score` is the shipped scorer for English (bot.insights.sentiment_blend): VADER read
with customers' own words and phrases (bot.insights.sentiment_rules: waiting, being charged
twice, things broken, cancelling, no reply, prices going up; "please" and "support" are not
praise), blended with TextBlob by weights fitted on 1,000 human-rated texts and checked by
10-fold cross-validation (benchmarks/fit_sentiment.py). benchmarks/bench_sentiment.py prints its
Pearson r and three-class accuracy beside VADER's and TextBlob's, on that development set and on
the project's hand-labelled customer feedback (tests/data/sentiment_eval.csv and
sentiment_holdout.csv), and its throughput.

The scorers it replaced stay here so the benchmark can compare them: TextBlob alone, VADER alone,
VADER-then-TextBlob (`score_combined`), and TextBlob with negatives from VADER
(`score_negatives_from_vader`, shipped until the blend: 0.637 accuracy on the labelled comments,
but it scored "Your billing portal double-charged us and support never replied." 0.0).

Both lexicons ship inside their packages. TextBlob's sentence and noun-phrase features need NLTK
corpora, which a server without internet cannot fetch, so only its `.sentiment` is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

from textblob import TextBlob
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from bot.insights.language import ENGLISH, comment_language
from bot.insights.sentiment_blend import blended_sentiment

Label = Literal["positive", "neutral", "negative"]
# The stored label of a comment in a language the scorer does not read: shown as "not scored
# (FR)", counted apart, never averaged in as neutral.
UNSCORED = "unscored"

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


@cache
def shipped_vader() -> SentimentIntensityAnalyzer:
    """VADER exactly as its package ships it: the rule in `score` was chosen before looking at
    VADER's mistakes, so it uses none of the changes made after looking."""
    return SentimentIntensityAnalyzer()


def score_negatives_from_vader(text: str) -> Sentiment:
    """TextBlob, unless VADER finds the comment negative (see the module docstring)."""
    if not text.strip():
        return NO_OPINION
    polarity, subjectivity = _textblob(text)
    compound = _clamp(float(shipped_vader().polarity_scores(text)["compound"]), -1.0, 1.0)
    if compound <= NEGATIVE_FROM:
        polarity = min(polarity, compound)
    return Sentiment(polarity, subjectivity, label_for(polarity))


def score(text: str) -> Sentiment:
    """Score an English comment with the scorer that agrees best with people (the module
    docstring); blank text is neutral with no opinion in it."""
    if not text.strip():
        return NO_OPINION
    polarity, subjectivity = blended_sentiment(text)
    return Sentiment(polarity, subjectivity, label_for(polarity))


@dataclass(frozen=True)
class CommentScore:
    """A comment's language and, when it is English, its sentiment."""

    language: str  # ISO 639-1; "en" also when too short to tell
    sentiment: Sentiment | None  # None: not scored, the language is not English

    @property
    def label(self) -> str:
        return UNSCORED if self.sentiment is None else self.sentiment.label


def score_comment(text: str) -> CommentScore:
    """The comment's language, and its sentiment if it is English (see the module docstring)."""
    language = comment_language(text)
    if language != ENGLISH:
        return CommentScore(language, None)
    return CommentScore(language, score(text))
