"""Published and custom benchmarks: what we compare with, and whether the comparison is fair.

The shipped defaults (data/benchmarks.yml) are built by scripts/build_benchmarks.py from the
research file: trust grades A and B only, each figure with its source, year and population
(b2b, consumer or mixed). Admins may add their own figures (a competitor's NPS); those carry
trust "custom" and a source naming who added them, and are never presented as published.

ACSI is a 0–100 index modelled from a US consumer panel, not the percent of customers who answer
4 or 5: `comparable` refuses to set our CSAT % beside it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from importlib import resources

import yaml  # type: ignore[import-untyped, unused-ignore]

NPS = "nps"
CSAT_PCT = "csat_pct"
ACSI_INDEX = "acsi_index"
RESPONSE_RATE_PCT = "response_rate_pct"
METRIC_NAMES = {
    NPS: "NPS",
    CSAT_PCT: "CSAT %",
    ACSI_INDEX: "ACSI index",
    RESPONSE_RATE_PCT: "response rate",
}
CROSS_INDUSTRY = "all"
POPULATIONS = ("b2b", "consumer", "mixed")
TRUST_GRADES = ("A", "B", "custom")  # C and D figures are never shipped (see the build script)
MAX_AGE_YEARS = 5  # older figures are marked dated and never lead a comparison
# Industries whose customers are businesses: a consumer-panel figure set beside one of them comes
# with a caveat. The others sell to consumers, or to both.
B2B_INDUSTRIES = frozenset({
    "b2b_saas_software", "consulting_professional_services", "hr_staffing_services",
    "logistics_transportation", "manufacturing", "marketing", "wholesale",
})


@dataclass(frozen=True)
class Benchmark:
    metric: str  # nps | csat_pct | acsi_index | response_rate_pct
    industry: str  # normalised key; "all" for cross-industry
    industry_name: str
    statistic: str  # average, median, top quartile, best-in-class, company, …
    source: str
    year: int | None
    trust: str  # "A", "B" or "custom"
    population: str  # b2b | consumer | mixed
    value: float | None = None  # a single figure, or
    low: float | None = None  # a range (a target range, a typical range)
    high: float | None = None
    detail: str | None = None  # the source's own category, when finer than the industry
    company: str | None = None
    url: str | None = None
    region: str | None = None
    panel: bool = False  # consumers rating companies they use, not a company's own survey
    notes: str | None = None

    def __post_init__(self) -> None:
        if self.metric not in METRIC_NAMES:
            raise ValueError(f"unknown metric {self.metric!r}")
        if self.population not in POPULATIONS:
            raise ValueError(f"unknown population {self.population!r}")
        if self.trust not in TRUST_GRADES:
            raise ValueError(f"trust {self.trust!r} is not shipped; expected one of A, B, custom")
        if (self.value is None) == (self.low is None or self.high is None):
            raise ValueError("a benchmark has either one value or a low–high range")
        # The one mistake the research file warns about: ACSI read as a percent satisfied.
        if "ACSI" in self.source and self.metric != ACSI_INDEX and not self.is_custom:
            raise ValueError(f"an ACSI figure must be metric {ACSI_INDEX}, not {self.metric}")

    @property
    def is_custom(self) -> bool:
        return self.trust == "custom"


def custom_benchmark(
    *,
    metric: str,
    value: float,
    added_by: str,
    company: str | None = None,
    statistic: str = "company",
    industry: str = CROSS_INDUSTRY,
    industry_name: str = "Cross-industry",
    year: int | None = None,
    population: str = "mixed",
    notes: str | None = None,
) -> Benchmark:
    """A figure an admin entered (a competitor's NPS); the lead stores these in the database."""
    return Benchmark(
        metric=metric,
        industry=industry_key(industry),
        industry_name=industry_name,
        statistic=statistic,
        source=f"added by {added_by}",
        year=year,
        trust="custom",
        population=population,
        value=value,
        company=company,
        notes=notes,
    )


def _optional_float(raw: object) -> float | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise ValueError(f"expected a number, got {raw!r}")
    return float(raw)


def _optional_str(raw: object) -> str | None:
    return None if raw is None else str(raw)


def _optional_int(raw: object) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise ValueError(f"expected a whole number, got {raw!r}")
    return raw


def benchmark_from_row(row: Mapping[str, object]) -> Benchmark:
    """One shipped (or stored) row → Benchmark; a missing or mistyped field raises ValueError."""
    try:
        return Benchmark(
            metric=str(row["metric"]),
            industry=str(row["industry"]),
            industry_name=str(row["industry_name"]),
            statistic=str(row["statistic"]),
            source=str(row["source"]),
            year=_optional_int(row.get("year")),
            trust=str(row["trust"]),
            population=str(row["population"]),
            value=_optional_float(row.get("value")),
            low=_optional_float(row.get("low")),
            high=_optional_float(row.get("high")),
            detail=_optional_str(row.get("detail")),
            company=_optional_str(row.get("company")),
            url=_optional_str(row.get("url")),
            region=_optional_str(row.get("region")),
            panel=bool(row.get("panel", False)),
            notes=_optional_str(row.get("notes")),
        )
    except KeyError as missing:
        raise ValueError(f"benchmark row without {missing}: {dict(row)!r}") from None


def parse_benchmarks(text: str) -> list[Benchmark]:
    document = yaml.safe_load(text)
    if not isinstance(document, dict) or not isinstance(document.get("benchmarks"), list):
        raise ValueError("a benchmarks file has a top-level 'benchmarks' list")
    return [benchmark_from_row(row) for row in document["benchmarks"]]


@functools.cache
def _shipped() -> tuple[Benchmark, ...]:
    # Read once per process: the file only changes with a release.
    path = resources.files("bot.benchmarks") / "data" / "benchmarks.yml"
    return tuple(parse_benchmarks(path.read_text(encoding="utf-8")))


def load_default_benchmarks() -> list[Benchmark]:
    return list(_shipped())


def industry_key(text: str) -> str:
    """'Retail & e-commerce', 'ecommerce-retail' and 'ECOMMERCE_RETAIL' → comparable keys."""
    return re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")


def industries(benchmarks: Iterable[Benchmark]) -> list[tuple[str, str]]:
    """(key, display name) of every industry with published figures; cross-industry is not one."""
    found = {
        b.industry: b.industry_name
        for b in benchmarks
        if b.industry != CROSS_INDUSTRY and not b.is_custom
    }
    return sorted(found.items(), key=lambda item: item[1])


@dataclass(frozen=True)
class BenchmarkSelection:
    metric: str
    industry: str | None  # the key the figures belong to; "all" when cross-industry
    figures: tuple[Benchmark, ...]  # custom first, then grade A, then B; newest first within
    fallback: bool  # asked for an industry, got cross-industry figures
    reason: str | None  # says why, in words a user can read


def _rank(b: Benchmark) -> tuple[int, int]:
    # Custom figures were chosen by an admin for this workspace, so they lead; then the better
    # grade; then the newer year (a figure without a year goes last).
    return ("custom", "A", "B").index(b.trust), -(b.year or 0)


def benchmarks_for(
    benchmarks: Iterable[Benchmark], *, metric: str, industry: str | None
) -> BenchmarkSelection:
    """The industry's figures for `metric`, or cross-industry ones with the reason why.

    Custom figures are kept whatever their industry: an admin added them for this workspace.
    """
    of_metric = [b for b in benchmarks if b.metric == metric]
    custom = [b for b in of_metric if b.is_custom]
    published = [b for b in of_metric if not b.is_custom]
    name = METRIC_NAMES.get(metric, metric)
    wanted = None if industry is None else industry_key(industry)
    if wanted is not None and wanted != CROSS_INDUSTRY:
        mine = [b for b in published if wanted in (b.industry, industry_key(b.industry_name))]
        if mine:
            figures = tuple(sorted(custom + mine, key=_rank))
            return BenchmarkSelection(metric, mine[0].industry, figures, False, None)
    cross = [b for b in published if b.industry == CROSS_INDUSTRY]
    figures = tuple(sorted(custom + cross, key=_rank))
    if not figures:
        return BenchmarkSelection(metric, None, (), False, f"no published {name} figures")
    if wanted is None or wanted == CROSS_INDUSTRY:
        return BenchmarkSelection(metric, CROSS_INDUSTRY, figures, False, None)
    label = industry_label(wanted) or f"'{industry}'"
    reason = f"no published {name} figure for {label}; showing cross-industry figures"
    return BenchmarkSelection(metric, CROSS_INDUSTRY, figures, True, reason)


_REGIONS = {"US": "US", "US and Canada": "US and Canada", "UK": "UK"}


def describe_population(b: Benchmark) -> str:
    """'US consumer panel', 'B2B', 'mixed B2B and consumer'."""
    kind = {"b2b": "B2B", "consumer": "consumer", "mixed": "mixed B2B and consumer"}[b.population]
    if b.panel:
        kind += " panel"
    region = _REGIONS.get(b.region or "")
    return f"{region} {kind}" if region else kind


def measured_from(b: Benchmark) -> date | None:
    """The day a figure's age counts from: the first day of its year.

    Sources give a year, not a day; counting from its first day never makes a figure look
    younger than it is (the data behind a published figure predate its publication)."""
    return None if b.year is None else date(b.year, 1, 1)


def _years_after(start: date, years: int) -> date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February in a year that has none
        return start.replace(year=start.year + years, day=28)


def age_in_years(b: Benchmark, today: date) -> int | None:
    """Whole years since `measured_from`; None when the source gives no year."""
    start = measured_from(b)
    if start is None:
        return None
    years = today.year - start.year
    return years if _years_after(start, years) <= today else years - 1


def is_dated(b: Benchmark, today: date) -> bool:
    """More than MAX_AGE_YEARS old: exactly five years is not yet dated, a day more is."""
    start = measured_from(b)
    return start is not None and today > _years_after(start, MAX_AGE_YEARS)


def describe_age(b: Benchmark, today: date) -> str:
    """'2023, 3 years old', '2012, 14 years old, dated', 'year not stated'."""
    age = age_in_years(b, today)
    if b.year is None or age is None:
        return "year not stated"
    said = "this year" if age <= 0 else f"{age} year{'s' if age != 1 else ''} old"
    return f"{b.year}, {said}" + (", dated" if is_dated(b, today) else "")


def describe_source(b: Benchmark, today: date) -> str:
    """'Bain & Company, 2024, 2 years old, B2B, grade A'; custom figures say they are not
    published."""
    year = describe_age(b, today)
    if b.is_custom:
        return f"{b.source}, {year}, custom figure (not published)"
    return f"{b.source}, {year}, {describe_population(b)}, grade {b.trust}"


def is_consumer(b: Benchmark) -> bool:
    """Consumers rating companies, not businesses rating their suppliers."""
    return b.population == "consumer"


def industry_label(key: str | None) -> str | None:
    """The name an industry key is shown by ('Software & SaaS'); None for an unknown key."""
    if key is None:
        return None
    if key == CROSS_INDUSTRY:
        return "Cross-industry"
    return dict(industries(load_default_benchmarks())).get(industry_key(key))


def is_b2b(industry: str | None) -> bool | None:
    """Whether a workspace of this industry serves businesses; None when no industry is set."""
    if industry is None or industry_key(industry) == CROSS_INDUSTRY:
        return None
    return industry_key(industry) in B2B_INDUSTRIES


def why_not_comparable(b: Benchmark, metric_of_our_figure: str) -> str | None:
    """None when our figure can be set beside `b`; otherwise the reason, in plain words."""
    ours = METRIC_NAMES.get(metric_of_our_figure, metric_of_our_figure)
    if b.metric == ACSI_INDEX and metric_of_our_figure == CSAT_PCT:
        return (
            "ACSI is a 0–100 index modelled from a US consumer panel, not the percent of customers"
            " answering 4 or 5; an ACSI of 78 does not mean 78% satisfied"
        )
    if b.metric != metric_of_our_figure:
        theirs = METRIC_NAMES.get(b.metric, b.metric)
        return f"{theirs} and {ours} measure different things on different scales"
    return None


def comparable(b: Benchmark, metric_of_our_figure: str) -> bool:
    """Whether our figure may be set beside `b`; `why_not_comparable` says why not."""
    return why_not_comparable(b, metric_of_our_figure) is None


def reference_label(b: Benchmark) -> str:
    """How a gap names the figure: 'USAA (best-in-class, Insurance)', 'the Grocery average'."""
    if b.company:
        return f"{b.company} ({b.statistic}, {b.detail or b.industry_name})"
    where = "cross-industry" if b.industry == CROSS_INDUSTRY else (b.detail or b.industry_name)
    return f"the {where} {b.statistic}"
