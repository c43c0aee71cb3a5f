"""The drift warning posted to the alert channel, and its one-line form for digests and Home."""

from __future__ import annotations

import math
from collections.abc import Sequence

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.core.text import (
    escape_mrkdwn,
    fmt_interval,
    fmt_percent,
    fmt_score,
    plural,
    quote,
    truncate,
)
from bot.reporting.drift.check import ALL
from bot.slack.message import ReportMessage
from storage.drift import DriftComment
from storage.models import DriftAlert, Metric

COMMENT_SHOWN = 600


def segment_label(segment: str) -> str:
    """"plan = enterprise" (escaped: attribute values come from an imported file)."""
    if segment == ALL:
        return "the whole workspace"
    attribute, _, value = segment.partition("=")
    return escape_mrkdwn(truncate(f"{attribute} = {value}", 200))


def _figure(metric: Metric, value: float) -> str:
    return fmt_score(value) if metric is Metric.NPS else fmt_percent(value)


def _interval(metric: Metric, low: float, high: float) -> str:
    if metric is Metric.NPS:
        return fmt_interval(low, high, signed=True)
    return fmt_interval(low, high, percent=True)


def _name(metric: Metric) -> str:
    return "NPS" if metric is Metric.NPS else "CSAT"


def _points(value: float) -> str:
    shown = abs(round(value))
    return "1 point" if shown == 1 else f"{shown} points"


def _at_least(value: float) -> str:
    """A lower bound read as one: rounded down, so "at least" stays true."""
    if value < 1:
        return f"{math.floor(max(value, 0.0) * 10) / 10:.1f} points"
    return _points(math.floor(value))


def drift_alert_message(
    alert: DriftAlert, comments: Sequence[DriftComment], *, days: int,
    comments_hidden: bool = False,
) -> ReportMessage:
    metric = Metric(alert.metric)
    name, who = _name(metric), segment_label(alert.segment)
    previous_end = alert.current_start
    window = f"the {plural(days, 'day')} to"
    satisfied = "" if metric is Metric.NPS else " satisfied"
    lines = [
        f":chart_with_downwards_trend: *{name} fell beyond its margin* · {who}",
        f"From *{_figure(metric, alert.previous_score)}*{satisfied} "
        f"({plural(alert.n_previous, 'answer')}, "
        f"95% interval {_interval(metric, alert.previous_low, alert.previous_high)}) in "
        f"{window} {previous_end:%-d %b} to *{_figure(metric, alert.current_score)}*{satisfied} "
        f"({plural(alert.n_current, 'answer')}, 95% interval "
        f"{_interval(metric, alert.current_low, alert.current_high)}) in {window} "
        f"{alert.raised_at:%-d %b %Y}: down "
        f"{_points(alert.previous_score - alert.current_score)}; allowing for chance, at "
        f"least {_at_least(alert.fall_low)}.",
    ]
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=truncate("\n".join(lines),
                                                                              2900)))]
    if comments:
        blocks.append(SectionBlock(text=MarkdownTextObject(text="*Behind it*")))
        for row in comments:
            blocks.append(SectionBlock(text=MarkdownTextObject(
                text=quote(row.comment, COMMENT_SHOWN))))
            blocks.append(ContextBlock(elements=[MarkdownTextObject(
                text=f"{name} {row.score} · {row.sentiment_label or 'unscored'}")]))
    elif comments_hidden:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(
            text="Comments are not quoted: too few people answered to keep them anonymous.")]))
    else:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(
            text="No comments on the lower answers of this period to show.")]))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=(
        f"Checked every hour against the {plural(days, 'day')} before; one warning per segment and "
        "metric per period · `/engagement set drift off` turns these warnings off"))]))
    text = (f"{name} fell beyond its margin for {who}: "
            f"{_figure(metric, alert.previous_score)} to {_figure(metric, alert.current_score)}")
    return ReportMessage(text=text, blocks=blocks)


def drift_lines(alerts: Sequence[DriftAlert], *, heading: str) -> str | None:
    """One line per warning ("*Drift* · NPS fell for plan = enterprise: +30 to −10, …")."""
    if not alerts:
        return None
    lines = [
        f"• {_name(Metric(a.metric))} fell for {segment_label(a.segment)}: "
        f"{_figure(Metric(a.metric), a.previous_score)} to "
        f"{_figure(Metric(a.metric), a.current_score)} ({a.n_previous} and {a.n_current} "
        f"answers), beyond the margin of error · {a.raised_at:%-d %b}"
        for a in alerts
    ]
    return truncate(f"*{heading}*\n" + "\n".join(lines), 2900)
