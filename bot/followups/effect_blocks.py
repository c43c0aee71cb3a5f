"""`/engagement followups effect` as Block Kit, and its one line for the digest and App Home."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.core.text import escape_mrkdwn, fmt_interval, fmt_percent, fmt_score, plural, truncate
from bot.followups.blocks import fmt_duration
from bot.insights.followups import FollowUpSummary
from bot.insights.loop_effect import RECOVERED_MIN, EffectGroup, LoopEffect
from bot.slack.message import ReportMessage

DEFINITIONS = (
    f"A detractor answer (0–6) *recovered* when the customer's next NPS answer was "
    f"{RECOVERED_MIN} or more. *Followed up*: a reply or a resolution was recorded on its "
    "follow-up no later than that next answer; an answer with no follow-up, or none in time, "
    "is not followed up. The interval is Newcombe's hybrid score interval (from each share's "
    "Wilson interval). This is association, not proof of cause: a team may follow up the "
    "customers it expects to win back."
)


def _group(name: str, group: EffectGroup, minimum: int) -> str:
    if not group.n:
        return f"*{name}*: no detractor answer with a next answer yet"
    if not group.shown:
        return (f"*{name}*: {plural(group.n, 'answer')} with a next answer, fewer than "
                f"{minimum}: not shown, so nobody's answer can be picked out")
    interval = group.ci95
    margin = (f", 95% interval {fmt_interval(interval.low, interval.high, percent=True)}"
              if interval is not None else "")
    return (f"*{name}*: {group.recovered} of {group.n} recovered "
            f"(*{fmt_percent(group.recovered_percent)}*{margin}) · mean change "
            f"{fmt_score(group.mean_change, digits=1)} on the 0–10 scale")


def _difference(effect: LoopEffect) -> str | None:
    if effect.difference is None or effect.ci95 is None:
        return None
    low, high = effect.ci95.low, effect.ci95.high
    verdict = ("beyond the margin of error" if low > 0 or high < 0
               else "within the margin of error: no clear difference yet")
    return (f"*Difference*: {fmt_score(effect.difference)} points recovered "
            f"(95% interval {fmt_interval(low, high, signed=True)}), {verdict}")


def loop_effect_message(effect: LoopEffect, times: FollowUpSummary, *, period: str
                        ) -> ReportMessage:
    title = f"Closing the loop: the effect · detractor answers, {period}"
    blocks: list[Block] = [HeaderBlock(text=truncate(title, 150))]
    if not effect.detractor_answers:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=(
            f"No known customer gave a detractor answer (0–6) in the {escape_mrkdwn(period)}, "
            "so there is nothing to measure. Answers to anonymous pulses are never linked to a "
            "next answer."))))
        return ReportMessage(text=f"{title}: no detractor answers", blocks=blocks)
    lines = [
        _group("Followed up", effect.followed_up, effect.minimum),
        _group("Not followed up", effect.not_followed_up, effect.minimum),
    ]
    difference = _difference(effect)
    if difference:
        lines.append(difference)
    lines.append(f"{plural(effect.waiting, 'detractor answer')} still "
                 f"{'waits' if effect.waiting == 1 else 'wait'} for the customer's next NPS "
                 "answer.")
    blocks.append(SectionBlock(text=MarkdownTextObject(text="\n".join(lines))))
    if times.raised:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=(
            f"{plural(times.raised, 'follow-up')} raised on these answers: median "
            f"{fmt_duration(times.median_first_response)} to the first reply "
            f"({times.responded} replied to), {fmt_duration(times.median_close)} to resolution "
            f"({times.resolved} resolved) · `/engagement followups` for the open ones"))]))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=DEFINITIONS)]))
    return ReportMessage(text=title, blocks=blocks)


def loop_effect_line(effect: LoopEffect, *, window: str) -> str | None:
    """One line for the digest and App Home; None until both groups can be shown."""
    followed, others = effect.followed_up, effect.not_followed_up
    if not (followed.shown and others.shown) or effect.ci95 is None:
        return None
    return (f"*Loop effect* (detractor answers, {window}): "
            f"{fmt_percent(followed.recovered_percent)} of followed-up "
            f"detractors recovered (n={followed.n}) against "
            f"{fmt_percent(others.recovered_percent)} of the others (n={others.n}): "
            f"{fmt_score(effect.difference)} points "
            f"(95% interval {fmt_interval(effect.ci95.low, effect.ci95.high, signed=True)}) · "
            "`/engagement followups effect`")
