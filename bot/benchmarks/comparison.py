"""Our figures beside published (and admins' own) benchmarks: value, gap, margin, source, year."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.benchmarks.published import (
    ACSI_INDEX,
    CSAT_PCT,
    NPS,
    Benchmark,
    benchmarks_for,
    describe_source,
    load_default_benchmarks,
    reference_label,
    why_not_comparable,
)
from bot.insights.comparison import Gap, gap_to, what_it_takes
from bot.insights.metrics import CsatResult, Headline, NpsResult

FIGURES_PER_METRIC = 4  # published figures; every custom one (up to a Slack-sized few) leads
CUSTOM_PER_METRIC = 6
_ADDED_BY = re.compile(r"^added by <@([UW][A-Z0-9]{1,30})>$")


@dataclass(frozen=True)
class BenchmarkLine:
    figure: str  # "32", "72%", "0 to 30"
    label: str  # "the cross-industry average"
    source: str  # "SurveyMonkey, year not stated, mixed B2B and consumer, grade A"
    comparison: str | None  # "7 points above ..., within the margin of error"; None for ranges
    to_close: str | None = None  # what it would take to reach it, when we are below
    benchmark: Benchmark | None = None  # the figure itself, for the JSON report
    gap: Gap | None = None  # None for ranges
    added_by: str | None = None  # Slack user who added a custom figure: shown as a mention


@dataclass(frozen=True)
class BenchmarkSection:
    metric: str  # "NPS" or "CSAT"
    ours: str
    lines: list[BenchmarkLine]
    note: str | None = None  # a fallback to cross-industry, or why a figure is left out


@dataclass(frozen=True)
class BenchmarkComparison:
    industry: str | None
    sections: list[BenchmarkSection] = field(default_factory=list)


def _figure(b: Benchmark, percent: bool) -> str:
    unit = "%" if percent else ""
    if b.value is not None:
        return f"{b.value:g}{unit}"
    return f"{b.low:g}{unit} to {b.high:g}{unit}"


def _mentioned(b: Benchmark) -> str | None:
    # custom_benchmark() writes "added by <@U…>"; only such an exact prefix becomes a mention.
    match = _ADDED_BY.match(b.source) if b.is_custom else None
    return match.group(1) if match else None


def _lines(
    figures: tuple[Benchmark, ...], ours: NpsResult | CsatResult, metric: str
) -> list[BenchmarkLine]:
    lines = []
    custom = [b for b in figures if b.is_custom][:CUSTOM_PER_METRIC]
    published = [b for b in figures if not b.is_custom][:FIGURES_PER_METRIC]
    for b in custom + published:
        gap = gap_to(ours, b.value, label=reference_label(b)) if b.value is not None else None
        below = gap is not None and gap.gap is not None and gap.gap < 0
        source = describe_source(b)
        if b.is_custom and b.notes:
            source += f"; {b.notes}"  # the admin's own note on where the figure came from
        lines.append(
            BenchmarkLine(
                _figure(b, metric == CSAT_PCT),
                reference_label(b),
                source,
                gap.describe() if gap is not None else None,
                what_it_takes(ours, b.value) if below and b.value is not None else None,
                benchmark=b,
                gap=gap,
                added_by=_mentioned(b),
            )
        )
    return lines


def compare_with_benchmarks(
    overview: Headline, *, industry: str | None, extra: list[Benchmark] | None = None
) -> BenchmarkComparison:
    known = [*load_default_benchmarks(), *(extra or [])]
    sections = []
    for metric, name, ours, shown in (
        (NPS, "NPS", overview.nps, overview.nps.score),
        (CSAT_PCT, "CSAT", overview.csat, overview.csat.score),
    ):
        selection = benchmarks_for(known, metric=metric, industry=industry)
        note = selection.reason
        if metric == CSAT_PCT:
            acsi = benchmarks_for(known, metric=ACSI_INDEX, industry=industry).figures
            if acsi:
                reason = why_not_comparable(acsi[0], CSAT_PCT)
                acsi_note = f"ACSI figures are not shown beside CSAT: {reason}."
                note = f"{note}. {acsi_note}" if note else acsi_note
        ours_text = "no answers yet" if shown is None else (
            f"{shown:+.0f}" if metric == NPS else f"{shown:.0f}%"
        )
        sections.append(
            BenchmarkSection(name, ours_text, _lines(selection.figures, ours, metric), note)
        )
    return BenchmarkComparison(industry=industry, sections=sections)
