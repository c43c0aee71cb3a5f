"""Which language a comment is in, offline, so only English is given an English sentiment.

Lingua (lingua-language-detector, Apache-2.0) ships its language models inside its wheel, so
nothing is downloaded. Its low-accuracy mode (trigram models, about 60 MB for the languages
below; the high-accuracy models take 500 MB) is reliable on sentences but not on a few words:
"Damn typos :(" and "Bad santa BAD" look Portuguese to it. A comment is therefore called
foreign only when all of these hold, and English otherwise (`decide`):

- it is mostly in another script (Cyrillic, CJK, Arabic...): the script decides, at any length;
- or, in Latin script: it has at least MIN_WORDS different words and MIN_LETTERS letters, none
  of them an English function word, fewer than two that VADER's English lexicon knows, and
  lingua gives English less than MAX_ENGLISH_CONFIDENCE.

Measured by benchmarks/bench_sentiment.py on 1,275 English texts (the 1,000 tweets of the
development set, the project's 256 labelled comments and short ones such as "ok", "thx",
"Top"): none is called foreign. Short foreign comments ("Très bien", "Danke") stay English and
are scored, which finds no opinion in them: a neutral, never a wrong sign.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from bot.insights.sentiment_blend import customer_vader

ENGLISH = "en"

# Languages customers of a Slack workspace plausibly write in. A language not listed is
# detected as its nearest listed neighbour (Catalan as Spanish), which is still not English.
CANDIDATES = (
    Language.ENGLISH, Language.FRENCH, Language.GERMAN, Language.SPANISH, Language.PORTUGUESE,
    Language.ITALIAN, Language.DUTCH, Language.SWEDISH, Language.DANISH, Language.BOKMAL,
    Language.FINNISH, Language.POLISH, Language.CZECH, Language.ROMANIAN, Language.HUNGARIAN,
    Language.TURKISH, Language.GREEK, Language.RUSSIAN, Language.UKRAINIAN, Language.HEBREW,
    Language.ARABIC, Language.HINDI, Language.INDONESIAN, Language.VIETNAMESE,
    Language.JAPANESE, Language.CHINESE, Language.KOREAN,
)

MIN_WORDS = 4  # different words
MIN_LETTERS = 20
MAX_ENGLISH_CONFIDENCE = 0.01

# Frequent English words that are not also frequent words of the candidate languages (so not
# "is", "in", "an", "no", "was", "we", "i", "to", "for", "at", "me", "do", "are", "all", which
# are Dutch, German, Spanish, Polish, Danish, Italian or Swedish too): one keeps a comment English.
ENGLISH_FUNCTION_WORDS = frozenset({
    "the", "and", "you", "your", "with", "this", "that", "have", "has", "had", "not", "of",
    "it", "its", "our", "my", "they", "their", "them", "but", "been", "just",
    "very", "would", "will", "can", "could", "should", "what", "when", "why", "how", "there",
    "from", "get", "got", "too", "out", "up", "about", "or", "if", "does", "did",
    "be", "it's", "i'm", "don't", "can't", "didn't", "doesn't", "isn't", "wasn't",
    "won't", "we're", "i've", "you're",
})

# Slack markup, links, mentions, hashtags and HTML entities say nothing about the language.
_NOISE = re.compile(r"<[^>]*>|https?://\S+|www\.\S+|[@#]\w+|&\w+;")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


@dataclass(frozen=True)
class Evidence:
    """What `decide` needs to know about a comment, so the rule is testable without lingua."""

    words: frozenset[str]  # lower-cased
    letters: int
    latin_letters: int
    lexicon_words: int  # how many of the words VADER's English lexicon knows
    detected: str  # ISO 639-1 code of lingua's most likely language, lower case
    english_confidence: float  # lingua's, 0..1


def decide(evidence: Evidence) -> str:
    """The comment's language code; ENGLISH unless it is surely another language."""
    if evidence.detected == ENGLISH or evidence.letters == 0:
        return ENGLISH
    if evidence.latin_letters * 2 < evidence.letters:
        return evidence.detected  # another script: unambiguous at any length
    if len(evidence.words) < MIN_WORDS or evidence.letters < MIN_LETTERS:
        return ENGLISH
    if evidence.words & ENGLISH_FUNCTION_WORDS or evidence.lexicon_words >= 2:
        return ENGLISH
    if evidence.english_confidence >= MAX_ENGLISH_CONFIDENCE:
        return ENGLISH
    return evidence.detected


@cache
def detector() -> LanguageDetector:
    """One detector per process; its models load on first use (about 0.2 s)."""
    return LanguageDetectorBuilder.from_languages(*CANDIDATES).with_low_accuracy_mode().build()


def _is_latin(char: str) -> bool:
    return char < "\u0250"  # Basic Latin to Latin Extended-B, which covers é, ß, ł, ő


def _words(cleaned: str) -> frozenset[str]:
    return frozenset(word.lower() for word in _WORD.findall(cleaned))


def evidence_for(text: str) -> Evidence:
    # A lone surrogate (JSON can carry "\ud800") cannot cross into lingua's Rust: it reads "?".
    cleaned = _NOISE.sub(" ", text).encode("utf-8", "replace").decode("utf-8")
    letters = [char for char in cleaned if char.isalpha()]
    words = _words(cleaned)
    detected, english = ENGLISH, 1.0
    if letters:
        values = detector().compute_language_confidence_values(cleaned)
        top = values[0]
        if top.value > 0:
            detected = top.language.iso_code_639_1.name.lower()
        english = next(
            (value.value for value in values if value.language == Language.ENGLISH), 0.0
        )
    lexicon = customer_vader().lexicon
    return Evidence(
        words=words,
        lexicon_words=sum(word in lexicon for word in words),
        letters=len(letters),
        latin_letters=sum(_is_latin(char) for char in letters),
        detected=detected,
        english_confidence=english,
    )


def comment_language(text: str) -> str:
    """ISO 639-1 code of the comment's language: ENGLISH when English or too short to tell."""
    if _words(_NOISE.sub(" ", text)) & ENGLISH_FUNCTION_WORDS:
        return ENGLISH  # `decide` would say so too; most English comments end here, unread
    return decide(evidence_for(text))
