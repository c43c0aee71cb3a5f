"""The benchmark answer's headline: which figures lead, how old they are, and one screen."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.benchmarks.comparison import BenchmarkComparison, compare_with_benchmarks
from bot.benchmarks.comparison_blocks import (
    ONE_SCREEN,
    all_benchmarks_message,
    benchmark_message,
)
from bot.benchmarks.custom import CustomFigure, as_benchmark
from bot.benchmarks.inputs import MAX_NAME, MAX_SOURCE
from bot.benchmarks.published import (
    NPS,
    Benchmark,
    age_in_years,
    custom_benchmark,
    describe_age,
    industries,
    is_dated,
    load_default_benchmarks,
)
from bot.core.periods import Period
from bot.insights.metrics import csat_from_scores, nps_from_scores
from bot.reporting.figures import Overview
from bot.reporting.summary_blocks import benchmark_line
from bot.sandbox.render import shown_text
from storage.models import Metric

NOW = datetime(2026, 12, 7, tzinfo=UTC)
SAAS = "b2b_saas_software"  # ships no NPS figure: a test's own figure is the industry's only one


def _overview() -> Overview:
    return Overview(Period(NOW, NOW, "last 90 days"), nps_from_scores({10: 45, 8: 35, 2: 20}),
                    csat_from_scores({5: 30, 4: 50, 2: 20}), 10, 7, 70.0, {})


def _published(**overrides: Any) -> Benchmark:
    fields: dict[str, Any] = {
        "metric": NPS, "industry": SAAS, "industry_name": "Software & SaaS",
        "statistic": "average", "source": "Research Co", "year": 2023, "trust": "A",
        "population": "b2b", "value": 30.0, "url": "https://research.example/nps",
    }
    return Benchmark(**(fields | overrides))


def _compared(industry: str | None, today: date, extra: list[Benchmark] | None = None
              ) -> BenchmarkComparison:
    return compare_with_benchmarks(_overview(), industry=industry, today=today, extra=extra)


def _shown(message: Any) -> str:
    return shown_text([block.to_dict() for block in message.blocks])


def _headline(comparison: BenchmarkComparison) -> list[Benchmark]:
    return [line.benchmark for _, line in comparison.headline if line.benchmark is not None]


# ---------------------------------------------------------------- age and the five-year rule


@pytest.mark.parametrize(("today", "dated"), [
    (date(2028, 1, 1), False),  # exactly five years after the first day of 2023
    (date(2028, 1, 2), True),  # five years and a day
])
def test_a_figure_is_dated_only_after_five_whole_years(today: date, dated: bool) -> None:
    figure = _published(year=2023)

    assert is_dated(figure, today) is dated
    assert age_in_years(figure, today) == 5
    assert describe_age(figure, today) == "2023, 5 years old" + (", dated" if dated else "")


def test_the_age_counts_whole_years_and_a_missing_year_is_said() -> None:
    assert describe_age(_published(year=2023), date(2026, 12, 7)) == "2023, 3 years old"
    assert describe_age(_published(year=2025), date(2026, 1, 1)) == "2025, 1 year old"
    assert describe_age(_published(year=2026), date(2026, 6, 1)) == "2026, this year"
    assert describe_age(_published(year=None), date(2026, 6, 1)) == "year not stated"


@pytest.mark.parametrize(("today", "leads"), [
    (date(2028, 1, 1), True),
    (date(2028, 1, 2), False),
])
def test_the_headline_never_picks_a_dated_figure(today: date, leads: bool) -> None:
    figure = _published(year=2023)

    comparison = _compared(SAAS, today, extra=[figure])

    assert (figure in _headline(comparison)) is leads
    assert all(not line.dated for _, line in comparison.headline)
    # Dated or not, the full list still shows it, marked.
    [line] = [line for line in comparison.sections[0].lines if line.benchmark == figure]
    assert line.dated is not leads
    assert ("dated" in line.source) is not leads


def test_the_headline_takes_the_industry_figure_the_csat_and_the_bar_in_that_order() -> None:
    typical = _published(year=2025, value=35)
    older = _published(year=2024, value=20, trust="A")
    best = _published(year=2024, statistic="top quartile", value=70)
    csat = _published(metric="csat_pct", year=2025, value=88, statistic="median")

    comparison = _compared(SAAS, date(2026, 12, 7), extra=[best, older, csat, typical])

    assert _headline(comparison) == [typical, csat, best]


def test_the_newest_figure_leads_and_an_undated_one_never_does() -> None:
    undated = _published(year=None, value=10)
    new = _published(year=2025, value=20, trust="B")
    old = _published(year=2022, value=25, trust="A")

    comparison = _compared(SAAS, date(2026, 12, 7), extra=[undated, old, new])

    assert _headline(comparison)[0] == new
    assert undated not in _headline(comparison)


def test_the_digest_and_home_line_skip_dated_figures() -> None:
    dated = _published(year=2012, value=12)
    recent = _published(year=2024, value=45)

    nps = _compared(SAAS, date(2026, 12, 7), extra=[dated, recent]).sections[0]

    assert "(45)" in (benchmark_line(nps) or "")
    only_dated = _compared(SAAS, date(2026, 12, 7), extra=[dated]).sections[0]
    assert benchmark_line(only_dated) is None


# ---------------------------------------------------------------- consumer figures, B2B readers


def _consumer(industry: str) -> Benchmark:
    return custom_benchmark(metric=NPS, value=20, added_by="Ana", company="Panel Co",
                            industry=industry, year=2025, population="consumer")


CAVEAT = "Consumer figures come from consumers rating companies they use"


def test_a_consumer_figure_beside_a_b2b_workspace_carries_the_caveat() -> None:
    comparison = _compared(SAAS, date(2026, 12, 7), extra=[_consumer(SAAS)])

    assert CAVEAT in _shown(benchmark_message(comparison, period="x", button_value="{}"))
    assert CAVEAT in _shown(all_benchmarks_message(comparison, period="x"))


def test_a_consumer_workspace_reads_consumer_figures_without_the_caveat() -> None:
    comparison = _compared("ecommerce_retail", date(2026, 12, 7),
                           extra=[_consumer("ecommerce_retail")])

    assert any(line.consumer for _, line in comparison.headline)
    assert CAVEAT not in _shown(benchmark_message(comparison, period="x", button_value="{}"))
    assert CAVEAT not in _shown(all_benchmarks_message(comparison, period="x"))


def test_a_b2b_workspace_without_consumer_figures_has_no_caveat() -> None:
    comparison = _compared(SAAS, date(2026, 12, 7), extra=[_published()])

    assert CAVEAT not in _shown(benchmark_message(comparison, period="x", button_value="{}"))


# ---------------------------------------------------------------- one screen, labels not keys


def _largest_custom_set() -> list[Benchmark]:
    """As many custom figures as a comparison shows, each at the longest name and source an
    admin can type, full of characters that escaping lengthens."""
    name, source = ("&<>" * MAX_NAME)[:MAX_NAME], ("<&>" * MAX_SOURCE)[:MAX_SOURCE]
    return [
        as_benchmark(CustomFigure(i, metric, 99, name, 2026, source, "U0ADMIN"))
        for i in range(7) for metric in (Metric.NPS, Metric.CSAT)
    ]


def _every_industry() -> list[str | None]:
    return [None, *(key for key, _ in industries(load_default_benchmarks())), "unknown <&> co"]


def test_the_headline_answer_fits_one_screen_with_the_largest_data_set() -> None:
    longest = 0
    for industry in _every_industry():
        for extra in ([], _largest_custom_set()):
            comparison = _compared(industry, date(2026, 12, 7), extra=extra)
            message = benchmark_message(comparison, period="since 1 September 2026",
                                        button_value="{}")
            longest = max(longest, len(_shown(message)))
    assert longest <= ONE_SCREEN


def test_industry_labels_are_shown_never_keys() -> None:
    for key, label in industries(load_default_benchmarks()):
        comparison = _compared(key, date(2026, 12, 7))
        short = _shown(benchmark_message(comparison, period="x", button_value="{}"))
        full = _shown(all_benchmarks_message(comparison, period="x"))
        lines = [benchmark_line(section) or "" for section in comparison.sections]
        assert label in short.splitlines()[0]
        assert label in full.splitlines()[0]
        for text in (short, full, *lines):
            assert key not in text or "_" not in key, (key, text)


def test_the_digest_chart_line_is_the_headline_figure_never_a_dated_one() -> None:
    from bot.digests.content import headline_benchmark

    dated = _published(year=2020, value=60)  # ranked first: grade A, beside a grade B figure
    recent = _published(year=2024, value=45, trust="B")

    chart = headline_benchmark(_compared(SAAS, date(2026, 12, 7), extra=[dated, recent]))

    assert chart is not None
    assert (chart.value, chart.label) == (45, "the Software & SaaS average, 2024")
    # Only a dated figure for the industry: no line rather than a stale one.
    assert headline_benchmark(_compared(SAAS, date(2026, 12, 7), extra=[dated])) is None
