"""Benchmarks: the shipped data, the build script that makes it, selection and fair comparison."""

from __future__ import annotations

import importlib.util
import textwrap
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest

from bot.benchmarks.published import (
    ACSI_INDEX,
    CSAT_PCT,
    NPS,
    Benchmark,
    benchmarks_for,
    comparable,
    custom_benchmark,
    describe_source,
    industries,
    load_default_benchmarks,
    parse_benchmarks,
    reference_label,
    why_not_comparable,
)

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "build_benchmarks.py"
SHIPPED = ROOT / "bot" / "benchmarks" / "data" / "benchmarks.yml"
RESEARCH = ROOT.parent / "shared" / "benchmarks" / "published-benchmarks.yml"


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_benchmarks", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def figure(**overrides: object) -> Benchmark:
    fields: dict[str, object] = {
        "metric": NPS,
        "industry": "b2b_saas_software",
        "industry_name": "Software & SaaS",
        "statistic": "average",
        "source": "Bain & Company",
        "year": 2024,
        "trust": "A",
        "population": "b2b",
        "value": 41.0,
    }
    fields.update(overrides)
    return Benchmark(**fields)  # type: ignore[arg-type]


# ---------------------------------------------------------------- the shipped file


def test_shipped_figures_are_grade_a_or_b_and_name_their_source() -> None:
    shipped = load_default_benchmarks()
    assert len(shipped) > 50
    assert {b.trust for b in shipped} == {"A", "B"}
    assert all(b.source and b.population in ("b2b", "consumer", "mixed") for b in shipped)
    assert {b.metric for b in shipped} == {"nps", "csat_pct", "acsi_index", "response_rate_pct"}


def test_acsi_is_shipped_as_its_own_index_never_as_csat() -> None:
    shipped = load_default_benchmarks()
    acsi = [b for b in shipped if "ACSI" in b.source]
    assert acsi
    assert all(b.metric == ACSI_INDEX for b in acsi)
    assert all(b.panel and b.population == "consumer" for b in acsi)
    assert not [b for b in shipped if b.metric == CSAT_PCT and "ACSI" in (b.notes or "")]


def test_a_percentile_is_not_shipped_as_an_nps() -> None:
    # CustomerGauge defines best in class as the 90th percentile: 90 is not an NPS of 90.
    shipped = load_default_benchmarks()
    assert not [b for b in shipped if b.metric == NPS and b.value == 90]


def test_shipped_file_is_what_the_script_builds_from_the_research_file(tmp_path: Path) -> None:
    if not RESEARCH.exists():
        pytest.skip(f"the research file is not beside this checkout ({RESEARCH})")
    out = tmp_path / "benchmarks.yml"
    assert load_script().main([str(RESEARCH), "--output", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == SHIPPED.read_text(encoding="utf-8")


# ---------------------------------------------------------------- the build script

RESEARCH_SAMPLE = """\
version: 1
conventions:
  acsi_note: "ACSI is a 0-100 model index"
  trust_grades: {A: own page, B: wire, C: second-hand, D: do not ship}
nps_thresholds:
  - {label: world_class, min: 70, source: CustomerGauge, year: null, trust: A}
  - {label: favorable, min_exclusive: 20, source: "blog", year: null, trust: C}
benchmarks:
  - {industry: grocery, segment: b2c, region: US, metric: nps, statistic: mean, value: 30.1,
     unit: nps_points, source: "XM Institute 2023", year: 2023, trust: A}
  - {industry: fintech, segment: mixed, metric: nps, statistic: median, value: 46,
     unit: nps_points, source: "deck", year: 2025, trust: C}
  - {industry: telecom, segment: b2c, metric: nps, statistic: mean, value: 24,
     unit: nps_points, source: "mirror", year: 2018, trust: D}
  - {industry: all, segment: b2b, metric: nps, statistic: best_in_class_definition, value: 90,
     unit: percentile, source: "CustomerGauge help", year: 2020, trust: A}
  - {industry: all, segment: b2c, metric: nps, statistic: mean_age_18_24, value: 17,
     unit: nps_points, source: "Temkin 2017", year: 2017, trust: B}
  - {industry: banking, segment: b2c, region: US, metric: acsi_index, statistic: industry,
     value: 80, unit: acsi_index_0_100, source: "ACSI Banks", year: 2025, trust: B}
  - {industry: healthcare, metric: csat_pct, statistic: mean, value: 94, unit: percent,
     source: "Zendesk CSI Mar 2012", year: 2012, trust: B}
  - {industry: financial_services_insurance, metric: csat_pct, statistic: mean, value: 93,
     unit: percent, source: "Zendesk CSI Mar 2012", year: 2012, trust: B}
  - {platform: Lattice, metric: anonymity_min_responses, statistic: default, value: 5,
     unit: responses, source: "Lattice Help", trust: A}
"""


def run_script(tmp_path: Path, research: str) -> tuple[int, list[Benchmark]]:
    source = tmp_path / "research.yml"
    source.write_text(research, encoding="utf-8")
    out = tmp_path / "out.yml"
    code = load_script().main([str(source), "--output", str(out)])
    return code, parse_benchmarks(out.read_text(encoding="utf-8")) if code == 0 else []


def test_script_ships_only_trusted_whole_population_figures(tmp_path: Path) -> None:
    code, shipped = run_script(tmp_path, RESEARCH_SAMPLE)
    assert code == 0
    # Kept: world-class threshold, grocery, ACSI banks, Zendesk healthcare, Zendesk financial
    # (twice: banking and insurance). Left out: grade C and D, the percentile, the age subgroup,
    # the anonymity setting.
    assert sorted((b.metric, b.industry, b.statistic) for b in shipped) == [
        ("acsi_index", "financial_services_banking", "average"),
        ("csat_pct", "financial_services_banking", "average"),
        ("csat_pct", "healthcare", "average"),
        ("csat_pct", "insurance", "average"),
        ("nps", "all", "world-class threshold"),
        ("nps", "grocery", "average"),
    ]


def test_script_labels_population_and_keeps_the_source_category(tmp_path: Path) -> None:
    _, shipped = run_script(tmp_path, RESEARCH_SAMPLE)
    by_key = {(b.metric, b.industry): b for b in shipped}
    grocery = by_key[("nps", "grocery")]
    assert (grocery.population, grocery.panel, grocery.region) == ("consumer", True, "US")
    acsi = by_key[("acsi_index", "financial_services_banking")]
    assert acsi.detail == "Banking"
    assert "not a percent satisfied" in (acsi.notes or "")
    # Zendesk rows carry no segment: the publisher's cross-industry row says mixed, and the
    # note says the population was inferred and that a good/bad rating is not 4–5 of 5.
    zendesk = by_key[("csat_pct", "healthcare")]
    assert zendesk.population == "mixed"
    assert "population inferred" in (zendesk.notes or "")
    assert "good/bad rating" in (zendesk.notes or "")


def test_script_refuses_an_acsi_figure_filed_as_csat(tmp_path: Path) -> None:
    bad = RESEARCH_SAMPLE + textwrap.indent(
        "- {industry: all, segment: b2c, metric: csat_pct, statistic: national, value: 78,\n"
        "   unit: percent, source: ACSI national, year: 2024, trust: A}\n",
        "  ",
    )
    code, _ = run_script(tmp_path, bad)
    assert code == 1


def test_script_stops_on_a_statistic_it_has_no_rule_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    unknown = RESEARCH_SAMPLE + textwrap.indent(
        "- {industry: all, segment: b2b, metric: nps, statistic: trimmed_mean, value: 40,\n"
        "   unit: nps_points, source: Somebody, year: 2024, trust: A}\n",
        "  ",
    )
    code, _ = run_script(tmp_path, unknown)
    assert code == 1
    assert "trimmed_mean" in capsys.readouterr().err


# ---------------------------------------------------------------- selection


def test_benchmarks_for_a_known_industry() -> None:
    selection = benchmarks_for(load_default_benchmarks(), metric=NPS, industry="grocery")
    assert not selection.fallback
    assert selection.reason is None
    assert selection.industry == "grocery"
    assert {b.value for b in selection.figures} == {30.1, 26}


def test_benchmarks_for_matches_the_display_name() -> None:
    selection = benchmarks_for(
        load_default_benchmarks(), metric=CSAT_PCT, industry="Retail & e-commerce"
    )
    assert selection.industry == "ecommerce_retail"
    assert not selection.fallback


def test_benchmarks_for_an_industry_without_figures_falls_back_and_says_why() -> None:
    # Fintech has only a grade C figure in the research file, so nothing is shipped for it.
    selection = benchmarks_for(load_default_benchmarks(), metric=NPS, industry="fintech")
    assert selection.fallback
    assert selection.reason == (
        "no published NPS figure for 'fintech'; showing cross-industry figures"
    )
    assert selection.figures
    assert all(b.industry == "all" for b in selection.figures)


def test_benchmarks_for_no_industry_is_cross_industry_without_a_fallback_flag() -> None:
    selection = benchmarks_for(load_default_benchmarks(), metric=NPS, industry=None)
    assert (selection.industry, selection.fallback, selection.reason) == ("all", False, None)


def test_selection_order_custom_then_grade_then_newest() -> None:
    old_a = figure(year=2015, trust="A")
    new_b = figure(year=2024, trust="B")
    new_a = figure(year=2023, trust="A")
    undated_a = figure(year=None, trust="A")
    mine = custom_benchmark(metric=NPS, value=55, added_by="Ana", company="Rival Inc")
    selection = benchmarks_for(
        [old_a, new_b, mine, undated_a, new_a], metric=NPS, industry="b2b_saas_software"
    )
    assert selection.figures == (mine, new_a, old_a, undated_a, new_b)


def test_no_figures_at_all_for_a_metric() -> None:
    selection = benchmarks_for([figure()], metric=CSAT_PCT, industry="b2b_saas_software")
    assert selection.figures == ()
    assert selection.reason == "no published CSAT % figures"


def test_industries_lists_keys_and_names_without_cross_industry() -> None:
    listed = industries(load_default_benchmarks())
    assert ("grocery", "Grocery") in listed
    assert all(key != "all" for key, _ in listed)
    names = [name for _, name in listed]
    assert names == sorted(names)


# ---------------------------------------------------------------- describing and comparing


def test_describe_source_gives_the_age() -> None:
    today = date(2026, 12, 7)
    assert describe_source(figure(), today) == "Bain & Company, 2024, 2 years old, B2B, grade A"
    panel = figure(source="XM Institute", population="consumer", panel=True, region="US")
    assert describe_source(panel, today) == (
        "XM Institute, 2024, 2 years old, US consumer panel, grade A"
    )
    undated = figure(source="SurveyMonkey", population="mixed", year=None)
    assert describe_source(undated, today) == (
        "SurveyMonkey, year not stated, mixed B2B and consumer, grade A"
    )
    mine = custom_benchmark(metric=NPS, value=55, added_by="Ana", year=2025)
    assert describe_source(mine, today) == (
        "added by Ana, 2025, 1 year old, custom figure (not published)"
    )
    old = figure(source="Zendesk", year=2012)
    assert describe_source(old, today) == "Zendesk, 2012, 14 years old, dated, B2B, grade A"


def test_our_csat_is_never_compared_with_an_acsi_index() -> None:
    acsi = figure(metric=ACSI_INDEX, source="ACSI", population="consumer", value=78.0)
    assert not comparable(acsi, CSAT_PCT)
    reason = why_not_comparable(acsi, CSAT_PCT)
    assert reason is not None
    assert "does not mean 78% satisfied" in reason


def test_comparable_only_within_one_metric() -> None:
    nps = figure()
    assert comparable(nps, NPS)
    assert why_not_comparable(nps, NPS) is None
    assert not comparable(nps, CSAT_PCT)
    assert why_not_comparable(nps, CSAT_PCT) == (
        "NPS and CSAT % measure different things on different scales"
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"metric": CSAT_PCT, "source": "ACSI national"}, "must be metric acsi_index"),
        ({"trust": "C"}, "is not shipped"),
        ({"population": "b2c"}, "unknown population"),
        ({"low": 10.0, "high": 20.0}, "either one value or"),
        ({"value": None}, "either one value or"),
    ],
)
def test_benchmark_refuses_what_cannot_be_shown_honestly(
    overrides: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        figure(**overrides)


def test_a_range_is_a_benchmark_without_a_single_value() -> None:
    target = figure(metric=CSAT_PCT, statistic="target range", value=None, low=80.0, high=90.0)
    assert (target.value, target.low, target.high) == (None, 80.0, 90.0)


def test_custom_benchmark_is_marked_as_such() -> None:
    mine = custom_benchmark(metric=NPS, value=48, added_by="<@U123>", company="Rival Inc")
    assert (mine.trust, mine.source, mine.industry) == ("custom", "added by <@U123>", "all")
    assert mine.is_custom
    assert reference_label(mine) == "Rival Inc (company, Cross-industry)"


def test_reference_label() -> None:
    assert reference_label(figure(industry="all", statistic="top quartile")) == (
        "the cross-industry top quartile"
    )
    assert reference_label(figure(detail="Airlines")) == "the Airlines average"


def test_parse_benchmarks_names_a_missing_field() -> None:
    with pytest.raises(ValueError, match="without 'source'"):
        parse_benchmarks(
            "benchmarks:\n  - {metric: nps, industry: all, industry_name: x, statistic: average,"
            " year: 2020, trust: A, population: mixed, value: 3}\n"
        )
    with pytest.raises(ValueError, match="top-level 'benchmarks' list"):
        parse_benchmarks("- 1\n")
