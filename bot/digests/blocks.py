"""The digest post: headline figures, the best to compare with, the map, and voices."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.benchmarks.target_blocks import target_line
from bot.core.text import escape_mrkdwn, fmt_percent, fmt_score, plural, quote, truncate
from bot.digests.content import Digest
from bot.followups.blocks import follow_ups_line
from bot.reporting.blocks import csat_field, nps_field
from bot.reporting.summary_blocks import benchmark_line, engagement_line
from bot.reporting.theme_blocks import themes_summary
from bot.slack.message import ReportMessage


def _context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=truncate(text, 2900))])


def _changes(digest: Digest) -> str | None:
    overview = digest.overview
    changes = [
        f"{name} {change.describe()}"
        for name, change in (("NPS", overview.nps_change), ("CSAT", overview.csat_change))
        if change is not None and change.difference is not None
    ]
    if not changes:
        return None
    return f"Against {overview.period.previous().label}: " + "; ".join(changes)


def digest_message(digest: Digest) -> ReportMessage:
    overview = digest.overview
    scope = digest.scope_label
    title = f"Engagement digest · {digest.period.label}"
    blocks: list[Block] = [HeaderBlock(text=truncate(title, 150))]
    if digest.held_back:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=(
            f"Fewer people than the anonymity minimum answered ({escape_mrkdwn(scope)}) in "
            f"the {digest.period.label}: the figures are held back so nobody's answer stands "
            "out."
        ))))
        return ReportMessage(text=f"{title}: too few answers to show", blocks=blocks)
    if digest.empty:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=(
            f"No answers in the {digest.period.label} ({escape_mrkdwn(scope)}), so there is "
            f"nothing to compare this time. {plural(overview.delivered, 'survey')} went out."
        ))))
        return ReportMessage(text=f"{title}: no answers this time", blocks=blocks)
    blocks.append(SectionBlock(fields=[
        MarkdownTextObject(text=nps_field(overview)),
        MarkdownTextObject(text=csat_field(overview)),
    ]))
    changes = _changes(digest)
    rate = (
        f"Response rate {fmt_percent(overview.response_rate)} "
        f"({overview.answered} of {overview.delivered})"
        if overview.response_rate is not None else "No response rate (no DMs sent)"
    )
    blocks.append(_context(" · ".join(filter(None, [changes, rate, escape_mrkdwn(scope)]))))
    against = [line for s in digest.benchmarks.sections if (line := benchmark_line(s))]
    against += [f"• {target_line(gap)}" for gap in digest.targets]
    if against:
        blocks.append(SectionBlock(text=MarkdownTextObject(
            text=truncate("*Against the best*\n" + "\n".join(against), 2900))))
    workspace_wide = "" if scope == "all pulses" else " _(whole workspace)_"
    blocks.append(SectionBlock(text=MarkdownTextObject(
        text=truncate(engagement_line(digest.engagement) + workspace_wide, 2900))))
    themes = themes_summary(digest.themes) if digest.themes is not None else None
    follow_ups = follow_ups_line(digest.follow_ups) if digest.follow_ups is not None else None
    blocks += [SectionBlock(text=MarkdownTextObject(text=truncate(extra, 2900)))
               for extra in [*filter(None, [themes, follow_ups]), *digest.extras]]
    if digest.comments:
        blocks.append(DividerBlock())
        blocks.append(SectionBlock(text=MarkdownTextObject(text="*In their words*")))
        for row in digest.comments:
            label = row.sentiment_label or "unscored"
            blocks.append(SectionBlock(text=MarkdownTextObject(text=quote(row.comment, 1500))))
            blocks.append(_context(f"{row.metric.value.upper()} {row.score} · {label}"))
    elif digest.comments_hidden:
        blocks.append(_context("Comments are not quoted: too few people answered to keep them "
                                "anonymous"))
    blocks.append(_context("The NPS trend chart is in the thread · `/engagement` for more"))
    nps = overview.nps.score
    score = "no NPS answers" if nps is None else f"NPS {fmt_score(nps)}"
    return ReportMessage(text=f"{title}: {score}", blocks=blocks)
