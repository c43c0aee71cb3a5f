"""Detailed /engagement answers: one metric, the trend, and segment breakdowns."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.benchmarks.target_blocks import target_blocks
from bot.benchmarks.targets import TargetGap
from bot.core.text import escape_mrkdwn, fmt_interval, fmt_percent, fmt_score, plural, truncate
from bot.insights.engagement import Mix, Segment
from bot.reporting.blocks import csat_field, nps_field
from bot.reporting.engagement_map import EngagementMap
from bot.reporting.figures import Overview, SegmentBreakdown, SegmentRow, TrendPoint
from bot.reporting.outcome_blocks import place_text
from bot.slack.message import ReportMessage


def _distribution(counts: dict[int, int], scale: range) -> str:
    total = sum(counts.values()) or 1
    return "\n".join(
        f"`{score:>2}` {'█' * round(20 * count / total):<20} {count}"
        for score, count in ((score, counts.get(score, 0)) for score in scale)
    )


def nps_message(overview: Overview, targets: Sequence[TargetGap] = ()) -> ReportMessage:
    nps = overview.nps
    blocks: list[Block] = [
        HeaderBlock(text=truncate(f"NPS · {overview.period.label}", 150)),
        SectionBlock(text=MarkdownTextObject(text=nps_field(overview))),
    ]
    if nps.n:
        blocks += [
            SectionBlock(text=MarkdownTextObject(text=_distribution(overview.nps_scores,
                                                                   range(10, -1, -1)))),
            ContextBlock(elements=[MarkdownTextObject(
                text=f"Promoters (9–10) {nps.promoters} · Passives (7–8) {nps.passives} · "
                f"Detractors (0–6) {nps.detractors}"
            )]),
        ]
    blocks += target_blocks(targets, metric="nps")
    text = f"NPS {fmt_score(nps.score)}, {overview.period.label}"
    return ReportMessage(text=text, blocks=blocks)


def csat_message(overview: Overview, targets: Sequence[TargetGap] = ()) -> ReportMessage:
    csat = overview.csat
    blocks: list[Block] = [
        HeaderBlock(text=truncate(f"CSAT · {overview.period.label}", 150)),
        SectionBlock(text=MarkdownTextObject(text=csat_field(overview))),
    ]
    if csat.n:
        blocks.append(SectionBlock(text=MarkdownTextObject(
            text=_distribution(csat.distribution, range(5, 0, -1))
        )))
    blocks += target_blocks(targets, metric="csat")
    return ReportMessage(
        text=f"CSAT {fmt_percent(csat.score)}, {overview.period.label}", blocks=blocks
    )


def trend_message(points: list[TrendPoint], *, granularity: str, period: str) -> ReportMessage:
    every = "week" if granularity == "weekly" else "month"
    blocks: list[Block] = [HeaderBlock(text=truncate(f"Trend by {every} · {period}", 150))]
    if not points:
        blocks.append(SectionBlock(text=MarkdownTextObject(text="No answers in this period.")))
    lines = []
    for point in points[-40:]:
        nps, csat = point.nps, point.csat
        nps_text = (
            f"NPS *{fmt_score(nps.score)}* (n={nps.n}, "
            f"{fmt_interval(nps.ci95.low, nps.ci95.high, signed=True)})"
            if nps.score is not None and nps.ci95 is not None
            else "NPS –"
        )
        csat_text = (
            f"CSAT *{fmt_percent(csat.score)}* (n={csat.n}, "
            f"{fmt_interval(csat.ci95.low, csat.ci95.high, percent=True)})"
            if csat.score is not None and csat.ci95 is not None
            else "CSAT –"
        )
        label = f"{point.start:%d %b %Y}" if granularity == "weekly" else f"{point.start:%B %Y}"
        lines.append(f"{label}: {nps_text} · {csat_text}")
    for start in range(0, len(lines), 10):  # 10 lines a block keeps each under 3000 characters
        chunk = "\n".join(lines[start : start + 10])
        blocks.append(SectionBlock(text=MarkdownTextObject(text=chunk)))
    return ReportMessage(text=f"Trend by {every}, {period}", blocks=blocks)


def segment_message(breakdown: SegmentBreakdown, *, period: str) -> ReportMessage:
    attribute = escape_mrkdwn(breakdown.attribute)
    blocks: list[Block] = [HeaderBlock(text=truncate(f"NPS by {breakdown.attribute} · {period}",
                                                     150))]
    lines = [segment_line(row) for row in breakdown.shown[:40]]
    if not lines and breakdown.complementary:
        lines = [f"No {attribute} group can be shown without giving a smaller one away."]
    elif not lines:
        lines = [f"No {attribute} group has {breakdown.minimum} or more respondents yet."]
    for start in range(0, len(lines), 10):
        chunk = "\n".join(lines[start : start + 10])
        blocks.append(SectionBlock(text=MarkdownTextObject(text=chunk)))
    if breakdown.hidden:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=_hidden_groups(breakdown))]))
    return ReportMessage(text=f"NPS by {breakdown.attribute}, {period}", blocks=blocks)


def segment_line(row: SegmentRow) -> str:
    """`*enterprise*: NPS *+40* (6 respondents, 95% interval −4 to +71)`: a group's figure
    with its margin, so two groups are never compared on their points alone."""
    interval = (
        f", 95% interval {fmt_interval(row.nps.ci95.low, row.nps.ci95.high, signed=True)}"
        if row.nps.ci95 is not None else ""
    )
    return (f"*{escape_mrkdwn(truncate(row.value, 60))}*: NPS *{fmt_score(row.nps.score)}* "
            f"({plural(row.respondents, 'respondent')}{interval})")


def _hidden_groups(breakdown: SegmentBreakdown) -> str:
    small, minimum = breakdown.hidden - breakdown.complementary, breakdown.minimum
    if not breakdown.complementary:
        return (f"{plural(small, 'group')} with fewer than {minimum} respondents hidden, "
                "so no answer can be traced to a person.")
    none = "neither" if breakdown.hidden == 2 else "none"
    return (f"{plural(breakdown.hidden, 'group')} hidden so {none} can be worked out: "
            f"{small} with fewer than {minimum} respondents, and "
            f"{plural(breakdown.complementary, 'larger one')} hidden too: the whole minus the "
            f"groups shown would otherwise reveal the {'small one' if small == 1 else 'rest'}.")


SEGMENT_NAMES = {
    Segment.ENGAGED_ADVOCATE: ("Engaged advocates", "loyal and satisfied"),
    Segment.SATISFIED_NOT_LOYAL: ("Satisfied, not loyal", "happy today, nothing keeps them"),
    Segment.LOYAL_NOT_SATISFIED: ("Loyal, not satisfied", "staying despite the experience"),
    Segment.AT_RISK: ("At risk", "neither loyal nor satisfied"),
}


def share_text(mix: Mix, segment: Segment, change: dict[Segment, float] | None = None,
               *, unit: str = " points") -> str:
    """`25% (6% to 60%; +3 points)`: a place's share of placed customers with its 95% Wilson
    interval (with a few dozen customers, wide enough to matter) and how it moved."""
    interval = mix.share_interval(segment)
    notes = [] if interval is None else [fmt_interval(interval.low, interval.high, percent=True)]
    if change is not None:
        notes.append(f"{fmt_score(change[segment])}{unit}")
    within = f" ({'; '.join(notes)})" if notes else ""
    return f"{fmt_percent(mix.percent(segment))}{within}"


def engagement_message(engagement: EngagementMap) -> ReportMessage:
    mix, change = engagement.mix, engagement.change
    blocks: list[Block] = [
        HeaderBlock(text=truncate(f"Engagement map · {engagement.period.label}", 150))
    ]
    lines = []
    for segment, (name, meaning) in SEGMENT_NAMES.items():
        lines.append(
            f"*{name}* — {share_text(mix, segment, change)} · "
            f"{plural(mix.counts[segment], 'customer')}"
            f"\n_{meaning}_\n{place_text(engagement.loyalty(segment))}"
        )
    blocks.append(SectionBlock(text=MarkdownTextObject(text="\n".join(lines))))
    kept = engagement.retention
    facts = [
        f"{plural(mix.unplaced, 'customer')} not placed yet (an NPS and a CSAT answer are needed)",
        f"retention {fmt_percent(kept.retention_percent)} of last period's respondents",
        f"promoters who stayed promoters {fmt_percent(engagement.promoters_retained)}",
    ]
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=" · ".join(facts))]))
    advocates = fmt_percent(mix.percent(Segment.ENGAGED_ADVOCATE))
    return ReportMessage(
        text=f"Engagement map, {engagement.period.label}: {advocates} engaged advocates",
        blocks=blocks,
    )
