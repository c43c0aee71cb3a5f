"""`movement [PERIOD]` and `followups effect`: parsed like every other /engagement answer."""

from __future__ import annotations

from datetime import date

import pytest

from bot.app.grammar import parse_engagement
from bot.core.periods import Calendar, PeriodSpec
from bot.reporting.grammar import EngagementQuery, QueryKind, UsageError


@pytest.mark.parametrize(("text", "expected"), [
    ("movement", EngagementQuery(QueryKind.MOVEMENT)),
    ("movement 30d", EngagementQuery(QueryKind.MOVEMENT, PeriodSpec(days=30))),
    ("Movement quarter share", EngagementQuery(QueryKind.MOVEMENT,
                                               PeriodSpec(None, Calendar.QUARTER), share=True)),
    ("movement since 2026-01-01",
     EngagementQuery(QueryKind.MOVEMENT, PeriodSpec(None, since=date(2026, 1, 1)))),
    ("followups", EngagementQuery(QueryKind.FOLLOWUPS)),  # unchanged: the open follow-ups
    ("followups 30d", EngagementQuery(QueryKind.FOLLOWUPS, PeriodSpec(days=30))),
    ("followups effect", EngagementQuery(QueryKind.FOLLOWUPS, effect=True)),
    ("followups EFFECT year", EngagementQuery(QueryKind.FOLLOWUPS, PeriodSpec(None,
                                                                           Calendar.YEAR),
                                              effect=True)),
])
def test_parses(text: str, expected: EngagementQuery) -> None:
    assert parse_engagement(text) == expected


@pytest.mark.parametrize(("text", "word"), [
    ("effect", "effect"),  # only followups has an effect
    ("movement effect", "effect"),
    ("followups effect effect", "effect"),
    ("movement 0d", "0d"),
    ("movement plan", "plan"),
])
def test_mistakes_name_the_word(text: str, word: str) -> None:
    with pytest.raises(UsageError) as mistake:
        parse_engagement(text)
    assert mistake.value.mistake == word
