"""The benchmark answer's "All N benchmarks" button carries the question it answered.

Its value is compact JSON (industry and period), read back when the button is clicked so the
full list answers the same question. A value that does not read back is refused in one line:
it did not come from a message the bot wrote.
"""

from __future__ import annotations

import json
from datetime import date

from bot.core.errors import UserFacingError
from bot.core.periods import MAX_DAYS, Calendar, PeriodSpec
from bot.reporting.grammar import EngagementQuery, QueryKind

MAX_VALUE = 2000  # Slack's limit on a button's value


class StaleButton(UserFacingError):
    """A button value that is not one the bot wrote."""


def button_value(query: EngagementQuery) -> str:
    spec = query.period
    value = json.dumps({
        "industry": query.industry,
        "days": spec.days,
        "calendar": None if spec.calendar is None else spec.calendar.value,
        "since": None if spec.since is None else spec.since.isoformat(),
    }, separators=(",", ":"))
    if len(value) > MAX_VALUE:  # an industry typed at length: the button asks without it
        return button_value(EngagementQuery(kind=query.kind, period=query.period))
    return value


def query_from(value: str) -> EngagementQuery:
    """The benchmark question a button value names; StaleButton when it names none."""
    refused = StaleButton("That button is from a message the bot cannot read back; "
                          "ask `/engagement benchmark` again.")
    try:
        data = json.loads(value)
        industry, days = data["industry"], data["days"]
        calendar = None if data["calendar"] is None else Calendar(data["calendar"])
        since = None if data["since"] is None else date.fromisoformat(data["since"])
    except (ValueError, TypeError, KeyError):
        raise refused from None
    if not (industry is None or isinstance(industry, str)):
        raise refused
    whole = isinstance(days, int) and not isinstance(days, bool)
    if not (days is None or (whole and 1 <= days <= MAX_DAYS)):
        raise refused
    return EngagementQuery(kind=QueryKind.BENCHMARK, industry=industry,
                           period=PeriodSpec(days=days, calendar=calendar, since=since))
