"""App Home: headline figures for staff, a plain thank-you for the customers we survey."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot import ids
from bot.reports import Overview
from bot.views.report import overview_message


def staff_home_view(overview: Overview, *, admin: bool = False) -> View:
    hint = "Type `/engagement` in any channel for the latest figures, privately."
    blocks = [
        *overview_message(overview).blocks[:-1],
        ContextBlock(elements=[MarkdownTextObject(text=hint)]),
    ]
    if admin:
        blocks.append(
            ActionsBlock(
                block_id="admin",
                elements=[
                    ButtonElement(
                        text="New pulse", action_id=ids.NEW_PULSE_ACTION, style="primary"
                    )
                ],
            )
        )
    return View(type="home", blocks=blocks)


def customer_home_view(*, opted_out: bool) -> View:
    if opted_out:
        state = "You have stopped these surveys. You can turn them back on at any time."
        button = ButtonElement(
            text="Turn surveys back on", action_id=ids.HOME_OPT_IN_ACTION, style="primary"
        )
    else:
        state = "You receive our short surveys here. You can stop them at any time."
        button = ButtonElement(text="Stop these surveys", action_id=ids.HOME_OPT_OUT_ACTION)
    return View(
        type="home",
        blocks=[
            HeaderBlock(text="Thanks for helping us improve"),
            SectionBlock(
                text=MarkdownTextObject(
                    text="Now and then we send a one-click question here. Your answers and "
                    "comments go straight to the team, and we read every one."
                )
            ),
            SectionBlock(block_id="consent", text=MarkdownTextObject(text=state),
                         accessory=button),
        ],
    )
