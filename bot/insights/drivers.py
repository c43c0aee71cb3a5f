"""Drivers: which themes and segments go with a higher or lower NPS. Association, not cause.

For a theme, the answers whose comment mentions it are compared with every other NPS answer of
the period (answers without a comment included); for a segment value (plan = enterprise), the
linked answers of customers with that value with the other linked answers.

- **Difference** = NPS with − NPS without, with the 95% interval of a difference of two
  independent NPS samples (`comparison.nps_change`: each NPS's trinomial variance from its
  promoter and detractor shares, adjusted-Wald as `metrics.nps_from_counts`, the two added).
- **Impact** = share of answers with it × difference, in NPS points. Since the overall NPS is
  share × NPS with + (1 − share) × NPS without, the impact is exactly how far the overall NPS
  stands from what the answers without it score: the points it "carries". Ranked by |impact|.
- A theme needs MIN_ANSWERS answers mentioning it (fewer is an anecdote), and both groups at
  least the anonymity minimum. Segments follow the segment view's rule (bot.reporting.figures).

A theme that goes with a low score may be a symptom as easily as a cause: detractors find more
to complain about. The figures say which themes and segments move with the score, not why.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from bot.insights.comparison import Change, nps_change
from bot.insights.metrics import NpsResult, nps_class, nps_from_counts
from bot.insights.theme_words import folded_words

MIN_ANSWERS = 10


@dataclass(frozen=True)
class Driver:
    kind: str  # "theme" or "segment"
    name: str  # the theme's phrase, or "attribute=value"
    nps_with: NpsResult
    nps_without: NpsResult
    change: Change  # with against without: the difference and its 95% interval
    impact: float  # share of answers with it × difference, in points

    @property
    def answers(self) -> int:
        return self.nps_with.n


def driver(kind: str, name: str, with_it: NpsResult, total: NpsResult) -> Driver | None:
    """`with_it` against the rest of `total`; None when either side has no answers."""
    without = nps_from_counts(total.promoters - with_it.promoters,
                              total.passives - with_it.passives,
                              total.detractors - with_it.detractors)
    change = nps_change(with_it, without)
    if change.difference is None:
        return None
    return Driver(kind, name, with_it, without, change, with_it.n / total.n * change.difference)


def ranked(drivers: Iterable[Driver]) -> list[Driver]:
    """Largest |impact| first; equal impacts by name, so the order never flickers."""
    return sorted(drivers, key=lambda d: (-abs(d.impact), d.kind, d.name))


@dataclass(frozen=True)
class ScoredComment:
    score: int  # the NPS answer, 0–10
    text: str


def _phrase_words(phrase: str) -> tuple[str, ...]:
    return tuple(phrase.split())


def mention_counts(comments: Iterable[ScoredComment], phrases: Sequence[str]
                   ) -> dict[str, NpsResult]:
    """NPS of the answers whose comment mentions each phrase, matched as bot.insights.themes
    counts a theme: its folded word, or its two folded words side by side."""
    wanted = {phrase: _phrase_words(phrase) for phrase in phrases}
    singles = {words[0]: phrase for phrase, words in wanted.items() if len(words) == 1}
    pairs = {words: phrase for phrase, words in wanted.items() if len(words) == 2}
    counts = {phrase: [0, 0, 0] for phrase in phrases}
    place = {"promoter": 0, "passive": 1, "detractor": 2}
    for comment in comments:
        words = folded_words(comment.text)
        found = {singles[w] for w in singles.keys() & set(words)}
        found |= {pairs[p] for p in pairs.keys() & set(pairwise(words))}
        index = place[nps_class(comment.score)]
        for phrase in found:
            counts[phrase][index] += 1
    return {phrase: nps_from_counts(*c) for phrase, c in counts.items()}


def theme_drivers(comments: Sequence[ScoredComment], phrases: Sequence[str], total: NpsResult,
                  *, minimum: int) -> list[Driver]:
    """A driver per phrase mentioned in MIN_ANSWERS answers or more (and the minimum), whose
    other answers number at least the minimum too; ranked."""
    found = []
    for phrase, with_it in mention_counts(comments, phrases).items():
        if with_it.n < max(MIN_ANSWERS, minimum) or total.n - with_it.n < minimum:
            continue
        made = driver("theme", phrase, with_it, total)
        if made is not None:
            found.append(made)
    return ranked(found)
