"""The /engagement query, parsed into a typed query or a usage error naming the mistake.

    /engagement [overview|nps|csat|trend [weekly|monthly]|segment ATTRIBUTE|
                 comments [positive|negative|neutral] [THEME]|themes|followups|outcomes|
                 drivers|help]
                [7d|30d|90d|quarter|year|since YYYY-MM-DD] [share]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from bot.core.periods import DEFAULT_DAYS, MAX_DAYS, Calendar, PeriodSpec
from bot.core.usage import UsageError

_PERIOD = re.compile(r"^(\d{1,4})d$")
_ATTRIBUTE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# Letters and digits with the joiners product words use ("e-mail", "c++", "csv/xlsx", "100%",
# "api_key"); no <, >, & or @, so a theme can never carry Slack markup into a heading.
_THEME_WORD = re.compile(r"^[^\W_][\w'+#./%-]*$")
MAX_THEME_LENGTH = 60
# `outcomes` without a period: a year, since most contracts renew once a year and a shorter
# window shows only the customers whose anniversary fell in it (bot.reporting.outcomes).
OUTCOMES_DAYS = 365

__all__ = ["DEFAULT_DAYS", "MAX_DAYS", "UsageError"]


class QueryKind(StrEnum):
    OVERVIEW = "overview"
    NPS = "nps"
    CSAT = "csat"
    TREND = "trend"
    SEGMENT = "segment"
    BENCHMARK = "benchmark"
    ENGAGEMENT = "engagement"
    COMMENTS = "comments"
    THEMES = "themes"
    FOLLOWUPS = "followups"  # open follow-ups and response times (closing the loop)
    OUTCOMES = "outcomes"  # revealed loyalty: renewals and churn by what customers said
    DRIVERS = "drivers"  # themes and segments that go with a higher or lower NPS
    HELP = "help"


class Granularity(StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"


SENTIMENTS = ("positive", "negative", "neutral")


@dataclass(frozen=True)
class EngagementQuery:
    kind: QueryKind = QueryKind.OVERVIEW
    period: PeriodSpec = field(default_factory=PeriodSpec)
    granularity: Granularity = Granularity.MONTHLY
    attribute: str | None = None  # segment
    industry: str | None = None  # benchmark
    sentiment: str | None = None  # comments filter
    theme: str | None = None  # comments that mention this text, any case
    share: bool = False  # post in the channel instead of privately


def _parse_query(words: list[str]) -> EngagementQuery:
    kind: QueryKind | None = None
    period: PeriodSpec | None = None
    granularity, attribute, sentiment, share = Granularity.MONTHLY, None, None, False
    industry: str | None = None
    theme: list[str] = []
    theme_closed = False
    position = 0
    while position < len(words):
        word = words[position]
        position += 1
        if theme and not (kind is QueryKind.COMMENTS and _is_theme_word(word)):
            theme_closed = True  # a theme is one run of words: "comments dark mode 30d"
        if kind is None and word in QueryKind.__members__.values():
            kind = QueryKind(word)
            if kind is QueryKind.SEGMENT:
                if position >= len(words) or not _ATTRIBUTE.match(words[position]):
                    raise UsageError("name the attribute to break down by, e.g. plan", word)
                attribute = words[position]
                position += 1
            if kind is QueryKind.BENCHMARK and position < len(words):
                candidate = words[position]
                if _ATTRIBUTE.match(candidate) and not _is_period_word(candidate) \
                        and candidate != "share":
                    industry = candidate
                    position += 1
            continue
        if kind is QueryKind.TREND and word in Granularity.__members__.values():
            granularity = Granularity(word)
            continue
        if kind is QueryKind.COMMENTS and word in SENTIMENTS and sentiment is None:
            sentiment = word
            continue
        if kind is QueryKind.COMMENTS and not theme_closed and _is_theme_word(word):
            theme.append(word)
            continue
        if word == "share" and not share:
            share = True
            continue
        if period is None:
            period, position = _period(words, position - 1)
            if period is not None:
                continue
        raise UsageError(f"I don't know “{word}”", word)
    theme_text = " ".join(theme) or None
    if theme_text is not None and len(theme_text) > MAX_THEME_LENGTH:
        raise UsageError(f"a theme is at most {MAX_THEME_LENGTH} characters", theme_text)
    return EngagementQuery(
        kind=kind or QueryKind.OVERVIEW,
        period=period or PeriodSpec(days=OUTCOMES_DAYS if kind is QueryKind.OUTCOMES
                                    else DEFAULT_DAYS),
        granularity=granularity,
        attribute=attribute,
        industry=industry,
        sentiment=sentiment,
        theme=theme_text,
        share=share,
    )


def _is_theme_word(word: str) -> bool:
    """Free text after `comments`, but never a word the grammar already gives a meaning."""
    return (
        bool(_THEME_WORD.match(word))
        and not _is_period_word(word)
        and word != "share"
        and word not in SENTIMENTS
        and word not in QueryKind.__members__.values()
    )


def _is_period_word(word: str) -> bool:
    return bool(_PERIOD.match(word)) or word in Calendar.__members__.values() or word == "since"


def _period(words: list[str], position: int) -> tuple[PeriodSpec | None, int]:
    """A period starting at words[position], and the position after it."""
    word = words[position]
    rolling = _PERIOD.match(word)
    if rolling:
        days = int(rolling.group(1))
        if not 1 <= days <= MAX_DAYS:
            raise UsageError(f"a period must be between 1d and {MAX_DAYS}d", word)
        return PeriodSpec(days=days), position + 1
    if word in Calendar.__members__.values():
        return PeriodSpec(days=None, calendar=Calendar(word)), position + 1
    if word == "since":
        if position + 1 >= len(words):
            raise UsageError("say since when, e.g. since 2026-01-01", word)
        try:
            since = date.fromisoformat(words[position + 1])
        except ValueError:
            raise UsageError("write the date as YYYY-MM-DD", words[position + 1]) from None
        if since.year < 2000:
            raise UsageError("that is too long ago", words[position + 1])
        return PeriodSpec(days=None, since=since), position + 2
    return None, position + 1


def parse_query(text: str) -> EngagementQuery:
    return _parse_query([word.lower() for word in text.strip().split()])
