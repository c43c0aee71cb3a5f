"""The pulse message a customer receives, and its answered state."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot import ids
from bot.views.text import escape_mrkdwn, truncate
from storage.models import Metric

SCALES: dict[Metric, tuple[range, str, str]] = {
    Metric.NPS: (range(0, 11), "0 = not at all likely", "10 = extremely likely"),
    Metric.CSAT: (range(1, 6), "1 = very dissatisfied", "5 = very satisfied"),
}


@dataclass(frozen=True)
class PulseMessage:
    text: str  # the notification and screen-reader fallback Slack requires beside blocks
    blocks: list[Block]


def score_value(delivery_id: int, metric: Metric, score: int) -> str:
    return f"{delivery_id}:{metric.value}:{score}"


def parse_score_value(value: str) -> tuple[int, Metric, int]:
    """Inverse of score_value; ValueError for anything else (a forged or garbled payload)."""
    delivery, metric, score = value.split(":")
    return int(delivery), Metric(metric), int(score)


def pulse_message(
    *, delivery_id: int, metric: Metric, question: str, chosen: int | None = None
) -> PulseMessage:
    scale, low_label, high_label = SCALES[metric]
    question_text = truncate(escape_mrkdwn(question), 2900)
    buttons = [
        ButtonElement(
            text=str(score),
            action_id=ids.score_action_id(metric.value, score),
            value=score_value(delivery_id, metric, score),
            style="primary" if score == chosen else None,
        )
        for score in scale
    ]
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=f"*{question_text}*")),
        ActionsBlock(block_id=ids.scores_block_id(metric.value), elements=buttons),
        ContextBlock(elements=[MarkdownTextObject(text=f"{low_label} · {high_label}")]),
    ]
    if chosen is None:
        text = f"{truncate(question, 200)} Answer with a score from {scale[0]} to {scale[-1]}."
        return PulseMessage(text=text, blocks=blocks)
    blocks += [
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"Thank you! You chose *{chosen}*. "
                    "You can change your answer while this survey is open."
                )
            ]
        ),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Add a comment",
                    action_id=ids.COMMENT_ACTION,
                    value=str(delivery_id),
                )
            ]
        ),
    ]
    return PulseMessage(text=f"Thank you! You chose {chosen}.", blocks=blocks)


def commented_message(
    *, delivery_id: int, metric: Metric, question: str, chosen: int
) -> PulseMessage:
    """The answered state once a comment is in: the comment button says it can be replaced."""
    message = pulse_message(
        delivery_id=delivery_id, metric=metric, question=question, chosen=chosen
    )
    blocks = [
        *message.blocks[:-1],
        ContextBlock(elements=[MarkdownTextObject(text="Thanks for your comment.")]),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Edit your comment", action_id=ids.COMMENT_ACTION, value=str(delivery_id)
                )
            ]
        ),
    ]
    return PulseMessage(text="Thanks for your comment.", blocks=blocks)
