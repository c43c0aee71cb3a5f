"""What customers talk about in their comments: themes, how many mention each, and how they feel.

YAKE proposes key phrases (one or two words) from a sample of the comments joined together: run
once per comment it costs about 0.5 ms each, 5 s for 10,000 comments, while one run over a
sample of 2,000 takes about 0.4 s and finds the phrases that matter, since a phrase too rare to
appear in the sample would not make the top themes anyway. Every comment is then matched against
the phrases, so a theme's count is exact over all comments, not an estimate from the sample.

YAKE runs without lemmatisation, the only feature of it that would download anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise

import yake

from bot.insights.theme_words import NOT_THEMES, fold, folded_words, without_markup
from bot.sentiment import Label, label_for

SAMPLE_SIZE = 2_000
MAX_WORDS = 2  # "csv export", "dark mode"; longer phrases are rarely repeated word for word
CANDIDATES_PER_THEME = 6  # YAKE ranks some generic words high; ask for enough to survive the filter
MIN_MENTIONS = 2  # one comment is an anecdote, not a theme
PHRASE_DOMINATES = 0.8  # a phrase replaces its words when it accounts for this share of them
EXAMPLES = 2
EXAMPLE_LENGTH = 200
NPS_CLASSES = ("promoter", "passive", "detractor")


@dataclass(frozen=True)
class CommentForThemes:
    text: str
    nps_class: str | None  # "promoter", "passive", "detractor", or None for CSAT / unknown
    polarity: float  # the stored sentiment, −1..1


@dataclass(frozen=True)
class Theme:
    phrase: str  # normalised: lowercase, plurals folded ("export", "dark mode")
    count: int  # comments that mention it (or a phrase merged into it)
    share: float  # count / comments considered, 0..1
    mean_polarity: float
    label: Label
    examples: tuple[str, ...] = ()


@cache
def _extractor(top: int) -> yake.KeywordExtractor:
    return yake.KeywordExtractor(lan="en", n=MAX_WORDS, top=top, dedup_lim=0.9)


@cache
def _stopwords() -> frozenset[str]:
    words = {word.lower() for word in _extractor(1).stopword_set} | NOT_THEMES
    return frozenset(words | {fold(word) for word in words})


def _sample(texts: Sequence[str]) -> list[str]:
    """Every k-th comment: deterministic, and spread over the whole period rather than its end."""
    step = max(1, len(texts) // SAMPLE_SIZE)
    return list(texts[::step][:SAMPLE_SIZE])


def _candidates(texts: Sequence[str], wanted: int) -> list[tuple[str, ...]]:
    """YAKE's phrases, best first, folded, with generic words and duplicates removed."""
    # A full stop between comments stops YAKE from pairing the end of one with the next.
    joined = "\n".join(without_markup(text).strip().rstrip(".!?") + "." for text in texts)
    stopwords = _stopwords()
    found: list[tuple[str, ...]] = []
    for phrase, _score in _extractor(wanted).extract_keywords(joined):
        words = tuple(folded_words(phrase))
        if not 1 <= len(words) <= MAX_WORDS or any(
            word in stopwords or len(word) < 3 for word in words
        ):
            continue
        if words not in found:
            found.append(words)
    return found


def _mentions(
    comments: list[CommentForThemes], phrases: list[tuple[str, ...]]
) -> dict[tuple[str, ...], list[CommentForThemes]]:
    """The comments mentioning each phrase; every comment is read once, whatever the phrases."""
    mentioned_by: dict[tuple[str, ...], list[CommentForThemes]] = {p: [] for p in phrases}
    singles = {phrase[0] for phrase in phrases if len(phrase) == 1}
    pairs = {phrase for phrase in phrases if len(phrase) == 2}
    for comment in comments:
        words = folded_words(comment.text)
        for word in singles.intersection(words):
            mentioned_by[(word,)].append(comment)
        for pair in pairs.intersection(pairwise(words)):
            mentioned_by[pair].append(comment)
    return mentioned_by


def _merge(
    mentioned_by: dict[tuple[str, ...], list[CommentForThemes]],
) -> dict[tuple[str, ...], list[CommentForThemes]]:
    """One theme for near-duplicates. A phrase that accounts for most mentions of its words
    ("dark mode" for "dark" and "mode") replaces them; one that is a small part of a word's
    mentions ("csv export" of "export") folds into that word, which already counts its comments.
    """
    themes = dict(mentioned_by)
    for phrase, mentions in mentioned_by.items():
        if len(phrase) < 2:
            continue
        parts = [(word,) for word in phrase if (word,) in mentioned_by]
        if all(len(mentions) >= PHRASE_DOMINATES * len(mentioned_by[p]) for p in parts):
            for part in parts:
                themes.pop(part, None)
        else:
            themes.pop(phrase, None)
    return themes


def extract_themes(comments: Iterable[CommentForThemes], *, top: int = 8) -> list[Theme]:
    """The `top` themes by how many comments mention them, most mentioned first."""
    comments = [comment for comment in comments if comment.text.strip()]
    if not comments or top < 1:
        return []
    candidates = _candidates(_sample([c.text for c in comments]), top * CANDIDATES_PER_THEME)
    themes = _merge(_mentions(comments, candidates))
    rank = {phrase: position for position, phrase in enumerate(candidates)}
    ranked = sorted(
        (phrase for phrase, mentions in themes.items() if len(mentions) >= MIN_MENTIONS),
        key=lambda phrase: (-len(themes[phrase]), rank[phrase]),
    )
    return [_theme(phrase, themes[phrase], len(comments)) for phrase in ranked[:top]]


def _theme(phrase: tuple[str, ...], mentions: list[CommentForThemes], total: int) -> Theme:
    mean = sum(c.polarity for c in mentions) / len(mentions)
    examples = tuple(
        c.text if len(c.text) <= EXAMPLE_LENGTH else c.text[: EXAMPLE_LENGTH - 1] + "…"
        for c in sorted(mentions, key=lambda c: len(c.text))[:EXAMPLES]
    )
    return Theme(" ".join(phrase), len(mentions), len(mentions) / total, mean, label_for(mean),
                 examples)


def themes_by_class(
    comments: Iterable[CommentForThemes], top: int = 5
) -> dict[str, list[Theme]]:
    """Themes of promoters, passives and detractors, each found in that class's own comments,
    so what detractors complain about is not drowned out by what promoters praise."""
    comments = list(comments)
    return {
        nps_class: extract_themes([c for c in comments if c.nps_class == nps_class], top=top)
        for nps_class in NPS_CLASSES
    }
