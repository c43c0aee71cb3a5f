"""What a digest says, assembled from the same figures /engagement shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session

from bot.benchmarks.comparison import BenchmarkComparison, compare_with_benchmarks
from bot.benchmarks.custom import load_workspace_benchmarks
from bot.benchmarks.published import (
    reference_label,
)
from bot.benchmarks.targets import TargetGap, target_gaps
from bot.core.periods import Period
from bot.digests.chart_points import chart_window, workspace_granularity
from bot.followups.listing import period_follow_ups
from bot.insights.followups import FollowUpSummary
from bot.reporting.charts import NpsPoint, ReferenceLine
from bot.reporting.continuum_blocks import continuum_line
from bot.reporting.drift.summary import drift_section
from bot.reporting.engagement_map import EngagementMap, build_engagement_map
from bot.reporting.figures import Overview, build_overview, build_trend, recent_comments
from bot.reporting.movement_lines import movement_lines
from bot.reporting.themes import ThemesReport, build_themes
from storage.reporting import CommentRow
from storage.scoped_reporting import ReportScope, people_answering

COMMENTS_SHOWN = 3
COMMENT_POOL = 200  # recent comments to choose the representative ones from


@dataclass(frozen=True)
class Digest:
    period: Period
    overview: Overview
    benchmarks: BenchmarkComparison
    engagement: EngagementMap
    comments: list[CommentRow]
    trend: list[NpsPoint]
    trend_window: tuple[date, date]
    chart_benchmark: ReferenceLine | None
    chart_target: ReferenceLine | None = None
    comments_hidden: bool = False  # too few answers to quote anyone without pointing at them
    themes: ThemesReport | None = None
    follow_ups: FollowUpSummary | None = None
    targets: list[TargetGap] = field(default_factory=list)
    scope_label: str = "all pulses"
    # A pulse or segment answered by fewer people than the anonymity minimum: its figures could
    # point at someone, so the digest says only that they are held back.
    held_back: bool = False
    extras: list[str] = field(default_factory=list)  # further lines (themes, follow-ups)
    trend_granularity: str = "weekly"  # or "monthly": bot.digests.chart_points says which

    @property
    def empty(self) -> bool:
        return self.overview.responses == 0

    @property
    def chart_title(self) -> str:
        return f"NPS by {'week' if self.trend_granularity == 'weekly' else 'month'}"


def representative(rows: list[CommentRow], k: int = COMMENTS_SHOWN) -> list[CommentRow]:
    """The most negative, the most positive, then the newest other: what a reader should see
    first is what hurts, then what works, rather than whatever came in last."""
    scored = [r for r in rows if r.sentiment_polarity is not None]
    chosen: list[CommentRow] = []
    if scored:
        worst = min(scored, key=lambda r: (r.sentiment_polarity or 0.0, r.score))
        chosen.append(worst)
        best = max(scored, key=lambda r: (r.sentiment_polarity or 0.0, r.score))
        if best is not worst and (best.sentiment_polarity or 0.0) > 0:
            chosen.append(best)
    for row in rows:  # newest first
        if len(chosen) >= k:
            break
        if all(row is not c for c in chosen):
            chosen.append(row)
    return chosen[:k]


def headline_benchmark(comparison: BenchmarkComparison) -> ReferenceLine | None:
    """The NPS figure that leads the benchmark answer, for the chart's reference line: never a
    dated one, nor one of unknown age (the rule is bot.benchmarks.comparison's)."""
    for section, line in comparison.headline:
        b = line.benchmark
        if section.metric == "NPS" and b is not None and b.value is not None:
            year = f", {b.year}" if b.year else ""
            return ReferenceLine(b.value, f"{reference_label(b)}{year}")
    return None


def build_digest(
    *,
    session: Session,
    team_id: str,
    period: Period,
    anonymity_minimum: int,
    industry: str | None = None,
    scope: ReportScope | None = None,
    scope_label: str = "all pulses",
) -> Digest:
    overview = build_overview(session=session, team_id=team_id, period=period, scope=scope)
    mine = load_workspace_benchmarks(session=session, team_id=team_id)
    industry = industry or mine.industry
    nps_target = mine.targets.get("nps")
    granularity = workspace_granularity(session, team_id=team_id, now=period.end)
    trend_period = chart_window(period.end, granularity)
    trend = build_trend(session=session, team_id=team_id, period=trend_period,
                        granularity=granularity)
    # Quoting comments from a handful of people could point at who wrote them, and a scope's
    # figures from a handful are a breakdown below the minimum. People, not answers: a pulse
    # asking both metrics gets two answers from each.
    people = people_answering(session=session, team_id=team_id, since=period.start,
                              until=period.end, scope=scope)
    quotable = people >= anonymity_minimum
    held_back = scope is not None and 0 < people < anonymity_minimum
    pool = (
        recent_comments(session=session, team_id=team_id, period=period, limit=COMMENT_POOL,
                        scope=scope)
        if quotable else []
    )
    engagement = build_engagement_map(session=session, team_id=team_id, period=period,
                                      minimum=anonymity_minimum)
    # The continuum is the whole workspace's: a digest of one pulse or segment leaves it out.
    moved = None if scope is not None else continuum_line(engagement.movement, anonymity_minimum)
    compared = compare_with_benchmarks(overview, industry=industry, today=period.end.date(),
                                       extra=mine.extra)
    digest = Digest(
        period=period,
        overview=overview,
        benchmarks=compared,
        engagement=engagement,
        comments=representative(pool),
        trend=[NpsPoint(p.start, p.nps) for p in trend],
        trend_window=(trend_period.start.date(), trend_period.end.date()),
        trend_granularity=granularity,
        chart_benchmark=headline_benchmark(compared),
        chart_target=ReferenceLine(nps_target, "Target") if nps_target is not None else None,
        targets=target_gaps(overview, mine.targets),
        scope_label=scope_label,
        held_back=held_back,
        comments_hidden=not quotable and overview.responses > 0,
        # Themes count comments, never quote them, so they are shown whatever the numbers.
        themes=build_themes(session=session, team_id=team_id, period=period, scope=scope),
        follow_ups=period_follow_ups(session, team_id=team_id, period=period),
        extras=[*movement_lines(session, team_id=team_id, period=period,
                                minimum=anonymity_minimum, scoped=scope is not None),
                *([moved] if moved else [])],
    )
    # Drift is about segments of the whole workspace: a digest about one pulse has none.
    if scope is None or scope.pulse_id is None:
        drift = drift_section(session, team_id=team_id, since=period.start, until=period.end,
                              segment=scope.segment if scope is not None else None,
                              heading="Fell beyond the margin this period")
        digest.extras.extend(filter(None, [drift]))
    return digest
