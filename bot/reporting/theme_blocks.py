"""/engagement themes: what customers talk about, and what promoters and detractors each say."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.core.text import escape_mrkdwn, fmt_interval, fmt_percent, fmt_score, plural, truncate
from bot.insights.themes import Theme
from bot.reporting.blocks import not_scored_line
from bot.reporting.themes import ThemesReport
from bot.slack.message import ReportMessage

CLASS_NAMES = {"promoter": "Promoters", "passive": "Passives", "detractor": "Detractors"}


def theme_line(theme: Theme) -> str:
    """`export` 12 comments (9%, 95% interval 5% to 15%) · negative (−0.31) · NPS −40
    (n=10, −71 to −1)"""
    interval = theme.share_interval
    within = "" if interval is None else (
        f", 95% interval {fmt_interval(interval.low, interval.high, percent=True)}")
    nps = theme.nps
    nps_text = "" if nps.score is None or nps.ci95 is None else (
        f" · NPS {fmt_score(nps.score)} (n={nps.n}, "
        f"{fmt_interval(nps.ci95.low, nps.ci95.high, signed=True)})")
    return (
        f"`{escape_mrkdwn(theme.phrase)}` {plural(theme.count, 'comment')} "
        f"({fmt_percent(100 * theme.share)}{within}) · {theme.label} "
        f"({fmt_score(theme.mean_polarity, digits=2)}){nps_text}"
    )


def themes_summary(report: ThemesReport, top: int = 5) -> str | None:
    """One paragraph for the digest and App Home; None when nobody commented."""
    if not report.overall:
        return None
    overall = " · ".join(
        f"{escape_mrkdwn(t.phrase)} {t.count} ({t.label})" for t in report.overall[:top]
    )
    detractors = report.by_class.get("detractor") or []
    worry = (
        "\nDetractors mention: " + ", ".join(escape_mrkdwn(t.phrase) for t in detractors[:3])
        if detractors else ""
    )
    return f"*Top themes*: {overall}{worry}"


def themes_message(report: ThemesReport) -> ReportMessage:
    blocks: list[Block] = [
        HeaderBlock(text=truncate(f"Themes · {report.period.label}", 150))
    ]
    unscored = not_scored_line(report.not_scored)
    left_out: list[Block] = (
        [ContextBlock(elements=[MarkdownTextObject(
            text=f"{unscored}, not in these themes: they are read in English only."
        )])] if unscored else []
    )
    if not report.overall:
        text = "No themes yet: too few comments mention the same thing in this period."
        blocks.append(SectionBlock(text=MarkdownTextObject(text=text)))
        return ReportMessage(text=text, blocks=blocks + left_out)
    lines = [f"• {theme_line(t)}" for t in report.overall]
    blocks.append(SectionBlock(text=MarkdownTextObject(
        text=truncate("*What customers talk about*\n" + "\n".join(lines), 2900))))
    for nps_class in ("promoter", "detractor"):
        found = report.by_class.get(nps_class) or []
        said = "\n".join(f"• {theme_line(t)}" for t in found) or "nothing repeated yet"
        blocks.append(SectionBlock(text=MarkdownTextObject(
            text=truncate(f"*{CLASS_NAMES[nps_class]}*\n{said}", 2900))))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=(
        f"From {plural(report.comments, 'comment')}, no names. "
        "`/engagement comments negative THEME` shows what was said."
    ))]))
    blocks += left_out
    top = report.overall[0]
    return ReportMessage(
        text=f"Themes, {report.period.label}: {top.phrase} ({plural(top.count, 'comment')}) leads",
        blocks=blocks,
    )
