"""The optional-comment modal opened from an answered pulse."""

from __future__ import annotations

from slack_sdk.models.blocks import InputBlock, PlainTextInputElement, PlainTextObject
from slack_sdk.models.views import View

from bot.core import ids
from bot.core.text import truncate

COMMENT_MAX_LENGTH = 3000


def comment_modal(*, delivery_id: int, follow_up: str, current: str | None = None) -> View:
    return View(
        type="modal",
        callback_id=ids.COMMENT_MODAL,
        # The delivery id is the only state; the submission handler re-checks who may use it.
        private_metadata=str(delivery_id),
        title=PlainTextObject(text="Your comment"),
        submit=PlainTextObject(text="Send"),
        close=PlainTextObject(text="Cancel"),
        blocks=[
            InputBlock(
                block_id=ids.COMMENT_BLOCK,
                label=PlainTextObject(text=truncate(follow_up, 2000)),
                element=PlainTextInputElement(
                    action_id=ids.COMMENT_INPUT,
                    multiline=True,
                    max_length=COMMENT_MAX_LENGTH,
                    initial_value=current or None,
                ),
            )
        ],
    )
