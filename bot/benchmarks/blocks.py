"""Answers to the admin commands that set the industry, custom benchmarks and targets."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, MarkdownTextObject, SectionBlock

from bot.benchmarks.custom import CustomFigure
from bot.core.text import escape_mrkdwn, fmt_score, mention, plural, truncate
from bot.slack.message import ReportMessage
from storage.models import Metric

MAX_LISTED = 40


def _said(text: str) -> ReportMessage:
    return ReportMessage(text=text, blocks=[SectionBlock(text=MarkdownTextObject(text=text))])


def _value(metric: Metric, value: float) -> str:
    return f"NPS {fmt_score(value)}" if metric is Metric.NPS else f"CSAT {value:g}%"


def figure_line(figure: CustomFigure) -> str:
    """E.g. "#3 NPS +62 — Acme (competitor), 2026 · added by <@U…> · their report"."""
    who = f"added by {mention(figure.added_by)}" if figure.added_by else "added from the CLI"
    details = [who]
    if figure.source:
        details.append(escape_mrkdwn(figure.source))
    year = f", {figure.year}" if figure.year else ""
    return (f"`#{figure.id}` {_value(figure.metric, figure.value)} — "
            f"*{escape_mrkdwn(figure.name)}*{year} · " + " · ".join(details))


def industry_message(chosen: tuple[str, str] | None) -> ReportMessage:
    if chosen is None:
        return _said("Industry cleared: benchmarks now use cross-industry figures.")
    key, name = chosen
    return _said(f"Industry set to *{escape_mrkdwn(name)}* (`{key}`): "
                 "`/engagement benchmark` now compares with its figures.")


def benchmark_added_message(figure: CustomFigure) -> ReportMessage:
    return _said("Custom benchmark saved; it appears in every comparison, marked as custom:\n"
                 + figure_line(figure))


def benchmark_removed_message(benchmark_id: int) -> ReportMessage:
    return _said(f"Custom benchmark #{benchmark_id} removed.")


def benchmark_list_message(figures: list[CustomFigure]) -> ReportMessage:
    if not figures:
        return _said("No custom benchmarks yet. Add one with "
                     "`/engagement benchmark add nps 62 Acme (competitor)`.")
    lines = [figure_line(figure) for figure in figures[:MAX_LISTED]]
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=truncate("\n".join(lines[i:i + 10]), 2900)))
        for i in range(0, len(lines), 10)
    ]
    return ReportMessage(text=plural(len(figures), "custom benchmark"), blocks=blocks)


def target_set_message(metric: Metric, value: float) -> ReportMessage:
    return _said(f"Target set: {_value(metric, value)}. The overview and the full benchmark "
                 "list now show how far we are from it.")


def target_cleared_message(metric: Metric) -> ReportMessage:
    return _said(f"Target for {metric.value.upper()} cleared.")
