"""Parses the text after /engagement into a typed query, or a usage error naming the mistake.

    /engagement [overview|nps|csat|trend [weekly|monthly]|segment ATTRIBUTE|comments
                 [positive|negative|neutral]|help] [7d|30d|90d|quarter|year|since YYYY-MM-DD]
                [share]
    /engagement pulse list|new|send NAME|pause NAME|resume NAME|delete NAME
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from bot.grammar_errors import UsageError
from bot.periods import DEFAULT_DAYS, MAX_DAYS, Calendar, PeriodSpec
from bot.settings_grammar import SettingsCommand, is_settings_command, parse_settings

_PERIOD = re.compile(r"^(\d{1,4})d$")
_ATTRIBUTE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")

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
    HELP = "help"


class Granularity(StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"


SENTIMENTS = ("positive", "negative", "neutral")


class PulseAction(StrEnum):
    LIST = "list"
    NEW = "new"
    SEND = "send"
    PAUSE = "pause"
    RESUME = "resume"
    DELETE = "delete"


NAMED_ACTIONS = frozenset(
    {PulseAction.SEND, PulseAction.PAUSE, PulseAction.RESUME, PulseAction.DELETE}
)


@dataclass(frozen=True)
class EngagementQuery:
    kind: QueryKind = QueryKind.OVERVIEW
    period: PeriodSpec = field(default_factory=PeriodSpec)
    granularity: Granularity = Granularity.MONTHLY
    attribute: str | None = None  # segment
    industry: str | None = None  # benchmark
    sentiment: str | None = None  # comments filter
    share: bool = False  # post in the channel instead of privately


@dataclass(frozen=True)
class PulseCommand:
    """An admin subcommand: `/engagement pulse ACTION [NAME]`."""

    action: PulseAction
    name: str | None = None


def parse_engagement(text: str) -> EngagementQuery | PulseCommand | SettingsCommand:
    words = text.strip().split()
    if words and words[0].lower() == "pulse":
        return _parse_pulse(words[1:])
    if is_settings_command(words):
        return parse_settings(words)
    return _parse_query([word.lower() for word in words])


def _parse_query(words: list[str]) -> EngagementQuery:
    kind: QueryKind | None = None
    period: PeriodSpec | None = None
    granularity, attribute, sentiment, share = Granularity.MONTHLY, None, None, False
    industry: str | None = None
    position = 0
    while position < len(words):
        word = words[position]
        position += 1
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
        if word == "share" and not share:
            share = True
            continue
        if period is None:
            period, position = _period(words, position - 1)
            if period is not None:
                continue
        raise UsageError(f"I don't know “{word}”", word)
    return EngagementQuery(
        kind=kind or QueryKind.OVERVIEW,
        period=period or PeriodSpec(),
        granularity=granularity,
        attribute=attribute,
        industry=industry,
        sentiment=sentiment,
        share=share,
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


def _parse_pulse(words: list[str]) -> PulseCommand:
    if not words:
        raise UsageError("say what to do with pulses", "pulse")
    try:
        action = PulseAction(words[0].lower())
    except ValueError:
        raise UsageError(f"pulses can't “{words[0]}”", words[0]) from None
    name = " ".join(words[1:]) or None
    if action in NAMED_ACTIONS and name is None:
        raise UsageError(f"name the pulse to {action.value}", action.value)
    if action not in NAMED_ACTIONS and name is not None:
        raise UsageError(f"“pulse {action.value}” takes no name", name)
    return PulseCommand(action=action, name=name)
