"""The /engagement query, parsed into a typed query or a usage error naming the mistake.

    /engagement [overview|nps|csat|trend [weekly|monthly]|segment ATTRIBUTE|
                 comments [positive|negative|neutral] [THEME]|themes|followups [effect]|
                 movement|map [movement]|plan|outcomes|drivers|help]
                [7d|30d|90d|quarter|year|since YYYY-MM-DD] [share]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from bot.core.periods import DEFAULT_DAYS, MAX_DAYS, Calendar, PeriodSpec
from bot.core.usage import UsageError, closest

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
    MOVEMENT = "movement"  # customers moving between NPS classes since the period before
    PLAN = "plan"  # the next step for each place of the map, and who is there
    # `map movement` (or `engagement movement`): who moved between the map's places. Its value
    # has a space, so no single typed word is taken for it.
    CONTINUUM = "map movement"
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
    effect: bool = False  # followups effect: whether following up changed the next answer


def _parse_query(words: list[str]) -> EngagementQuery:
    kind: QueryKind | None = None
    period: PeriodSpec | None = None
    granularity, attribute, sentiment, share = Granularity.MONTHLY, None, None, False
    industry: str | None = None
    effect = False
    theme: list[str] = []
    theme_closed = False
    position = 0
    while position < len(words):
        word = words[position]
        position += 1
        if theme and not (kind is QueryKind.COMMENTS and _is_theme_word(word)):
            theme_closed = True  # a theme is one run of words: "comments dark mode 30d"
        if kind is None and word == "map":  # the map's everyday name
            kind = QueryKind.ENGAGEMENT
            continue
        if kind is QueryKind.ENGAGEMENT and word == "movement":
            kind = QueryKind.CONTINUUM
            continue
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
        if kind is QueryKind.FOLLOWUPS and word == "effect" and not effect:
            effect = True
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
        raise UsageError(f"I don't know “{word}”", word, closest(word, _vocabulary(kind)))
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
        effect=effect,
    )


def _vocabulary(kind: QueryKind | None) -> list[str]:
    """Words that could stand where an unknown one did: what a typo is matched against."""
    words = [*Calendar.__members__.values(), "since", "share"]
    if kind is None:
        words += [k.value for k in QueryKind if " " not in k.value] + ["map"]
    if kind is QueryKind.TREND:
        words += [g.value for g in Granularity]
    if kind is QueryKind.COMMENTS:
        words += list(SENTIMENTS)
    if kind is QueryKind.ENGAGEMENT:
        words.append("movement")
    return words


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


class PlanAction(StrEnum):
    SET = "set"  # choose the next step for a place
    RESET = "reset"  # back to the default step
    FOLLOWUP = "followup"  # open a follow-up for everyone in a place


PLAN_ACTIONS = tuple(action.value for action in PlanAction)
MAX_STEP_LENGTH = 200
# Quotes people type around the step, straight or as Slack's clients curl them.
_QUOTES = "\"'“”‘’"


@dataclass(frozen=True)
class PlanCommand:
    action: PlanAction
    place: str  # a value of bot.insights.engagement.Segment, placed ones only
    next_step: str | None = None  # SET only


def is_plan_command(words: list[str]) -> bool:
    return len(words) > 1 and words[0].lower() == "plan" and words[1].lower() in PLAN_ACTIONS


def parse_plan(words: list[str], places: tuple[str, ...]) -> PlanCommand:
    """`plan set PLACE "STEP"`, `plan reset PLACE` or `plan followup PLACE`: the words after
    /engagement, as typed (the step keeps its case)."""
    action = PlanAction(words[1].lower())
    if len(words) < 3:
        raise UsageError(f"name the place: {', '.join(places)}", words[1])
    place = words[2].lower()
    if place not in places:
        raise UsageError(f"the places are {', '.join(places)}", words[2])
    if action is not PlanAction.SET:
        if len(words) > 3:
            raise UsageError(f"plan {action.value} takes only the place", words[3])
        return PlanCommand(action, place)
    step = " ".join(words[3:]).strip().strip(_QUOTES).strip()
    if not step:
        raise UsageError('write the step, e.g. plan set at_risk "call within 5 days"', place)
    if len(step) > MAX_STEP_LENGTH:
        raise UsageError(f"a step is at most {MAX_STEP_LENGTH} characters", step)
    return PlanCommand(action, place, step)
