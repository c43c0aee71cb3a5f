"""Parses the text after /engagement into a typed query, or a usage error naming the mistake.

    /engagement [overview|nps|csat|trend [weekly|monthly]|segment ATTRIBUTE|
                 comments [positive|negative|neutral] [THEME]|themes|followups|help]
                [7d|30d|90d|quarter|year|since YYYY-MM-DD] [share]
    /engagement pulse list|new|send NAME|pause NAME|resume NAME|delete NAME
    /engagement digest subscribe [weekly|monthly] [HH:MM] [TIME/ZONE] [pulse:NAME |
                                 segment:KEY=VALUE ...] | list | stop N
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
_TIME = re.compile(r"^\d{1,2}:\d{2}$")
# A digest number as `digest list` shows it: ASCII digits (str.isdigit() also takes "²", which
# int() refuses) and short enough for a database integer.
_NUMBER = re.compile(r"^#?([0-9]{1,9})$")
# Letters and digits with the joiners product words use ("e-mail", "c++", "csv/xlsx", "100%",
# "api_key"); no <, >, & or @, so a theme can never carry Slack markup into a heading.
_THEME_WORD = re.compile(r"^[^\W_][\w'+#./%-]*$")
MAX_THEME_LENGTH = 60

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
    theme: str | None = None  # comments that mention this text, any case
    share: bool = False  # post in the channel instead of privately


@dataclass(frozen=True)
class PulseCommand:
    """An admin subcommand: `/engagement pulse ACTION [NAME]`."""

    action: PulseAction
    name: str | None = None


class DigestAction(StrEnum):
    SUBSCRIBE = "subscribe"
    LIST = "list"
    STOP = "stop"


@dataclass(frozen=True)
class DigestCommand:
    """An admin subcommand: `/engagement digest subscribe|list|stop` for the current channel."""

    action: DigestAction
    cadence: str = "weekly"
    send_time: str = "09:00"
    timezone: str = "UTC"
    number: int | None = None  # stop
    pulse: str | None = None  # scope: `pulse:NAME` ...
    segment: tuple[str, ...] = ()  # ... or `segment:plan=enterprise` (repeatable)


def parse_engagement(
    text: str,
) -> EngagementQuery | PulseCommand | DigestCommand | SettingsCommand:
    words = text.strip().split()
    if words and words[0].lower() == "pulse":
        return _parse_pulse(words[1:])
    if words and words[0].lower() == "digest":
        return _parse_digest(words[1:])
    if is_settings_command(words):
        return parse_settings(words)
    return _parse_query([word.lower() for word in words])


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
        period=period or PeriodSpec(),
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


def _parse_digest(words: list[str]) -> DigestCommand:
    if not words:
        raise UsageError("say what to do with the digest: subscribe, list or stop", "digest")
    try:
        action = DigestAction(words[0].lower())
    except ValueError:
        raise UsageError(f"the digest can't “{words[0]}”", words[0]) from None
    rest = words[1:]
    if action is DigestAction.LIST:
        if rest:
            raise UsageError("“digest list” takes nothing more", rest[0])
        return DigestCommand(action)
    if action is DigestAction.STOP:
        number = _NUMBER.match(rest[0]) if len(rest) == 1 else None
        if number is None:
            raise UsageError("say which digest to stop, by the number `digest list` shows",
                             " ".join(rest) or "stop")
        return DigestCommand(action, number=int(number.group(1)))
    settings: dict[str, str] = {}
    segment: list[str] = []
    for word in rest:
        if word.lower().startswith("segment:") and len(word) > 8:
            segment.append(word[8:])
            continue
        if word.lower().startswith("pulse:") and len(word) > 6 and "pulse" not in settings:
            settings["pulse"] = word[6:]
            continue
        key = ("cadence" if word.lower() in ("weekly", "monthly")
               else "send_time" if _TIME.match(word)
               else "timezone" if "/" in word or word.upper() == "UTC" else None)
        if key is None or key in settings:
            raise UsageError(f"I don't know “{word}” here", word)
        settings[key] = word.lower() if key == "cadence" else word
    return DigestCommand(
        action,
        cadence=settings.get("cadence", "weekly"),
        send_time=settings.get("send_time", "09:00"),
        timezone=settings.get("timezone", "UTC"),
        pulse=settings.get("pulse"),
        segment=tuple(segment),
    )
