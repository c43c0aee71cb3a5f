"""Block Kit for the continuum: movement between the map's places, advocacy per place, the plan."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.core.text import (
    escape_mrkdwn,
    fmt_interval,
    fmt_percent,
    fmt_score,
    mention,
    plural,
    truncate,
)
from bot.insights.continuum import PLACES, ContinuumMovement, PlaceAdvocacy
from bot.insights.engagement import PLACED_SEGMENTS, Segment
from bot.insights.metrics import Interval, nps_from_counts, wilson_interval
from bot.reporting.continuum import (
    NAMES_SHOWN,
    AdvocacyReport,
    ContinuumReport,
    Customer,
    PlanReport,
)
from bot.slack.message import ReportMessage

PLACE_NAMES = {
    Segment.ENGAGED_ADVOCATE: "Engaged advocates",
    Segment.SATISFIED_NOT_LOYAL: "Satisfied, not loyal",
    Segment.LOYAL_NOT_SATISFIED: "Loyal, not satisfied",
    Segment.AT_RISK: "At risk",
    Segment.UNPLACED: "Not placed",
}
# Column heads of the movement table: short, so five fit a phone's width in a code block.
_SHORT = {
    Segment.ENGAGED_ADVOCATE: "advoc",
    Segment.SATISFIED_NOT_LOYAL: "satis",
    Segment.LOYAL_NOT_SATISFIED: "loyal",
    Segment.AT_RISK: "risk",
    Segment.UNPLACED: "none",
}
HIDDEN = "·"


def _names(customers: list[Customer], total: int) -> str:
    """The first NAMES_SHOWN of `total` customers by name, the rest counted."""
    shown = [escape_mrkdwn(c.account) if c.account else mention(c.user_id)
             for c in customers[:NAMES_SHOWN]]
    more = total - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def movement_table(report: ContinuumReport) -> str:
    """The table as monospaced text: rows last period, columns now; · marks a hidden cell."""
    head = "from \\ to  " + " ".join(f"{_SHORT[p]:>5}" for p in PLACES)
    rows = [head]
    for before in PLACES:
        cells = " ".join(f"{HIDDEN if n is None else n:>5}"
                         for n in (report.shown[before][now] for now in PLACES))
        rows.append(f"{_SHORT[before]:<10} {cells}")
    return "```\n" + "\n".join(rows) + "\n```"


def continuum_message(report: ContinuumReport, *, names: bool) -> ReportMessage:
    """`/engagement map movement`: `names` only in a private answer to staff."""
    movement = report.movement
    blocks: list[Block] = [
        HeaderBlock(text=truncate(f"Movement on the engagement map · {report.period.label}",
                                  150)),
    ]
    if movement.customers == 0:
        blocks.append(SectionBlock(text=MarkdownTextObject(
            text="No customer answered in this period or the one before it.")))
        return ReportMessage(text="No movement on the engagement map yet", blocks=blocks)
    toward, away = movement.share(1), movement.share(-1)
    summary = (f"*{fmt_percent(toward)}* moved toward engaged advocate, "
               f"*{fmt_percent(away)}* away from it "
               f"(of {plural(movement.placed_both, 'customer')} placed in both periods)")
    blocks.append(SectionBlock(text=MarkdownTextObject(text=summary)))
    blocks.append(SectionBlock(text=MarkdownTextObject(text=movement_table(report))))
    legend = (f"Rows: {report.previous.label}; columns: {report.period.label}. "
              "advoc engaged advocate · satis satisfied, not loyal · loyal loyal, not satisfied · "
              "risk at risk · none not placed (no answer, or not both an NPS and a CSAT one). "
              f"{HIDDEN} hidden: fewer than {report.minimum} customers, or would reveal one "
              "that is.")
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=legend)]))
    if names and report.fell_out:
        named = _names(report.fell_out, report.fell_out_total)
        blocks.append(SectionBlock(text=MarkdownTextObject(
            text=truncate(f"*Fell out of engaged advocate:* {named}", 2900))))
    elif report.fell_out_total:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(
            text=f"{plural(report.fell_out_total, 'customer')} fell out of engaged advocate; "
                 "ask privately to see who.")]))
    text = (f"Engagement map movement, {report.period.label}: {fmt_percent(toward)} toward "
            f"engaged advocate, {fmt_percent(away)} away")
    return ReportMessage(text=text, blocks=blocks)


def continuum_line(movement: ContinuumMovement | None, minimum: int) -> str | None:
    """One line for the digest and App Home; None until at least `minimum` customers were
    placed in both periods (shares of fewer could point at someone)."""
    if movement is None or movement.placed_both < minimum:
        return None
    return (f"*Engagement map movement:* {fmt_percent(movement.share(1))} of "
            f"{plural(movement.placed_both, 'customer')} placed in both periods moved toward "
            f"engaged advocate, {fmt_percent(movement.share(-1))} away from it")


def advocacy_blocks(report: AdvocacyReport) -> list[Block]:
    """The map's advocacy axis: per place, who referred or reviewed, beside stated NPS."""
    lines = []
    for segment in PLACED_SEGMENTS:
        line = report.shown(segment)
        lines.append(f"*{PLACE_NAMES[segment]}* — " + _advocacy(line, report.minimum))
    note = ("Revealed advocacy: customers with a referral or a public review (imported with "
            "`outcomes import`) in the period, beside their stated NPS.")
    return [
        SectionBlock(text=MarkdownTextObject(text="\n".join(lines))),
        ContextBlock(elements=[MarkdownTextObject(text=note)]),
    ]


def _advocacy(line: PlaceAdvocacy | None, minimum: int) -> str:
    if line is None:
        return f"hidden: fewer than {minimum} customers"
    if line.customers == 0:
        return "no customers"
    stated = nps_from_counts(line.promoters, line.passives, line.detractors)
    said = "no NPS answer" if stated.score is None else (
        f"stated NPS {fmt_score(stated.score)}" + _margin(stated.ci95))
    share = wilson_interval(line.advocates, line.customers)
    margin = "" if share is None else (
        f" (95%: {fmt_interval(share.low, share.high, percent=True)})")
    return (f"{fmt_percent(line.percent(line.advocates))}{margin} referred or reviewed "
            f"({line.referred} referred, {line.reviewed} reviewed) · {said}")


def _margin(interval: Interval | None) -> str:
    return "" if interval is None else (
        f" (95%: {fmt_interval(interval.low, interval.high, signed=True)})")


def plan_message(report: PlanReport, *, names: bool) -> ReportMessage:
    blocks: list[Block] = [
        HeaderBlock(text=truncate(f"Plan per place · {report.period.label}", 150)),
    ]
    for line in report.lines:
        step = escape_mrkdwn(line.next_step) + ("" if line.chosen else " _(default)_")
        themes = (", ".join(escape_mrkdwn(t) for t in line.themes) if line.themes
                  else "hidden: fewer customers than the minimum"
                  if 0 < line.customers < report.minimum else "none yet")
        text = (f"*{PLACE_NAMES[line.place]}* · {plural(line.customers, 'customer')}\n"
                f"Next step: {step}\nTop themes: {themes}")
        if names and line.accounts:
            shown = [
                (escape_mrkdwn(a.customer.account) if a.customer.account
                 else mention(a.customer.user_id))
                + (f" ({mention(a.owner)})" if a.owner else
                   " (follow-up open, unowned)" if a.followed_up else "")
                for a in line.accounts[:NAMES_SHOWN]
            ]
            more = line.customers - len(shown)
            text += "\nAccounts: " + ", ".join(shown) + (f" and {more} more" if more > 0 else "")
        blocks.append(SectionBlock(text=MarkdownTextObject(text=truncate(text, 2900))))
    how = ("Choose a step: `/engagement plan set at_risk \"call within 5 days\"` · open a "
           "follow-up for everyone in a place: `/engagement plan followup at_risk`. Progress "
           "shows next period in `/engagement map movement`.")
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=how)]))
    total = sum(line.customers for line in report.lines)
    return ReportMessage(text=f"Plan per place, {report.period.label}: "
                              f"{plural(total, 'placed customer')}", blocks=blocks)
