"""Admin views: the pulse list, the "New pulse" modal, and confirmations."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    ConversationFilter,
    ConversationSelectElement,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot import ids
from bot.views.report import ReportMessage
from bot.views.text import escape_mrkdwn, truncate

MAX_PULSES_SHOWN = 40
NPS_LABEL = "NPS: how likely to recommend (0–10)"


@dataclass(frozen=True)
class PulseRow:
    name: str
    metric: str
    audience: str
    status: str
    schedule: str | None
    timezone: str


def pulse_list_message(rows: list[PulseRow]) -> ReportMessage:
    blocks: list[Block] = [HeaderBlock(text="Pulses")]
    if not rows:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(text="No pulses yet. `/engagement pulse new` creates one.")
            )
        )
    for row in rows[:MAX_PULSES_SHOWN]:
        when = f"`{row.schedule}` ({escape_mrkdwn(row.timezone)})" if row.schedule else "by hand"
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"*{escape_mrkdwn(truncate(row.name, 80))}* · {row.metric.upper()} · "
                    f"{row.status}\n{escape_mrkdwn(row.audience)} · {when}"
                )
            )
        )
    if len(rows) > MAX_PULSES_SHOWN:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=f"{len(rows) - MAX_PULSES_SHOWN} more: `python -m bot pulse list`"
                    )
                ]
            )
        )
    return ReportMessage(text=f"{len(rows)} pulse(s)", blocks=blocks)


def _field(field: str) -> str:
    # Each input's action_id is its block_id: unique ids, and one name to look a value up by.
    return ids.PULSE_FIELD_BLOCKS[field]


def new_pulse_modal(*, timezone: str) -> View:
    text = PlainTextObject
    return View(
        type="modal",
        callback_id=ids.NEW_PULSE_MODAL,
        title=text(text="New pulse"),
        submit=text(text="Create"),
        close=text(text="Cancel"),
        blocks=[
            InputBlock(
                block_id=_field("name"),
                label=text(text="Name"),
                hint=text(text="Short and unique, e.g. q4-nps"),
                element=PlainTextInputElement(action_id=_field("name"), max_length=80),
            ),
            InputBlock(
                block_id=_field("metric"),
                label=text(text="What it asks"),
                element=StaticSelectElement(
                    action_id=_field("metric"),
                    options=[
                        Option(value="nps", label=NPS_LABEL),
                        Option(value="csat", label="CSAT: how satisfied (1–5)"),
                    ],
                    initial_option=Option(value="nps", label=NPS_LABEL),
                ),
            ),
            InputBlock(
                block_id=_field("question"),
                label=text(text="Your own wording (optional)"),
                optional=True,
                element=PlainTextInputElement(action_id=_field("question"), max_length=300),
            ),
            InputBlock(
                block_id=_field("users"),
                label=text(text="People"),
                optional=True,
                element=UserMultiSelectElement(action_id=_field("users")),
            ),
            InputBlock(
                block_id=_field("channel"),
                label=text(text="…and/or everyone in a channel"),
                optional=True,
                element=ConversationSelectElement(
                    action_id=_field("channel"),
                    filter=ConversationFilter(include=["public", "private"]),
                ),
            ),
            InputBlock(
                block_id=_field("schedule"),
                label=text(text="Schedule (optional)"),
                hint=text(text="weekly, monthly, quarterly or a crontab line; empty: send by hand"),
                optional=True,
                element=PlainTextInputElement(action_id=_field("schedule"), max_length=120),
            ),
            InputBlock(
                block_id=_field("timezone"),
                label=text(text="Time zone"),
                element=PlainTextInputElement(
                    action_id=_field("timezone"), initial_value=timezone, max_length=64
                ),
            ),
        ],
    )
