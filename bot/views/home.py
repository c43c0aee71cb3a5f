"""App Home: headline figures for staff, a plain thank-you for the customers we survey."""

from __future__ import annotations

from slack_sdk.models.blocks import ContextBlock, HeaderBlock, MarkdownTextObject, SectionBlock
from slack_sdk.models.views import View

from bot.reports import Overview
from bot.views.report import overview_message


def staff_home_view(overview: Overview) -> View:
    hint = "Type `/engagement` in any channel for the latest figures, privately."
    blocks = [
        *overview_message(overview).blocks[:-1],
        ContextBlock(elements=[MarkdownTextObject(text=hint)]),
    ]
    return View(type="home", blocks=blocks)


def customer_home_view() -> View:
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
        ],
    )
