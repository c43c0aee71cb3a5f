"""Admin views: the pulse list, the "New pulse" modal, and confirmations."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    ContextBlock,
    ConversationFilter,
    ConversationSelectElement,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
    TimePickerElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.core import ids
from bot.core.text import escape_mrkdwn, plural, truncate
from bot.pulses.schedule import schedule_text
from bot.slack.message import ReportMessage

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
        when = (f"{schedule_text(row.schedule)} ({escape_mrkdwn(row.timezone)})"
                if row.schedule else "by hand")
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
    return ReportMessage(text=plural(len(rows), "pulse"), blocks=blocks)


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
                        Option(value="both", label="Both: NPS, then CSAT, in one message"),
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
            _optional_text("csat_question", "Your own CSAT question (when asking both)", 300),
            SectionBlock(text=MarkdownTextObject(text="*Who receives it* (any mix of these)")),
            InputBlock(
                block_id=_field("users"),
                label=text(text="People"),
                optional=True,
                element=UserMultiSelectElement(action_id=_field("users")),
            ),
            _channel_select("channel", "Everyone in a channel"),
            _optional_text(
                "usergroup", "The members of a user group", 32, hint="Its ID, e.g. S0614TZR7"
            ),
            _checkbox("customers", "Imported customers", "All imported customers"),
            _optional_text(
                "segment", "…only those where", 200, hint="e.g. plan=enterprise, region=EMEA"
            ),
            _channel_select(
                "post_channel",
                "Or instead: post once in a shared channel (each person who answers counts once)",
            ),
            SectionBlock(text=MarkdownTextObject(text="*When and how*")),
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
            InputBlock(
                block_id=_field("local_time"),
                label=text(text="Or at this time in each person's own time zone"),
                optional=True,
                element=TimePickerElement(action_id=_field("local_time")),
            ),
            _number("remind_after_hours", "Remind those who haven't answered after (hours)",
                    initial=48, minimum=0, hint="0: no reminder"),
            _number("close_after_days", "Close the survey after (days)", initial=7, minimum=1),
            _number("min_interval_days",
                    "Ask nobody this again within (days)", initial=None, minimum=0,
                    hint="Empty: 90 days for NPS, 30 for CSAT"),
            _checkbox("anonymous", "Anonymity",
                      "Anonymous: store answers with no link to who gave them"),
        ],
    )


def _optional_text(
    field: str, label: str, max_length: int, *, hint: str | None = None
) -> InputBlock:
    return InputBlock(
        block_id=_field(field),
        label=PlainTextObject(text=label),
        hint=PlainTextObject(text=hint) if hint else None,
        optional=True,
        element=PlainTextInputElement(action_id=_field(field), max_length=max_length),
    )


def _channel_select(field: str, label: str) -> InputBlock:
    return InputBlock(
        block_id=_field(field),
        label=PlainTextObject(text=label),
        optional=True,
        element=ConversationSelectElement(
            action_id=_field(field), filter=ConversationFilter(include=["public", "private"])
        ),
    )


def _checkbox(field: str, label: str, choice: str) -> InputBlock:
    return InputBlock(
        block_id=_field(field),
        label=PlainTextObject(text=label),
        optional=True,
        element=CheckboxesElement(
            action_id=_field(field), options=[Option(value="yes", label=choice)]
        ),
    )


def _number(
    field: str, label: str, *, initial: int | None, minimum: int, hint: str | None = None
) -> InputBlock:
    return InputBlock(
        block_id=_field(field),
        label=PlainTextObject(text=label),
        hint=PlainTextObject(text=hint) if hint else None,
        optional=initial is None,
        element=NumberInputElement(
            action_id=_field(field),
            is_decimal_allowed=False,
            min_value=minimum,
            max_value=366 if field != "remind_after_hours" else 24 * 60,
            initial_value=str(initial) if initial is not None else None,
        ),
    )
