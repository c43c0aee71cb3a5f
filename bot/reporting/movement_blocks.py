"""`/engagement movement` as Block Kit, and its one line for the digest and App Home."""

from __future__ import annotations

from datetime import timedelta

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.core.text import DASH, escape_mrkdwn, fmt_score, plural, truncate
from bot.insights.movement import EMPTY, STANDINGS
from bot.reporting.movement import Movement
from bot.slack.message import ReportMessage
from storage.movement import FallenCustomer

HIDDEN = "·"
_WIDTH = 10
_SLACK_USER = ("U", "W")


def _cell(text: str) -> str:
    return f"{text:>{_WIDTH}}"


def movement_table_text(movement: Movement) -> str:
    """The 4 × 4 table with its totals, monospaced: rows are the period before, columns now."""
    shown, table = movement.shown, movement.shown.table
    corner = "before/now"
    lines = [f"{corner:<12}" + "".join(_cell(s) for s in (*STANDINGS, "total"))]
    for before in STANDINGS:
        cells = [
            DASH if (before, after) == EMPTY
            else HIDDEN if (count := shown.cell((before, after))) is None
            else str(count)
            for after in STANDINGS
        ]
        lines.append(f"{before:<12}" + "".join(_cell(c) for c in cells)
                     + _cell(str(table.previous_total(before))))
    totals = [str(table.current_total(after)) for after in STANDINGS]
    lines.append(f"{'total':<12}" + "".join(_cell(t) for t in totals)
                 + _cell(str(table.customers)))
    return "```\n" + "\n".join(lines) + "\n```"


def _who(customer: FallenCustomer) -> str:
    # Slack user ids become mentions (shown as names, privately); anything else is text.
    person = (f"<@{customer.user_id}>" if customer.user_id.startswith(_SLACK_USER)
              and customer.user_id.isalnum() else escape_mrkdwn(customer.user_id))
    if customer.account:
        return f"*{escape_mrkdwn(truncate(customer.account, 80))}* ({person})"
    return person


def _fallen(movement: Movement) -> str:
    names = [f"{_who(c)} {c.previous_score} → {c.current_score}" for c in movement.fallen]
    more = movement.fallen_total - len(names)
    if more:
        names.append(f"and {more} more")
    return (f"*Fell from promoter to detractor* ({movement.fallen_total}): "
            + ", ".join(names))


def movement_message(movement: Movement, *, names: bool) -> ReportMessage:
    """The table, the net movement, and (`names`: a private answer to staff) who fell from
    promoter to detractor."""
    table = movement.shown.table
    title = f"Movement · {movement.period.label} against {movement.previous.label}"
    blocks: list[Block] = [HeaderBlock(text=truncate(title, 150))]
    if not table.customers:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=(
            f"No customer answered NPS in the {movement.period.label} or {movement.previous.label}"
            ", so nobody has moved. Answers to anonymous pulses are never linked to a customer, "
            "so they never count here."))))
        return ReportMessage(text=f"{title}: no NPS answers from known customers", blocks=blocks)
    net = table.net
    blocks.append(SectionBlock(text=MarkdownTextObject(text=(
        f"*Net movement {fmt_score(net)}*: {plural(table.up, 'customer')} moved up, "
        f"{table.down} moved down · {plural(table.customers, 'customer')} answered NPS in one "
        "period or both"))))
    blocks.append(SectionBlock(text=MarkdownTextObject(text=movement_table_text(movement))))
    notes = [
        f"Rows: each customer's latest NPS answer in {movement.previous.label}; columns: "
        f"their latest in this period ({movement.period.label}). Up and down are along "
        "promoter > passive > detractor; moving from or to silent (no answer in that period) "
        "is neither.",
    ]
    if movement.shown.hidden:
        notes.append(_hidden_note(movement))
    notes.append("Answers to anonymous pulses are never linked to a customer, so they are not "
                 "counted here.")
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=" ".join(notes))]))
    if names and movement.fallen_total:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=truncate(_fallen(movement),
                                                                         2900))))
    elif movement.fallen_total and not names:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=(
            f"{plural(movement.fallen_total, 'customer')} fell from promoter to detractor: ask "
            "privately (without `share`) to see who."))]))
    text = f"{title}: net {fmt_score(net)}, {table.up} up, {table.down} down"
    return ReportMessage(text=text, blocks=blocks)


def _hidden_note(movement: Movement) -> str:
    shown = movement.shown
    small = len(shown.hidden) - shown.complementary
    text = (f"{HIDDEN} hidden: {plural(small, 'cell')} of fewer than {shown.minimum} customers, "
            "so no answer can be traced to a person")
    if shown.complementary:
        text += (f", and {plural(shown.complementary, 'larger one')} hidden with "
                 f"{'it' if small == 1 else 'them'} so that the totals cannot give "
                 f"{'it' if small == 1 else 'them'} away")
    return text + "."


def _since(movement: Movement) -> str:
    length = movement.previous.end - movement.previous.start
    if abs(length - timedelta(days=7)) < timedelta(hours=1):
        return "since last week"
    if timedelta(days=28) - timedelta(hours=1) < length < timedelta(days=31, hours=1):
        return "since last month"
    return f"against {movement.previous.label}"


def movement_line(movement: Movement) -> str | None:
    """'*Movement*: 12 moved up, 5 down since last week: net +7'; None without answers."""
    table = movement.shown.table
    if not table.customers:
        return None
    return (f"*Movement*: {table.up} moved up, {table.down} down {_since(movement)}: net "
            f"{fmt_score(table.net)} · `/engagement movement`")

