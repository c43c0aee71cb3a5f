"""Answers to /engagement: overview, comments and help."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.benchmarks.target_blocks import target_blocks
from bot.benchmarks.targets import TargetGap
from bot.core.text import (
    escape_mrkdwn,
    fmt_interval,
    fmt_percent,
    fmt_score,
    plural,
    quote,
    truncate,
)
from bot.insights.sentiment import UNSCORED
from bot.reporting.figures import Overview
from bot.slack.message import ReportMessage
from storage.reporting import CommentRow

MAX_COMMENTS_SHOWN = 10


def in_period(label: str) -> str:
    """A period's label after "No answers": "in the last 90 days", "in the week of …",
    "in Q4 2026 so far", "in the 90 days before", "since 5 March 2026"."""
    if label.startswith("since "):
        return label
    return f"in the {label}" if label.startswith(("last ", "week of ")) else f"in {label}"


def no_answers(overview: Overview, latest: datetime | None) -> str:
    """"No answers yet" only when there has never been one: a trend or a map of earlier
    answers may stand beside this figure, and "yet" would contradict them."""
    if latest is None:
        return "No answers yet"
    return f"No answers {in_period(overview.period.label)}; the last on {latest:%-d %b %Y}"


def nps_field(overview: Overview) -> str:
    nps = overview.nps
    if nps.score is None or nps.ci95 is None:
        return "*NPS*\n" + no_answers(overview, overview.latest_nps_at)
    interval = fmt_interval(nps.ci95.low, nps.ci95.high, signed=True)
    return f"*NPS*\n*{fmt_score(nps.score)}*  ({plural(nps.n, 'answer')})\n95% interval {interval}"


def csat_field(overview: Overview) -> str:
    csat = overview.csat
    if csat.score is None or csat.ci95 is None or csat.mean is None:
        return "*CSAT*\n" + no_answers(overview, overview.latest_csat_at)
    interval = fmt_interval(csat.ci95.low, csat.ci95.high, percent=True)
    return (
        f"*CSAT*\n*{fmt_percent(csat.score)}* satisfied  ({plural(csat.n, 'answer')})\n"
        f"95% interval {interval} · mean {csat.mean:.1f} of 5"
    )


def overview_message(overview: Overview, targets: Sequence[TargetGap] = ()) -> ReportMessage:
    nps = overview.nps
    rate = overview.response_rate
    rate_text = (
        f"Response rate *{fmt_percent(rate)}* ({overview.answered} of "
        f"{plural(overview.delivered, 'survey')} sent)"
        if rate is not None
        else "No surveys sent in this period"
    )
    blocks: list[Block] = [
        HeaderBlock(text=f"Customer engagement · {overview.period.label}"),
        SectionBlock(
            fields=[
                MarkdownTextObject(text=nps_field(overview)),
                MarkdownTextObject(text=csat_field(overview)),
            ]
        ),
    ]
    if nps.n:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=f"Promoters {nps.promoters} · Passives {nps.passives} · "
                        f"Detractors {nps.detractors}"
                    )
                ]
            )
        )
    changes = [
        f"{name} {change.describe()}"
        for name, change in (("NPS", overview.nps_change), ("CSAT", overview.csat_change))
        if change is not None and change.difference is not None
    ]
    if changes:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=f"Against {overview.period.previous().label}: " + "; ".join(changes)
                    )
                ]
            )
        )
    blocks += target_blocks(targets)
    blocks += [
        ContextBlock(elements=[MarkdownTextObject(text=rate_text)]),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="`/engagement comments` shows what customers said · "
                    "`/engagement help` lists everything"
                )
            ]
        ),
    ]
    score = (f"NPS {fmt_score(nps.score)}" if nps.score is not None else
             f"no NPS answers {in_period(overview.period.label)}"
             if overview.latest_nps_at is not None else "no NPS answers yet")
    return ReportMessage(
        text=f"Customer engagement, {overview.period.label}: {score}", blocks=blocks
    )




def sentiment_text(label: str | None, language: str | None) -> str:
    """How a stored label reads: "negative", or "not scored (FR)" for another language."""
    if label == UNSCORED:
        return f"not scored ({(language or '?').upper()})"
    return label or "unscored"


def not_scored_line(not_scored: Mapping[str, int]) -> str | None:
    """"3 comments not scored (FR 2, DE 1)", most frequent language first; None when none."""
    if not not_scored:
        return None
    languages = ", ".join(
        f"{language.upper()} {count}"
        for language, count in sorted(not_scored.items(), key=lambda item: (-item[1], item[0]))
    )
    return f"{plural(sum(not_scored.values()), 'comment')} not scored ({languages})"


def comments_message(
    rows: list[CommentRow], *, period: str, sentiment: str | None = None,
    theme: str | None = None, not_scored: Mapping[str, int] | None = None,
) -> ReportMessage:
    shown = rows[:MAX_COMMENTS_SHOWN]
    which = f"{sentiment} comments" if sentiment else "What customers said"
    # The grammar already keeps <, > and & out of a theme; escaping anyway means this view stays
    # safe if a theme ever arrives by another way (App Home, a digest).
    about = f" about “{escape_mrkdwn(theme)}”" if theme else ""
    blocks: list[Block] = [
        HeaderBlock(text=truncate(f"{which.capitalize()}{about} · {period}", 150))
    ]
    if not shown:
        none = f"No {sentiment} comments" if sentiment else "No comments"
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text=f"{none}{about} in this period."))
        )
    for row in shown:
        label = sentiment_text(row.sentiment_label, row.language)
        polarity = "" if row.sentiment_polarity is None else f" ({row.sentiment_polarity:+.2f})"
        blocks += [
            # Customer text is escaped here, so <!channel> or <@U…> can never ping anyone.
            SectionBlock(text=MarkdownTextObject(text=quote(row.comment))),
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=f"{row.metric.value.upper()} {row.score} · {label}{polarity} · "
                        f"{row.commented_at:%Y-%m-%d}"
                    )
                ]
            ),
        ]
    unscored = not_scored_line(not_scored or {})
    if unscored:
        # Counted over the whole period, so a filtered view ("negative") says what it cannot see.
        blocks.append(ContextBlock(elements=[MarkdownTextObject(
            text=f"{unscored}{about} in this period: sentiment is read in English only, "
            "so these are in no sentiment filter."
        )]))
    return ReportMessage(
        text=f"{plural(len(shown), 'comment')} from customers{about}, {period}", blocks=blocks
    )


HELP_LINES = (
    "`/engagement` — NPS, CSAT and response rate for the last 90 days",
    "`/engagement nps` · `/engagement csat` — one metric in detail",
    "`/engagement trend [weekly|monthly]` — how the figures moved",
    "`/engagement segment plan` — NPS by a customer attribute (small groups stay hidden)",
    "`/engagement benchmark [industry]` — the comparisons that matter most; a button shows all",
    "`/engagement set industry KEY|clear` — the industry to compare with (admins)",
    "`/engagement benchmark add nps 62 Acme [year:2026] [source:their report]` · "
    "`benchmark list` · `benchmark remove ID` — your own benchmarks (admins)",
    "`/engagement target nps 50` · `target csat 85` · `target clear nps` — targets (admins)",
    "`/engagement set staff @group|clear` — the user group whose members see the figures "
    "(admins)",
    "`/engagement set alerts #channel|off` — where follow-up alerts go (admins)",
    "`/engagement set currency EUR|off` — the currency of imported revenue (admins)",
    "`/engagement set drift off|on` — warnings when a segment's NPS or CSAT falls beyond its "
    "margin (admins)",
    "`/engagement admin list|add @person|remove @person` — admins of the bot here (added and "
    "removed by the workspace's admins and owners)",
    "`/engagement map` — the map of customers by loyalty × satisfaction, with the advocacy "
    "(referrals, reviews) each place showed",
    "`/engagement map movement` — who moved between the map's places since the period before",
    "`/engagement plan` — each place's customers, themes and next step · "
    "`plan set at_risk \"call within 5 days\"` · `plan reset PLACE` · `plan followup PLACE` "
    "(open a follow-up for everyone there)",
    "`/engagement comments [positive|negative|neutral] [theme]` — the latest comments, or only "
    "those that mention a theme, e.g. `/engagement comments negative csv export`",
    "`/engagement themes` — what customers talk about, overall and promoters against detractors",
    "`/engagement followups` — open follow-ups on unhappy answers, and how fast we respond",
    "`/engagement followups effect` — whether following up a detractor changed their next "
    "answer",
    "`/engagement movement` — customers who moved between promoter, passive and detractor "
    "since the period before",
    "`/engagement outcomes` — renewals and churn by what customers said before, revenue at "
    "risk (last 365 days unless you give a period)",
    "`/engagement drivers` — themes and segments that go with a higher or lower NPS",
    "Any of them `7d`, `30d`, `quarter`, `year` or `since 2026-01-01`; add `share` to post "
    "in the channel instead of privately",
    "`/engagement pulse list|new|send|pause|resume|delete` — manage pulses (admins)",
    "`/engagement digest subscribe [weekly|monthly] [HH:MM] [Time/Zone] [pulse:NAME|"
    "segment:plan=enterprise]|list|stop N` — the digest in this channel (admins)",
    "`/engagement help` — this list",
)


def mistake_message(mistake: str, problem: str, suggestion: str | None) -> ReportMessage:
    """One line for a command that could not be understood: what, the word, and the likely
    meaning — not the whole help, which `/engagement help` still gives."""
    # The problem quotes the word it stumbled on, which may be thousands of characters long:
    # cut before escaping (an entity is never split, and "&" grows fivefold) to stay one line.
    said = escape_mrkdwn(truncate(mistake, 50))
    reason = escape_mrkdwn(truncate(problem or "I didn't understand that", 100))
    meant = f" Did you mean `{escape_mrkdwn(suggestion)}`?" if suggestion else ""
    text = f":warning: {reason}: `{said}`.{meant} `/engagement help` lists what you can ask."
    return ReportMessage(text=text, blocks=[SectionBlock(text=MarkdownTextObject(text=text))])


def help_message() -> ReportMessage:
    blocks: list[Block] = [SectionBlock(
        text=MarkdownTextObject(text="*What you can ask*\n" + "\n".join(HELP_LINES)))]
    text = (
        "Usage: /engagement [nps|csat|trend|segment ATTR|comments [sentiment] [theme]|themes|"
        "map [movement]|plan|help] [period] [share]"
    )
    return ReportMessage(text=text, blocks=blocks)



