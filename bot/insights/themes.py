"""What customers talk about in their comments: themes, how many mention each, and how they feel.

Candidate phrases are the content words and adjacent pairs of content words of a sample of the
comments (stopwords, opinion words and generic words split them, as in RAKE), ranked by how many
sampled comments use them: a phrase too rare to appear in a sample of 2,000 would not make the
top themes anyway. Every comment is then matched against the candidates, so a theme's count is
exact over all comments, not an estimate from the sample.

YAKE did the candidate step at first, but its licence file is AGPL-3.0 (its metadata says LGPL),
which an MIT-licensed bot run as a service cannot take on; counting does as well here because
feedback themes are exactly the phrases many customers repeat.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise

from bot.insights.metrics import Interval, NpsResult, nps_from_counts, wilson_interval
from bot.insights.sentiment import Label, label_for
from bot.insights.theme_words import (
    NOT_THEMES,
    STOPWORDS,
    fold,
    folded_words,
    without_markup,
)

_SENTENCE_END = re.compile(r"[.!?;:\n]+")
SAMPLE_SIZE = 2_000
CANDIDATES_PER_THEME = 6  # some candidates merge or fall under MIN_MENTIONS; keep enough spare
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
    # The NPS classes of the comments that mention it (CSAT comments have none); zero in
    # themes kept before they were counted, which then show no NPS.
    promoters: int = 0
    passives: int = 0
    detractors: int = 0

    @property
    def considered(self) -> int:
        """The comments `share` is a share of. Recovered from the two figures kept, rather
        than stored beside them, so themes kept in older snapshots carry it too; a theme has
        at least MIN_MENTIONS comments, so `share` is never 0."""
        return round(self.count / self.share)

    @property
    def share_interval(self) -> Interval | None:
        """The 95% Wilson interval of `share`, in percent."""
        return wilson_interval(self.count, self.considered)

    @property
    def nps(self) -> NpsResult:
        """The NPS of the answers whose comments mention it, with its interval."""
        return nps_from_counts(self.promoters, self.passives, self.detractors)


@cache
def _stopwords() -> frozenset[str]:
    return frozenset(STOPWORDS | NOT_THEMES | {fold(word) for word in STOPWORDS | NOT_THEMES})


def _sample(texts: Sequence[str]) -> list[str]:
    """Every k-th comment: deterministic, and spread over the whole period rather than its end."""
    step = max(1, len(texts) // SAMPLE_SIZE)
    return list(texts[::step][:SAMPLE_SIZE])


def _candidates(texts: Sequence[str], wanted: int) -> list[tuple[str, ...]]:
    """Content words and adjacent pairs of them, by how many of the comments use each, folded."""
    stopwords = _stopwords()
    used_by: Counter[tuple[str, ...]] = Counter()
    first_seen: dict[tuple[str, ...], int] = {}
    for text in texts:
        # Sentence punctuation ends a phrase: "slow. Export" is no "slow export".
        found: set[tuple[str, ...]] = set()
        for sentence in _SENTENCE_END.split(without_markup(text)):
            words = folded_words(sentence)
            content = [w not in stopwords and len(w) >= 3 for w in words]
            found.update((w,) for w, keep in zip(words, content, strict=True) if keep)
            found.update(
                (a, b) for (a, b), (keep_a, keep_b) in zip(pairwise(words), pairwise(content),
                                                            strict=True)
                if keep_a and keep_b and a != b
            )
        for phrase in found:
            first_seen.setdefault(phrase, len(first_seen))
        used_by.update(found)
    # Among equally common phrases the longer is the more telling ("weekly digest" over "load").
    ranked = sorted(
        used_by, key=lambda phrase: (-used_by[phrase], -len(phrase), first_seen[phrase])
    )
    return ranked[:wanted]


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
    classes = Counter(c.nps_class for c in mentions)
    return Theme(" ".join(phrase), len(mentions), len(mentions) / total, mean, label_for(mean),
                 examples, classes["promoter"], classes["passive"], classes["detractor"])


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
