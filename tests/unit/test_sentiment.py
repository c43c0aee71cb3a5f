"""Sentiment runs offline on TextBlob's and VADER's bundled lexicons.

Expected polarities are what the shipped blend gives today; they pin both lexicons and the
fitted weights, so an upgrade that changes scoring fails here rather than silently relabelling
stored comments. The agreement tests pin the choice of scorer against hand-labelled customer
feedback; the development set's figures are printed by benchmarks/fit_sentiment.py.
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
from bot.insights.sentiment_fit import Agreement, agreement_with_labels

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
        ("Support was excellent and really fast, thank you!", 0.4749, "positive"),
        ("The invoices are terrible and wrong", -0.5535, "negative"),
        ("Onboarding was slow and confusing", -0.3445, "negative"),
        ("not good", -0.2791, "negative"),  # negation flips "good" in both lexicons
        ("Please add an export to CSV", 0.0, "neutral"),
        ("Where do I change my email?", 0.0, "neutral"),
    ],
)
def test_clear_comments(text: str, polarity: float, label: str) -> None:
    result = sentiment.score(text)
    assert result.polarity == pytest.approx(polarity, abs=1e-4)
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
    assert result.polarity == pytest.approx(0.6227, abs=1e-4)
    assert result.subjectivity == pytest.approx(0.75)
    assert result.label == "positive"
    assert -1 <= result.polarity <= 1


def test_ten_thousand_characters_without_words_it_knows() -> None:
    assert sentiment.score("x" * 10_000) == Sentiment(0.0, 0.0, "neutral")


@pytest.mark.parametrize(
    ("text", "polarity", "label"),
    [
        ("The dashboard is great 😀 — très bien!", 0.5368, "positive"),
        ("Terrible 😡 support, nothing works", -0.4525, "negative"),
        ("Naïve café résumé — awesome!", 0.4692, "positive"),
        # VADER reads emoji by their names ("grinning face"); the French words say nothing.
        ("Merci beaucoup 🎉😀", 0.3032, "positive"),
        # No English words: no opinion, which is not the same as a bad score. (`score_comment`
        # does not score this at all: it is Japanese.)
        ("日本語のテキスト", 0.0, "neutral"),
        (":(", -0.3943, "negative"),  # emoticons are in both lexicons
    ],
)
def test_unicode_emoji_and_emoticons(text: str, polarity: float, label: str) -> None:
    result = sentiment.score(text)
    assert result.polarity == pytest.approx(polarity, abs=1e-4)
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


def _polarity_agreement(scorer: Callable[[str], float], name: str) -> Agreement:
    texts, truth = _labelled(name)
    return agreement_with_labels([scorer(text) for text in texts], truth)


def _shipped_polarity(text: str) -> float:
    return sentiment.score(text).polarity


AS_SHIPPED: dict[str, Callable[[str], float]] = {
    "VADER as its package ships it": lambda text: float(
        sentiment.shipped_vader().polarity_scores(text)["compound"]
    ),
    "TextBlob": lambda text: sentiment.score_textblob(text).polarity,
}


@pytest.mark.parametrize("name", ["sentiment_eval.csv", "sentiment_holdout.csv"])
@pytest.mark.parametrize("alone", sorted(AS_SHIPPED))
def test_the_shipped_scorer_agrees_with_people_better_than_vader_or_textblob_alone(
    alone: str, name: str
) -> None:
    # The issue's bar, on the project's own labelled comments: Pearson r (labels as +1/0/−1)
    # and three-class accuracy both above each lexicon alone.
    shipped = _polarity_agreement(_shipped_polarity, name)
    other = _polarity_agreement(AS_SHIPPED[alone], name)
    assert shipped.pearson_r > other.pearson_r
    assert shipped.accuracy > other.accuracy


def test_the_shipped_scorer_keeps_its_measured_agreement() -> None:
    # Floors a little under today's figures (eval r 0.843, accuracy 0.837; held-out 0.742,
    # 0.722), so a lexicon upgrade or a rule change that makes it worse fails here.
    evaluation = _polarity_agreement(_shipped_polarity, "sentiment_eval.csv")
    held_out = _polarity_agreement(_shipped_polarity, "sentiment_holdout.csv")
    assert (evaluation.pearson_r, evaluation.accuracy) >= (0.83, 0.82)
    assert held_out.pearson_r >= 0.73
    assert held_out.accuracy >= 0.71


def test_the_shipped_scorer_finds_more_of_the_complaints_than_textblob() -> None:
    for name in ("sentiment_eval.csv", "sentiment_holdout.csv"):
        texts, truth = _labelled(name)
        complaints = [t for t, label in zip(texts, truth, strict=True) if label == "negative"]
        found = sum(sentiment.score(t).label == "negative" for t in complaints)
        by_textblob = sum(sentiment.score_textblob(t).label == "negative" for t in complaints)
        assert found > by_textblob


def test_the_scorer_shipped_before_the_blend_agreed_less_often() -> None:
    # TextBlob with negatives from VADER was `score` until the blend; kept for the benchmark.
    for name in ("sentiment_eval.csv", "sentiment_holdout.csv"):
        before = _agreement(sentiment.score_negatives_from_vader, name)
        assert _agreement(sentiment.score, name) > before


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


def test_a_complaint_about_waiting_is_negative_though_no_lexicon_word_says_so() -> None:
    assert sentiment.score_vader("I had to wait three days.").label == "neutral"
    assert sentiment.score_textblob("I had to wait three days.").label == "neutral"
    assert sentiment.score("I had to wait three days.").label == "negative"


# The issue's four examples: each was scored with the wrong sign (or none) before the blend.
@pytest.mark.parametrize(
    ("text", "label"),
    [
        # An NPS 0 answer, scored 0.0 before: `/engagement comments negative` missed it.
        ("Your billing portal double-charged us and support never replied.", "negative"),
        ("Great product, but onboarding was a nightmare.", "negative"),  # was +0.80
        ("Pricing went up 40% and we got nothing new.", "negative"),  # was positive
    ],
)
def test_the_issues_english_examples_have_the_right_sign(text: str, label: str) -> None:
    assert sentiment.score(text).label == label
    assert sentiment.score_comment(text) == sentiment.CommentScore("en", sentiment.score(text))


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Le support ne répond jamais et la facture est fausse, c'est inacceptable.", "fr"),
        ("Die Abrechnung ist falsch und niemand antwortet auf unsere Tickets.", "de"),
    ],
)
def test_french_and_german_comments_are_not_scored_rather_than_neutral(
    text: str, language: str
) -> None:
    # The fourth example: French was scored neutral. Now it is not scored, and says why.
    scored = sentiment.score_comment(text)
    assert scored == sentiment.CommentScore(language, None)
    assert scored.label == sentiment.UNSCORED


@pytest.mark.parametrize("text", ["ok", "thx", "Top", "Great!", "Love it", "Meh.", "Bad santa BAD"])
def test_a_short_english_comment_is_scored(text: str) -> None:
    scored = sentiment.score_comment(text)
    assert scored.language == "en"
    assert scored.sentiment == sentiment.score(text)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Great product, but onboarding was a nightmare.", "negative"),
        ("Onboarding was a nightmare, but the product is great.", "positive"),
        ("The app is good but support is bad", "negative"),
        ("Useful but slow", "negative"),
    ],
)
def test_the_clause_after_but_decides_a_mixed_comment(text: str, label: str) -> None:
    assert sentiment.score(text).label == label


@pytest.mark.parametrize(
    "text",
    [
        "I waited 40 minutes on hold.",  # waiting
        "We were charged twice this month.",  # billing
        "The export doesn't work.",  # broken
        "We are cancelling our subscription.",  # leaving
        "I opened a ticket a week ago and nobody replied.",  # no reply
        "Still no response from your team.",
        "Prices went up again.",  # price
    ],
)
def test_complaints_without_opinion_words_are_negative(text: str) -> None:
    assert sentiment.score_textblob(text).label != "negative"
    assert sentiment.score(text).label == "negative"


@pytest.mark.parametrize(
    "text",
    [
        "We would like to filter by region.",
        "Please add SSO with Okta.",
        "Does the API support pagination?",
    ],
)
def test_requests_and_questions_are_neutral(text: str) -> None:
    # VADER alone reads "like", "please" and "support" as praise.
    assert sentiment.score(text).label == "neutral"


@pytest.mark.parametrize(
    "text", ["The app never crashes.", "We haven't had an outage in months."]
)
def test_a_negated_failure_is_not_a_complaint(text: str) -> None:
    assert sentiment.score(text).label == "positive"


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


def test_storage_and_views_name_unscored_comments_as_the_scorer_does() -> None:
    # storage sits below bot.insights.sentiment and cannot import it, so it keeps a copy.
    from storage import reporting

    assert reporting.UNSCORED == sentiment.UNSCORED
