"""The "All N benchmarks" button carries its question and reads back only what it wrote."""

from __future__ import annotations

from datetime import date

import pytest

from bot.app.grammar import parse_engagement
from bot.reporting.benchmark_button import MAX_VALUE, StaleButton, button_value, query_from
from bot.reporting.grammar import EngagementQuery, QueryKind


@pytest.mark.parametrize("typed", [
    "benchmark", "benchmark insurance", "benchmark quarter", "benchmark year",
    "benchmark since 2026-01-01", "benchmark grocery 30d",
])
def test_a_button_answers_the_question_typed(typed: str) -> None:
    query = parse_engagement(typed)
    assert isinstance(query, EngagementQuery)

    again = query_from(button_value(query))

    assert again.kind is QueryKind.BENCHMARK
    assert (again.industry, again.period) == (query.industry, query.period)


@pytest.mark.parametrize("value", [
    "", "not json", "[]", '{"industry": null}', '{"industry": 3, "days": 90, "calendar": null,'
    ' "since": null}', '{"industry": null, "days": true, "calendar": null, "since": null}',
    '{"industry": null, "days": -1, "calendar": null, "since": null}',
    '{"industry": null, "days": 3661, "calendar": null, "since": null}',
    '{"industry": null, "days": 90, "calendar": "decade", "since": null}',
    '{"industry": null, "days": null, "calendar": null, "since": "yesterday"}',
])
def test_a_value_the_bot_did_not_write_is_refused(value: str) -> None:
    with pytest.raises(StaleButton):
        query_from(value)


def test_an_industry_typed_at_length_still_fits_a_button() -> None:
    query = EngagementQuery(kind=QueryKind.BENCHMARK, industry="x" * 3000)

    value = button_value(query)

    assert len(value) <= MAX_VALUE
    assert query_from(value).industry is None


def test_since_is_kept_as_a_date() -> None:
    query = parse_engagement("benchmark since 2026-01-01")
    assert isinstance(query, EngagementQuery)
    assert query_from(button_value(query)).period.since == date(2026, 1, 1)
