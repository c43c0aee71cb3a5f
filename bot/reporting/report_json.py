"""The machine-readable report (`report --json`): every figure /engagement shows, as plain data.

Pure: it only reads objects the report builders already made, so the JSON cannot disagree with
what Slack shows. Numbers are rounded to one decimal, as people read them; dates are ISO 8601.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.benchmarks.comparison import BenchmarkComparison, BenchmarkLine
from bot.benchmarks.published import describe_population
from bot.benchmarks.targets import TargetGap
from bot.followups.effect import LoopEffectReport
from bot.insights.comparison import Change, Gap
from bot.insights.drivers import Driver
from bot.insights.engagement import PLACED_SEGMENTS
from bot.insights.metrics import CsatResult, Interval, NpsResult
from bot.insights.revealed import PlaceLoyalty, RenewalRate
from bot.insights.themes import Theme
from bot.reporting.drift.check import SegmentDrift
from bot.reporting.drivers import DriversReport
from bot.reporting.engagement_map import EngagementMap
from bot.reporting.figures import Overview, SegmentBreakdown, TrendPoint, overview_json
from bot.reporting.movement import Movement
from bot.reporting.movement_json import loop_effect_json, movement_json
from bot.reporting.outcomes import OutcomesReport
from bot.reporting.themes import ThemesReport

SCHEMA_VERSION = 2  # 2: movement and loop_effect (docs/REPORT-JSON.md)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _interval(interval: Interval | None) -> list[float | None] | None:
    return None if interval is None else [_rounded(interval.low), _rounded(interval.high)]


def _change(change: Change | None) -> dict[str, Any] | None:
    if change is None:
        return None
    return {
        "current": _rounded(change.current),
        "previous": _rounded(change.previous),
        "difference": _rounded(change.difference),
        "ci95": _interval(change.ci95),
        "direction": None if change.direction is None else change.direction.value,
        "beyond_margin": change.significant,
        "description": change.describe(),
    }


def _brief(result: NpsResult | CsatResult) -> dict[str, Any]:
    return {"score": _rounded(result.score), "n": result.n, "ci95": _interval(result.ci95)}


def _gap(gap: Gap | None) -> dict[str, Any]:
    if gap is None:  # a range: nothing to subtract from
        return {"gap": None, "direction": None, "beyond_margin": None}
    return {
        "gap": _rounded(gap.gap),
        "direction": None if gap.position is None else gap.position.value,
        "beyond_margin": gap.beyond_margin if gap.gap is not None else None,
    }


def _figure(line: BenchmarkLine) -> dict[str, Any]:
    b = line.benchmark
    data: dict[str, Any] = {"figure": line.figure, "label": line.label, "text": line.source}
    if b is not None:
        data |= {
            "value": b.value, "low": b.low, "high": b.high,
            "source": b.source, "year": b.year,
            "grade": None if b.is_custom else b.trust,
            "custom": b.is_custom,
            "added_by": line.added_by,
            "population": describe_population(b),
            "statistic": b.statistic, "industry": b.industry, "url": b.url,
            "age": line.age, "dated": line.dated,
        }
    return data | _gap(line.gap) | {"comparison": line.comparison, "to_close": line.to_close}


def benchmarks_json(comparison: BenchmarkComparison) -> dict[str, Any]:
    return {
        "industry": comparison.industry,
        "industry_name": comparison.industry_name,
        "comparisons": [
            {"metric": s.metric, "ours": s.ours, "note": s.note,
             "figures": [_figure(line) for line in s.lines]}
            for s in comparison.sections
        ],
    }


def targets_json(gaps: Sequence[TargetGap]) -> list[dict[str, Any]]:
    return [
        {"metric": g.metric, "target": g.target, "value": _rounded(g.gap.value)}
        | _gap(g.gap)
        | {"description": g.describe(), "to_close": g.to_close}
        for g in gaps
    ]


def engagement_json(engagement: EngagementMap) -> dict[str, Any]:
    mix, change = engagement.mix, engagement.change
    return {
        "segments": {
            segment.value: {
                "customers": mix.counts[segment],
                "percent": _rounded(mix.percent(segment)),
                "change": None if change is None else _rounded(change[segment]),
            } | _place_loyalty(engagement.loyalty(segment))
            for segment in PLACED_SEGMENTS
        },
        "placed": mix.placed,
        "unplaced": mix.unplaced,
        "retention": {
            "previous": engagement.retention.previous,
            "current": engagement.retention.current,
            "retained": engagement.retention.retained,
            "percent": _rounded(engagement.retention.retention_percent),
        },
        "promoters_retained": _rounded(engagement.promoters_retained),
    }


def _place_loyalty(loyalty: PlaceLoyalty) -> dict[str, Any]:
    """Stated beside revealed loyalty in one place of the map; None where hidden (fewer
    customers than the anonymity minimum)."""
    return {
        "stated_nps": None if loyalty.stated is None else _brief(loyalty.stated),
        "revealed": None if loyalty.revealed is None else _rate(loyalty.revealed),
    }


def _rate(rate: RenewalRate) -> dict[str, Any]:
    return {"renewed": rate.renewed, "churned": rate.churned,
            "renewal_rate": _rounded(rate.percent), "ci95": _interval(rate.ci95)}


def outcomes_json(report: OutcomesReport) -> dict[str, Any]:
    """Counts and sums only: naming customers is for staff in Slack, and a report file travels."""
    return {
        "by_class": {name: {"customers": row.customers} | _rate(row.rate)
                     for name, row in report.by_class.items()},
        "revenue_at_risk": {"amount": round(report.revenue.amount, 2),
                            "currency": report.currency,
                            "customers": report.revenue.customers},
        "promoters_who_churned": len(report.promoters_who_churned),
        "detractors_who_renewed": len(report.detractors_who_renewed),
    }


def drivers_json(report: DriversReport) -> list[dict[str, Any]]:
    """Every theme and shown segment value, largest |impact| first."""
    return [_driver(d) for d in report.all]


def _driver(d: Driver) -> dict[str, Any]:
    return {"kind": d.kind, "name": d.name, "answers": d.answers,
            "nps_with": _rounded(d.nps_with.score), "nps_without": _rounded(d.nps_without.score),
            "difference": _rounded(d.change.difference), "ci95": _interval(d.change.ci95),
            "beyond_margin": d.change.significant, "impact": _rounded(d.impact)}


def segments_json(breakdowns: Sequence[SegmentBreakdown]) -> dict[str, Any]:
    return {
        b.attribute: {
            "shown": [{"value": r.value, "respondents": r.respondents, "nps": _brief(r.nps)}
                      for r in b.shown],
            "hidden": b.hidden,  # below the anonymity minimum, or hidden with them: never shown
            "minimum": b.minimum,
        }
        for b in breakdowns
    }


def build_report_json(
    *,
    overview: Overview,
    trend: Sequence[TrendPoint],
    segments: Sequence[SegmentBreakdown],
    comparison: BenchmarkComparison,
    targets: Sequence[TargetGap],
    engagement: EngagementMap,
    themes: ThemesReport | None = None,
    movement: Movement | None = None,
    loop_effect: LoopEffectReport | None = None,
    outcomes: OutcomesReport | None = None,
    drivers: DriversReport | None = None,
    drift: Sequence[SegmentDrift] = (),
) -> dict[str, Any]:
    """The whole report as JSON-able data."""
    summary = overview_json(overview)
    period = summary.pop("period")
    summary["change"] = {"nps": _change(overview.nps_change),
                         "csat": _change(overview.csat_change)}
    return {
        "schema_version": SCHEMA_VERSION,
        "period": period,
        "overview": summary,
        "trend": [
            {"month": p.start.isoformat(), "nps": _brief(p.nps), "csat": _brief(p.csat)}
            for p in trend
        ],
        "segments": segments_json(segments),
        "benchmarks": benchmarks_json(comparison),
        "targets": targets_json(targets),
        "engagement_map": engagement_json(engagement),
        "themes": themes_json(themes),
        "movement": None if movement is None else movement_json(movement),
        "loop_effect": None if loop_effect is None else loop_effect_json(loop_effect),
        "outcomes": None if outcomes is None else outcomes_json(outcomes),
        "drivers": [] if drivers is None else drivers_json(drivers),
        "drift": drift_json(drift),
    }


def drift_json(checked: Sequence[SegmentDrift]) -> list[dict[str, Any]]:
    """Each segment the drift check tested (segments under the anonymity minimum, or with too
    few answers in either period, were not tested and are not listed)."""
    return [
        {"segment": c.segment, "metric": c.drift.metric,
         "previous": _rounded(c.drift.previous), "current": _rounded(c.drift.current),
         "n_previous": c.drift.n_previous, "n_current": c.drift.n_current,
         "beyond_margin": c.drift.beyond_margin}
        for c in checked
    ]


def _themes(found: Sequence[Theme]) -> list[dict[str, Any]]:
    return [
        {"phrase": t.phrase, "comments": t.count, "share": round(t.share, 3),
         "mean_polarity": round(t.mean_polarity, 3), "label": t.label}
        for t in found
    ]


def themes_json(report: ThemesReport | None) -> dict[str, Any]:
    """Phrases and counts only: the examples quote customers, and a report file travels."""
    if report is None:
        return {"comments": 0, "overall": [], "by_nps_class": {}}
    return {
        "comments": report.comments,
        "overall": _themes(report.overall),
        "by_nps_class": {name: _themes(found) for name, found in report.by_class.items()},
    }
