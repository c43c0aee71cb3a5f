"""Our figures beside published (and admins' own) benchmarks: value, gap, margin, source, year.

The headline: the few comparisons that lead the answer (`/engagement benchmark` shows
HEADLINE_SIZE of them, the rest behind a button), chosen in this order:
1. NPS against the typical figure (average or median) of the workspace's industry, or the
   cross-industry one when the industry has none;
2. CSAT against the same kind of figure;
3. NPS against the bar: a top quartile, best-in-class or excellent/world-class threshold;
then, while there is room, the remaining figures: an admin's own first, then by rank.
Within each, the newest figure wins and, in the same year, the better grade. Only figures that
can lead: a single value (a gap can be stated), a known year and at most MAX_AGE_YEARS old —
a dated figure, or one whose age cannot be told, is shown only in the full list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from bot.benchmarks.published import (
    ACSI_INDEX,
    CSAT_PCT,
    NPS,
    Benchmark,
    benchmarks_for,
    describe_age,
    describe_source,
    industry_label,
    is_b2b,
    is_consumer,
    is_dated,
    load_default_benchmarks,
    reference_label,
    why_not_comparable,
)
from bot.insights.comparison import Gap, gap_to, what_it_takes
from bot.insights.metrics import CsatResult, Headline, NpsResult

FIGURES_PER_METRIC = 4  # published figures; every custom one (up to a Slack-sized few) leads
CUSTOM_PER_METRIC = 6
HEADLINE_SIZE = 3
TYPICAL = frozenset({"average", "median", "average (at least)", "average (at most)"})
THE_BAR = frozenset({"top quartile", "best-in-class", "excellent threshold",
                     "world-class threshold"})
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
    dated: bool = False  # older than MAX_AGE_YEARS: shown, never a headline
    age: str = ""  # "2023, 3 years old"

    @property
    def consumer(self) -> bool:
        return self.benchmark is not None and is_consumer(self.benchmark)

    def can_lead(self) -> bool:
        """A single value of known, recent enough year (an admin's own figure may lack one)."""
        b = self.benchmark
        if b is None or self.gap is None or self.dated:
            return False
        return b.is_custom or b.year is not None


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
    industry_name: str | None = None  # the label shown; never the key
    b2b: bool | None = None  # the workspace serves businesses; None when no industry is set
    headline: tuple[tuple[BenchmarkSection, BenchmarkLine], ...] = ()

    @property
    def lines(self) -> int:
        return sum(len(section.lines) for section in self.sections)

    def needs_consumer_caveat(self, shown: list[BenchmarkLine]) -> bool:
        """A consumer figure beside a workspace that serves businesses (or may: none is set)."""
        return self.b2b is not False and any(line.consumer for line in shown)


def _newest(line: BenchmarkLine) -> tuple[int, int]:
    b = line.benchmark
    assert b is not None
    return -(b.year or 0), ("custom", "A", "B").index(b.trust)


def choose_headline(
    sections: list[BenchmarkSection],
) -> tuple[tuple[BenchmarkSection, BenchmarkLine], ...]:
    """The comparisons that lead the answer, in the order the module docstring gives."""
    by_metric = {section.metric: section for section in sections}
    chosen: list[tuple[BenchmarkSection, BenchmarkLine]] = []

    def pick(metric: str, statistics: frozenset[str]) -> None:
        section = by_metric.get(metric)
        if section is None:
            return
        fits = [line for line in section.lines
                if line.can_lead() and line.benchmark is not None and not line.benchmark.is_custom
                and line.benchmark.statistic in statistics]
        if fits:
            chosen.append((section, min(fits, key=_newest)))

    pick("NPS", TYPICAL)
    pick("CSAT", TYPICAL)
    pick("NPS", THE_BAR)
    taken = {id(line) for _, line in chosen}
    rest = [(section, line) for section in sections for line in section.lines
            if line.can_lead() and id(line) not in taken]
    rest.sort(key=lambda pair: (not pair[1].benchmark.is_custom,  # type: ignore[union-attr]
                                _newest(pair[1])))
    return tuple((chosen + rest)[:HEADLINE_SIZE])


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
    figures: tuple[Benchmark, ...], ours: NpsResult | CsatResult, metric: str, today: date
) -> list[BenchmarkLine]:
    lines = []
    custom = [b for b in figures if b.is_custom][:CUSTOM_PER_METRIC]
    published = [b for b in figures if not b.is_custom][:FIGURES_PER_METRIC]
    for b in custom + published:
        gap = gap_to(ours, b.value, label=reference_label(b)) if b.value is not None else None
        below = gap is not None and gap.gap is not None and gap.gap < 0
        source = describe_source(b, today)
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
                dated=is_dated(b, today),
                age=describe_age(b, today),
            )
        )
    return lines


def compare_with_benchmarks(
    overview: Headline, *, industry: str | None, today: date,
    extra: list[Benchmark] | None = None,
) -> BenchmarkComparison:
    """`today` (the services' clock) decides each figure's age and which are dated."""
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
            BenchmarkSection(name, ours_text, _lines(selection.figures, ours, metric, today), note)
        )
    return BenchmarkComparison(industry=industry, sections=sections,
                               industry_name=industry_label(industry) or industry,
                               b2b=is_b2b(industry), headline=choose_headline(sections))
