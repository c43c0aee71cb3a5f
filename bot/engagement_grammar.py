"""Parses the text after /engagement into a typed query, or a usage error naming the mistake."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

DEFAULT_DAYS = 90
MAX_DAYS = 3660
_PERIOD = re.compile(r"^(\d{1,4})d$")


class QueryKind(StrEnum):
    OVERVIEW = "overview"
    COMMENTS = "comments"
    HELP = "help"


class PulseAction(StrEnum):
    LIST = "list"
    NEW = "new"
    SEND = "send"
    PAUSE = "pause"
    RESUME = "resume"
    DELETE = "delete"


NAMED_ACTIONS = frozenset({PulseAction.SEND, PulseAction.PAUSE, PulseAction.RESUME,
                           PulseAction.DELETE})


@dataclass(frozen=True)
class EngagementQuery:
    kind: QueryKind = QueryKind.OVERVIEW
    days: int = DEFAULT_DAYS


@dataclass(frozen=True)
class PulseCommand:
    """An admin subcommand: `/engagement pulse ACTION [NAME]`."""

    action: PulseAction
    name: str | None = None


class UsageError(Exception):
    """The command could not be understood; `mistake` is the word that was not."""

    def __init__(self, message: str, mistake: str) -> None:
        super().__init__(message)
        self.mistake = mistake


def parse_engagement(text: str) -> EngagementQuery | PulseCommand:
    words = text.strip().split()
    if words and words[0].lower() == "pulse":
        return _parse_pulse(words[1:])
    words = [word.lower() for word in words]
    kind: QueryKind | None = None
    days: int | None = None
    for word in words:
        if word in QueryKind.__members__.values() and kind is None:
            kind = QueryKind(word)
            continue
        period = _PERIOD.match(word)
        if period and days is None:
            days = int(period.group(1))
            if not 1 <= days <= MAX_DAYS:
                raise UsageError(f"a period must be between 1d and {MAX_DAYS}d", word)
            continue
        raise UsageError(f"I don't know “{word}”", word)
    return EngagementQuery(kind=kind or QueryKind.OVERVIEW, days=days or DEFAULT_DAYS)


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
