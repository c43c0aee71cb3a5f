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


@dataclass(frozen=True)
class EngagementQuery:
    kind: QueryKind = QueryKind.OVERVIEW
    days: int = DEFAULT_DAYS


class UsageError(Exception):
    """The command could not be understood; `mistake` is the word that was not."""

    def __init__(self, message: str, mistake: str) -> None:
        super().__init__(message)
        self.mistake = mistake


def parse_engagement(text: str) -> EngagementQuery:
    words = text.strip().lower().split()
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
