"""Which comments are English enough to score: the rule on its own, then with lingua."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import pytest

from bot.insights.language import (
    ENGLISH,
    MAX_ENGLISH_CONFIDENCE,
    MIN_LETTERS,
    MIN_WORDS,
    Evidence,
    comment_language,
    decide,
)

DATA = Path(__file__).parents[1] / "data"

FRENCH = Evidence(
    words=frozenset({"le", "produit", "ne", "marche", "plus", "depuis", "lundi"}),
    lexicon_words=0,
    letters=34,
    latin_letters=34,
    detected="fr",
    english_confidence=0.0,
)


def test_a_long_sentence_lingua_is_sure_of_is_that_language() -> None:
    assert decide(FRENCH) == "fr"


@pytest.mark.parametrize(
    "change",
    [
        {"words": frozenset({"le", "produit", "marche"})},  # too few words
        {"letters": MIN_LETTERS - 1, "latin_letters": MIN_LETTERS - 1},  # too few letters
        {"words": FRENCH.words | {"the"}},  # an English function word
        {"lexicon_words": 2},  # two words VADER's English lexicon knows
        {"english_confidence": MAX_ENGLISH_CONFIDENCE},  # English not ruled out
        {"detected": ENGLISH},
        {"letters": 0, "latin_letters": 0},
    ],
)
def test_any_doubt_keeps_a_latin_script_comment_english(change: dict[str, object]) -> None:
    assert decide(replace(FRENCH, **change)) == ENGLISH  # type: ignore[arg-type]


def test_another_script_decides_at_any_length() -> None:
    short_russian = Evidence(
        words=frozenset({"спасибо"}), lexicon_words=0, letters=7, latin_letters=0,
        detected="ru", english_confidence=0.0,
    )
    assert len(short_russian.words) < MIN_WORDS
    assert decide(short_russian) == "ru"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Le support ne répond jamais, c'est inacceptable.", "fr"),
        ("Nous avons été facturés deux fois.", "fr"),
        ("Die Abrechnung ist falsch und niemand antwortet.", "de"),
        ("Wir warten seit drei Wochen auf eine Antwort vom Support.", "de"),
        ("Muy buen servicio, gracias.", "es"),
        ("Отличный сервис, спасибо.", "ru"),
        ("とても使いやすいです。", "ja"),
    ],
)
def test_foreign_comments_are_recognised(text: str, language: str) -> None:
    assert comment_language(text) == language


@pytest.mark.parametrize(
    "text",
    [
        # Short English that lingua alone calls Swedish, French or Portuguese.
        "ok", "thx", "Top", "Great!", "nice", "Meh.", "Love it", "Too slow", "ASAP pls",
        "SSO via Okta pls", "Bad santa BAD", "Damn, running late sucks.",
        "Piss off rain. Piss off hangover.", "fuck! I lost a sock! goddamn laundry.",
        "Best Ever comic strips http://example.com ..So funny :-)",
        "<@U123> <https://example.com|link> great",
        "👍", "",
    ],
)
def test_short_english_is_never_called_foreign(text: str) -> None:
    assert comment_language(text) == ENGLISH


@pytest.mark.parametrize("name", ["sentiment_eval.csv", "sentiment_holdout.csv"])
def test_every_labelled_english_comment_is_english(name: str) -> None:
    with (DATA / name).open(encoding="utf-8", newline="") as file:
        texts = [row["text"] for row in csv.DictReader(file)]
    assert [t for t in texts if comment_language(t) != ENGLISH] == []


@pytest.mark.parametrize("text", ["Très bien", "Danke", "Super produit"])
def test_a_short_foreign_comment_stays_english_and_is_scored_without_an_opinion(
    text: str,
) -> None:
    # Too short to be sure: scored, which finds nothing to misread (a known limit).
    assert comment_language(text) == ENGLISH


@pytest.mark.parametrize(
    "text",
    ["\ud800 bonjour le monde entier, comment allez-vous", "x\x00" * 3000, "😡" * 2000,
     "\u202e\u200b\ufeffZ\u0351 ok 𝕲𝖗𝖊𝖆𝖙 \x00 \ud7ff"],
    ids=["lone-surrogate", "nul", "emoji", "bidi"],
)
def test_odd_text_gets_a_language_rather_than_an_error(text: str) -> None:
    assert len(comment_language(text)) == 2
