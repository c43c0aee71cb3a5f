"""The pulse message a customer receives, and its answered state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
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


def _question(question: str) -> SectionBlock:
    bold = f"*{truncate(escape_mrkdwn(question), 2900)}*"
    return SectionBlock(text=MarkdownTextObject(text=bold))


def _footer(delivery_id: int, *, comment_label: str | None) -> ActionsBlock:
    buttons = []
    if comment_label is not None:
        buttons.append(
            ButtonElement(text=comment_label, action_id=ids.COMMENT_ACTION, value=str(delivery_id))
        )
    buttons.append(
        ButtonElement(
            text="Stop these surveys",
            action_id=ids.OPT_OUT_ACTION,
            value=str(delivery_id),
            confirm=ConfirmObject(
                title="Stop these surveys?",
                text="You won't receive these surveys any more. You can turn them back on "
                "from this app's Home tab.",
                confirm="Stop them",
                deny="Keep them",
            ),
        )
    )
    return ActionsBlock(block_id="pulse_footer", elements=buttons)


def pulse_message(
    *,
    delivery_id: int,
    metric: Metric,
    question: str,
    chosen: int | None = None,
    commented: bool = False,
) -> PulseMessage:
    scale, low_label, high_label = SCALES[metric]
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
        _question(question),
        ActionsBlock(block_id=ids.scores_block_id(metric.value), elements=buttons),
        ContextBlock(elements=[MarkdownTextObject(text=f"{low_label} · {high_label}")]),
    ]
    if chosen is None:
        text = f"{truncate(question, 200)} Answer with a score from {scale[0]} to {scale[-1]}."
        return PulseMessage(text=text, blocks=[*blocks, _footer(delivery_id, comment_label=None)])
    thanks = (
        "Thanks for your comment."
        if commented
        else f"Thank you! You chose *{chosen}*. You can change your answer while this survey "
        "is open."
    )
    blocks += [
        ContextBlock(elements=[MarkdownTextObject(text=thanks)]),
        _footer(
            delivery_id, comment_label="Edit your comment" if commented else "Add a comment"
        ),
    ]
    text = "Thanks for your comment." if commented else f"Thank you! You chose {chosen}."
    return PulseMessage(text=text, blocks=blocks)


def closed_message(*, question: str, chosen: int | None) -> PulseMessage:
    """A closed wave's message: no buttons left, and the answer that was counted, if any."""
    outcome = (
        f"This survey has closed. Your answer, *{chosen}*, was counted. Thank you!"
        if chosen is not None
        else "This survey has closed. Thank you for your time."
    )
    return PulseMessage(
        text=outcome.replace("*", ""),
        blocks=[
            _question(question),
            ContextBlock(elements=[MarkdownTextObject(text=outcome)]),
        ],
    )


def opted_out_message() -> PulseMessage:
    text = (
        "Done: you won't receive these surveys any more. You can turn them back on from this "
        "app's Home tab."
    )
    return PulseMessage(
        text=text, blocks=[SectionBlock(text=MarkdownTextObject(text=text))]
    )


def reminder_message(*, closes_at: datetime | None) -> PulseMessage:
    when = f" It closes on {closes_at:%A %-d %B}." if closes_at is not None else ""
    text = (
        "A gentle reminder: one click on the survey above tells us how we're doing." + when
    )
    return PulseMessage(text=text, blocks=[SectionBlock(text=MarkdownTextObject(text=text))])
