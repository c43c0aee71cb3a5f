"""What admins type for benchmarks, targets and the industry: accepted, or refused with a reason."""

from __future__ import annotations

import pytest

from bot.benchmarks.grammar import (
    AddBenchmark,
    ClearTarget,
    ListBenchmarks,
    RemoveBenchmark,
    SetIndustry,
    SetTarget,
    is_settings_command,
    parse_settings,
)
from bot.benchmarks.inputs import (
    InvalidSetting,
    choose_industry,
    clean_name,
    clean_source,
    parse_benchmark_id,
    parse_metric,
    parse_value,
    parse_year,
)
from bot.core.usage import UsageError
from storage.models import Metric

KNOWN = [("b2b_saas_software", "Software & SaaS"), ("insurance", "Insurance")]


@pytest.mark.parametrize(
    ("metric", "raw", "expected"),
    [(Metric.NPS, "62", 62.0), (Metric.NPS, "-100", -100.0), (Metric.NPS, "\u221220", -20.0),
     (Metric.CSAT, "85%", 85.0), (Metric.CSAT, 0, 0.0), (Metric.NPS, 32.5, 32.5)],
)
def test_values_on_the_metrics_scale_are_accepted(metric: Metric, raw: str | float,
                                                  expected: float) -> None:
    assert parse_value(metric, raw) == expected


@pytest.mark.parametrize(
    ("metric", "raw", "message"),
    [(Metric.NPS, "101", "NPS runs from -100 to 100"), (Metric.NPS, "-101", "runs from"),
     (Metric.CSAT, "-1", "CSAT % runs from 0 to 100"), (Metric.CSAT, "120%", "runs from"),
     (Metric.NPS, "lots", "is not a number"), (Metric.NPS, "nan", "runs from"),
     (Metric.NPS, "inf", "runs from")],
)
def test_values_off_the_scale_are_refused(metric: Metric, raw: str, message: str) -> None:
    with pytest.raises(InvalidSetting, match=message):
        parse_value(metric, raw)


def test_metrics_are_nps_or_csat() -> None:
    assert (parse_metric("NPS"), parse_metric("csat%")) == (Metric.NPS, Metric.CSAT)
    with pytest.raises(InvalidSetting, match="choose nps or csat"):
        parse_metric("ces")


def test_names_are_one_line_of_at_most_80_characters() -> None:
    assert clean_name("  Acme \n (competitor) ") == "Acme (competitor)"
    assert clean_name("x" * 80) == "x" * 80
    with pytest.raises(InvalidSetting, match="at most 80 characters, not 81"):
        clean_name("x" * 81)
    with pytest.raises(InvalidSetting, match="name the company"):
        clean_name("   ")


def test_years_sources_and_ids() -> None:
    assert parse_year(None, this_year=2026) is None
    assert parse_year("2026", this_year=2026) == 2026
    for bad in ("2027", "1900", "26x"):
        with pytest.raises(InvalidSetting, match="a year runs from 1990 to 2026"):
            parse_year(bad, this_year=2026)
    assert clean_source("  their 2026 report ") == "their 2026 report"
    assert clean_source(" ") is None
    with pytest.raises(InvalidSetting, match="at most 200"):
        clean_source("x" * 201)
    assert parse_benchmark_id("#12") == 12
    with pytest.raises(InvalidSetting, match="not a benchmark number"):
        parse_benchmark_id("twelve")


def test_an_industry_is_a_shipped_key_or_its_name() -> None:
    assert choose_industry("B2B_SaaS_Software", KNOWN) == "b2b_saas_software"
    assert choose_industry("Software & SaaS", KNOWN) == "b2b_saas_software"
    with pytest.raises(InvalidSetting) as refused:
        choose_industry("fintech", KNOWN)
    assert "Choose one of: b2b_saas_software, insurance" in str(refused.value)


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("set industry insurance", SetIndustry("insurance")),
        ("set industry clear", SetIndustry(None)),
        ("benchmark add nps 62 Acme (competitor)", AddBenchmark("nps", "62", "Acme (competitor)")),
        ("benchmark add csat 91 Best Co year:2025 source:their 2025 report",
         AddBenchmark("csat", "91", "Best Co", "2025", "their 2025 report")),
        ("benchmark list", ListBenchmarks()),
        ("benchmark remove 3", RemoveBenchmark("3")),
        ("target nps 50", SetTarget("nps", "50")),
        ("target clear csat", ClearTarget("csat")),
    ],
)
def test_the_settings_grammar(text: str, command: object) -> None:
    words = text.split()
    assert is_settings_command(words)
    assert parse_settings(words) == command


@pytest.mark.parametrize(
    "text", ["set colour blue", "set industry", "target nps", "benchmark add nps 62",
             "benchmark add nps 62 year:2020", "benchmark remove", "benchmark list all"],
)
def test_incomplete_settings_commands_say_what_is_missing(text: str) -> None:
    with pytest.raises(UsageError):
        parse_settings(text.split())


def test_benchmark_with_an_industry_is_still_a_query() -> None:
    assert not is_settings_command(["benchmark", "insurance"])
    assert not is_settings_command(["benchmark"])
