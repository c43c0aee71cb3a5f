"""One-line summaries shared by the digest and App Home: a benchmark gap, the map, a trend."""

from __future__ import annotations

from bot.benchmarks.comparison import BenchmarkSection
from bot.core.text import escape_mrkdwn, fmt_interval, fmt_score, plural
from bot.insights.engagement import Segment
from bot.reporting.detail_blocks import SEGMENT_NAMES, share_text
from bot.reporting.engagement_map import EngagementMap
from bot.reporting.figures import TrendPoint
from bot.reporting.outcome_blocks import place_brief

SPARK = "▁▂▃▄▅▆▇█"


def benchmark_line(section: BenchmarkSection) -> str | None:
    """The first comparable figure of a section, with its source: the one line there is room
    for (`/engagement benchmark` shows them all). Never a dated figure, nor one of unknown age."""
    for line in section.lines:
        if line.comparison and line.can_lead():
            gap = escape_mrkdwn(line.comparison)
            more = f"; {escape_mrkdwn(line.to_close)}" if line.to_close else ""
            return f"• {section.metric}: {gap}{more} _({escape_mrkdwn(line.source)})_"
    return None


def engagement_line(engagement: EngagementMap) -> str:
    mix, change = engagement.mix, engagement.change
    if not mix.placed:
        return "*Engagement map*: nobody placed yet (it takes an NPS and a CSAT answer)"
    parts = []
    for segment, (name, _meaning) in SEGMENT_NAMES.items():
        parts.append(f"{name} {share_text(mix, segment, change, unit='')}")
    advocates = mix.counts[Segment.ENGAGED_ADVOCATE]
    revealed = [f"{name} {brief}" for segment, (name, _meaning) in SEGMENT_NAMES.items()
                if (brief := place_brief(engagement.loyalty(segment))) is not None]
    return (
        f"*Engagement map* ({plural(mix.placed, 'customer')} placed, "
        f"{advocates} engaged advocates): " + " · ".join(parts)
        + ("\nRevealed: " + " · ".join(revealed) if revealed else "")
    )


def trend_line(points: list[TrendPoint]) -> str:
    """NPS per month as a sparkline and figures, each with its 95% interval:
    `▃▅▇ Sep +12 (−20 to +40) · Oct +20 (−4 to +41) · Nov +31 (+12 to +48)`."""
    scored = [(p.start, p.nps.score, p.nps.ci95) for p in points
              if p.nps.score is not None and p.nps.ci95 is not None]
    if not scored:
        return "*NPS trend*: no answers in these months"
    spark = "".join(SPARK[min(7, int((score + 100) / 200 * 8))] for _, score, _ in scored)
    figures = " · ".join(
        f"{start:%b} {fmt_score(score)} ({fmt_interval(ci.low, ci.high, signed=True)})"
        for start, score, ci in scored)
    return f"*NPS trend* `{spark}` {figures}"
