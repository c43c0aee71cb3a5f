"""Sentiment runs offline on TextBlob's and VADER's bundled lexicons.

Expected polarities are what TextBlob's PatternAnalyzer gives today; they pin the lexicon, so an
upgrade that changes scoring fails here rather than silently relabelling stored comments. The
agreement tests at the end pin the choice of scorer against hand-labelled customer feedback.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.insights import sentiment
from bot.insights.agreement import accuracy
from bot.insights.sentiment import Sentiment

DATA = Path(__file__).parents[1] / "data"
Scorer = Callable[[str], Sentiment]
SCORERS: dict[str, Scorer] = {
    "score": sentiment.score,
    "textblob": sentiment.score_textblob,
    "vader": sentiment.score_vader,
    "combined": sentiment.score_combined,
}


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
    mixed = sentiment.score_textblob("The app is good but support is bad")
    assert mixed.polarity != 0
    assert abs(mixed.polarity) < 1e-12
    assert mixed.label == "neutral"
    assert sentiment.score_textblob("Useful but slow").label == "neutral"


def test_what_follows_but_decides_a_mixed_comment() -> None:
    # VADER weighs the clause after "but" more, as readers do: this one is a complaint.
    assert sentiment.score("The app is good but support is bad").label == "negative"


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


def _labelled(name: str) -> tuple[list[str], list[str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    return [row["text"] for row in rows], [row["label"] for row in rows]


def _agreement(scorer: Scorer, name: str) -> float:
    texts, truth = _labelled(name)
    return accuracy(truth, [scorer(text).label for text in texts])


@pytest.mark.parametrize("name", ["sentiment_eval.csv", "sentiment_holdout.csv"])
def test_the_labelled_sets_are_balanced_and_distinct(name: str) -> None:
    texts, truth = _labelled(name)
    assert len(set(texts)) == len(texts)
    counts = {label: truth.count(label) for label in ("positive", "neutral", "negative")}
    assert sum(counts.values()) == len(truth)
    assert min(counts.values()) >= len(truth) // 4


def test_the_shipped_scorer_agrees_with_people_at_least_as_often_as_textblob() -> None:
    for name in ("sentiment_eval.csv", "sentiment_holdout.csv"):
        assert _agreement(sentiment.score, name) >= _agreement(sentiment.score_textblob, name)
    # A floor a little under today's 0.663 / 0.589, so a lexicon upgrade that makes it worse fails.
    assert _agreement(sentiment.score, "sentiment_eval.csv") >= 0.65
    assert _agreement(sentiment.score, "sentiment_holdout.csv") >= 0.58


def test_the_shipped_scorer_finds_more_of_the_complaints_than_textblob() -> None:
    for name in ("sentiment_eval.csv", "sentiment_holdout.csv"):
        texts, truth = _labelled(name)
        complaints = [t for t, label in zip(texts, truth, strict=True) if label == "negative"]
        found = sum(sentiment.score(t).label == "negative" for t in complaints)
        by_textblob = sum(sentiment.score_textblob(t).label == "negative" for t in complaints)
        assert found > by_textblob


def test_the_combination_beats_textblob_only_on_the_set_it_was_shaped_on() -> None:
    # VADER-then-TextBlob, with "please" taken out of VADER's lexicon, was designed while looking
    # at the evaluation set and does beat TextBlob there; on the held-out set it does not, which
    # is why it is not `score`. If this starts failing, re-run benchmarks/bench_sentiment.py.
    assert _agreement(sentiment.score_combined, "sentiment_eval.csv") >= _agreement(
        sentiment.score_textblob, "sentiment_eval.csv"
    )
    held_out = _agreement(sentiment.score_combined, "sentiment_holdout.csv")
    assert held_out <= _agreement(sentiment.score, "sentiment_holdout.csv")


@pytest.mark.parametrize(
    "text",
    [
        "The invoices are terrible and wrong",
        "Too expensive for what it does.",
        "Sync between devices is broken again.",
        "It is painfully slow in the afternoons.",
        "Your chatbot is useless.",
        "Frankly disappointed, it doesn't do what the demo showed.",
    ],
)
@pytest.mark.parametrize("scorer", ["score", "textblob", "combined"])
def test_known_complaints_are_negative(scorer: str, text: str) -> None:
    assert SCORERS[scorer](text).label == "negative"


def test_a_failure_without_an_adjective_is_negative_though_textblob_misses_it() -> None:
    assert sentiment.score_textblob("The export keeps failing.").label == "neutral"
    assert sentiment.score("The export keeps failing.").label == "negative"


@pytest.mark.xfail(reason="no lexicon word says waiting is bad; see the benchmark", strict=True)
def test_a_complaint_about_waiting_is_still_missed() -> None:
    assert sentiment.score("I had to wait three days.").label == "negative"


def test_vader_reads_failing_as_negative_and_please_as_no_opinion() -> None:
    assert sentiment.score_vader("The export keeps failing.").label == "negative"
    assert sentiment.score_vader("Please add dark mode.") == Sentiment(0.0, 0.4, "neutral")


def test_the_vader_analyzer_is_built_once() -> None:
    assert sentiment.vader_analyzer() is sentiment.vader_analyzer()


@pytest.mark.parametrize("scorer", sorted(SCORERS))
@pytest.mark.parametrize("text", ["", "   ", "\n\t \n"])
def test_every_scorer_finds_no_opinion_in_blank_text(scorer: str, text: str) -> None:
    assert SCORERS[scorer](text) == Sentiment(0.0, 0.0, "neutral")


@pytest.mark.parametrize("scorer", sorted(SCORERS))
def test_every_scorer_stays_in_range_on_the_labelled_sets(scorer: str) -> None:
    texts = _labelled("sentiment_eval.csv")[0] + _labelled("sentiment_holdout.csv")[0]
    for text in texts:
        result = SCORERS[scorer](text)
        assert -1 <= result.polarity <= 1
        assert 0 <= result.subjectivity <= 1
        assert result.label == sentiment.label_for(result.polarity)


ODD_TEXTS = [
    ("The export crashes, awful! " * 371)[:10_000],
    "x" * 10_000,
    "\u202e\u200b\ufeffZ\u0351\u0352 ok 𝕲𝖗𝖊𝖆𝖙 \x00 \ud7ff",  # bidi, zero-width, combining, NUL
    "😡" * 2_000,
    "<!channel> <@U123> &amp; *bold* `code`",
]


@pytest.mark.parametrize("scorer", sorted(SCORERS))
@pytest.mark.parametrize(
    "text", ODD_TEXTS, ids=["long-complaint", "x", "unicode", "emoji", "mrkdwn"]
)
def test_every_scorer_copes_with_long_and_odd_text(scorer: str, text: str) -> None:
    result = SCORERS[scorer](text)
    assert -1 <= result.polarity <= 1
    assert 0 <= result.subjectivity <= 1


@pytest.mark.parametrize("scorer", ["vader", "combined"])
def test_a_long_complaint_is_negative_for_vader(scorer: str) -> None:
    assert SCORERS[scorer](ODD_TEXTS[0]).label == "negative"
