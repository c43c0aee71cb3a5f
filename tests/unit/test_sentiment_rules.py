"""Customers' words and phrases for the sentiment scorer: pure rules, tested on their own."""

from __future__ import annotations

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from bot.insights import sentiment_rules as rules


def test_customer_words_are_new_to_vader_so_none_overrides_a_valence_it_had() -> None:
    vader = SentimentIntensityAnalyzer().lexicon
    assert not set(rules.CUSTOMER_WORDS) & set(vader)
    assert all(-4 <= valence <= 4 for valence in rules.CUSTOMER_WORDS.values())


def test_the_words_taken_out_are_ones_vader_reads_as_praise() -> None:
    vader = SentimentIntensityAnalyzer().lexicon
    assert all(vader[word] > 0 for word in rules.NOT_OPINIONS)


def test_phrase_names_and_tokens_are_unique() -> None:
    names = [phrase.name for phrase in rules.PHRASES]
    assert len(set(names)) == len(names)
    assert set(rules.phrase_lexicon()) == {f"cue_{name}" for name in names}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("I waited 40 minutes for an answer", "waiting"),
        ("We had to wait three days.", "waiting"),
        ("still waiting on the fix", "waiting"),
        ("I was on hold for an hour", "waiting"),
        ("It took us two weeks to get access", "waiting"),
        ("Dashboards take forever to load", "waiting"),
        ("Your billing portal double-charged us", "billing"),
        ("We were charged twice", "billing"),
        ("still no refund after a month", "billing"),
        ("The export doesn't work", "broken"),
        ("Sync stopped working yesterday", "broken"),
        ("The upload keeps timing out", "broken"),
        ("I can't log in since the update", "broken"),
        ("the sync deleted some of our contacts", "broken"),
        ("We are cancelling our subscription", "leaving"),
        ("We won't renew next year", "leaving"),
        ("We're switching to another tool", "leaving"),
        ("support never replied", "no reply"),
        ("Nobody answers the chat", "no reply"),
        ("Still no response from your team", "no reply"),
        ("We haven't heard back since Monday", "no reply"),
        ("They closed my ticket without fixing the issue", "no reply"),
        ("Pricing went up 40%", "price"),
        ("You raised the prices again", "price"),
        ("and we got nothing new", "price"),
        ("We would like to filter by region", "request"),
        ("Setup was quick and it just works", "praise"),
        ("The digest saves me a lot of time", "praise"),
    ],
)
def test_each_kind_of_phrase_is_found(text: str, kind: str) -> None:
    kinds = {p.kind for p in rules.PHRASES if p.name in rules.found_phrases(text)}
    assert kind in kinds


@pytest.mark.parametrize(
    "text",
    [
        "Setup took five minutes and everything worked.",  # a short wait is praise
        "It only took two days to roll out.",
        "Can't wait to try it!",
        "We wait for the weekly digest every Monday.",
        "The support team is great.",
        "Please add SSO.",
    ],
)
def test_no_phrase_is_found_where_there_is_no_complaint(text: str) -> None:
    assert [p for p in rules.found_phrases(text) if p not in ("would_like", "wish")] == []


def test_marking_replaces_each_phrase_by_its_token_and_keeps_the_rest() -> None:
    marked = rules.mark_phrases("Your portal double-charged us and support never replied.")
    assert marked.split() == ["Your", "portal", "cue_double_charged", "us", "and", "support",
                              "cue_never_replied", "."]
    assert rules.mark_phrases("Nothing to see here.") == "Nothing to see here."


@pytest.mark.parametrize(
    ("text", "clauses"),
    [
        ("Great product, but onboarding was a nightmare.",
         ("Great product,", "onboarding was a nightmare.")),
        ("Fast. However, the reports are wrong", ("Fast.", ", the reports are wrong")),
        ("No contrast here", None),
        ("But nothing before it", None),
        ("Nothing after it, but", None),
        ("A buttery, butler-like app", None),  # "but" inside a word is not a contrast
    ],
)
def test_contrast_clauses(text: str, clauses: tuple[str, str] | None) -> None:
    assert rules.contrast_clauses(text) == clauses


def test_the_clause_after_but_weighs_three_times_the_one_before() -> None:
    assert rules.weigh_contrast(0.8, 0.0) == pytest.approx(0.2)
    assert rules.weigh_contrast(0.8, -0.4) == pytest.approx(-0.1)
    assert rules.weigh_contrast(0.0, 0.0) == 0.0
    assert rules.AFTER_CONTRAST == 3 * rules.BEFORE_CONTRAST
