"""The pulse message a customer receives, and its answered state."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.core import ids
from bot.core.text import escape_mrkdwn, truncate
from bot.insights.metrics import CSAT_SCALE, NPS_SCALE
from storage.deliveries import PulseDelivery
from storage.models import Metric, PulseMetric

SCALES: dict[Metric, tuple[range, str, str]] = {
    Metric.NPS: (NPS_SCALE, "0 = not at all likely", "10 = extremely likely"),
    Metric.CSAT: (CSAT_SCALE, "1 = very dissatisfied", "5 = very satisfied"),
}


# The CSAT question of a pulse that asks both, unless it has its own wording.
DEFAULT_CSAT_QUESTION = "How satisfied are you with our service?"


@dataclass(frozen=True)
class PulseMessage:
    text: str  # the notification and screen-reader fallback Slack requires beside blocks
    blocks: list[Block]


def score_value(delivery_id: int, metric: Metric, score: int) -> str:
    return f"{delivery_id}:{metric.value}:{score}"


def parse_score_value(value: str) -> tuple[int, Metric, int]:
    """Inverse of score_value; ValueError for anything else (a forged or garbled payload)."""
    delivery, metric, score = value.split(":")
    if not (score.isascii() and score.isdigit() and len(score) <= 2):
        raise ValueError(f"not a score: {score[:20]!r}")
    return ids.record_id(delivery), Metric(metric), int(score)


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


Chosen = int | Mapping[Metric, int] | None


def _chosen(metrics: tuple[Metric, ...], chosen: Chosen) -> dict[Metric, int]:
    """Scores already given, by metric; a bare int is the answer to a one-metric pulse."""
    if chosen is None:
        return {}
    if isinstance(chosen, int):
        return {metrics[0]: chosen}
    return {m: chosen[m] for m in metrics if m in chosen}


def pulse_message(
    *,
    delivery_id: int,
    metric: Metric | PulseMetric,
    question: str,
    chosen: Chosen = None,
    commented: bool = False,
    csat_question: str | None = None,
) -> PulseMessage:
    """The pulse: one question and its score buttons per metric (NPS first), then the footer."""
    metrics = PulseMetric(metric.value).metrics
    given = _chosen(metrics, chosen)
    questions = {metrics[0]: question}
    if len(metrics) > 1:
        questions[Metric.CSAT] = csat_question or DEFAULT_CSAT_QUESTION
    blocks: list[Block] = []
    for one in metrics:
        scale, low_label, high_label = SCALES[one]
        buttons = [
            ButtonElement(
                text=str(score),
                action_id=ids.score_action_id(one.value, score),
                value=score_value(delivery_id, one, score),
                style="primary" if score == given.get(one) else None,
            )
            for score in scale
        ]
        blocks += [
            _question(questions[one]),
            ActionsBlock(block_id=ids.scores_block_id(one.value), elements=buttons),
            ContextBlock(elements=[MarkdownTextObject(text=f"{low_label} · {high_label}")]),
        ]
    if not given:
        ranges = " and ".join(f"{SCALES[m][0][0]} to {SCALES[m][0][-1]}" for m in metrics)
        text = f"{truncate(question, 200)} Answer with a score from {ranges}."
        return PulseMessage(text=text, blocks=[*blocks, _footer(delivery_id, comment_label=None)])
    picked = " and ".join(f"*{given[m]}*" for m in metrics if m in given)
    missing = [m for m in metrics if m not in given]
    more = " One more question above, when you have a moment." if missing else ""
    thanks = (
        "Thanks for your comment."
        if commented
        else f"Thank you! You chose {picked}.{more} You can change your answer while this "
        "survey is open."
    )
    blocks += [
        ContextBlock(elements=[MarkdownTextObject(text=thanks)]),
        _footer(
            delivery_id, comment_label="Edit your comment" if commented else "Add a comment"
        ),
    ]
    text = "Thanks for your comment." if commented else f"Thank you! You chose {picked}."
    return PulseMessage(text=text.replace("*", ""), blocks=blocks)


def answered_pulse(
    delivery: PulseDelivery, chosen: Mapping[Metric, int], *, commented: bool = False
) -> PulseMessage:
    """The pulse as its recipient sees it once answered: their choice marked, the rest open."""
    return pulse_message(
        delivery_id=delivery.delivery_id,
        metric=delivery.metric,
        question=delivery.question,
        csat_question=delivery.csat_question,
        chosen=dict(chosen),
        commented=commented,
    )


@dataclass(frozen=True)
class RenderedMessage:
    """A message as the Web API takes it: text and Block Kit as plain JSON values."""

    text: str
    blocks: list[dict[str, Any]]


def rendered(message: PulseMessage) -> RenderedMessage:
    return RenderedMessage(message.text, [block.to_dict() for block in message.blocks])


def render_answered_pulse(
    delivery: PulseDelivery, chosen: Mapping[Metric, int], *, commented: bool = False
) -> RenderedMessage:
    """rendered(answered_pulse(...)), the same to the character, at a tenth of the CPU.

    Every click edits its message, and slack_sdk's to_dict (which checks every length) cost
    a click more CPU than storing its answer. The message differs between the deliveries of a
    pulse only in the delivery id its buttons carry, so it is rendered and checked once per
    question and choice, and each delivery's id is written into a fresh copy.
    """
    text, template = _answered_template(
        delivery.metric, delivery.question, delivery.csat_question,
        tuple(sorted(chosen.items())), commented)
    blocks: list[dict[str, Any]] = json.loads(template)
    delivery_id = str(delivery.delivery_id)
    for block in blocks:
        for element in block.get("elements", ()) if block["type"] == "actions" else ():
            # Every button of the pulse carries its delivery id first (score_value, _footer).
            element["value"] = delivery_id + element["value"].removeprefix(_TEMPLATE_ID)
    return RenderedMessage(text, blocks)


# Stands in for the delivery id in a cached rendering; any id would do, as only the buttons'
# values, which begin with it, are rewritten.
_TEMPLATE_ID = "1"


@lru_cache(maxsize=256)
def _answered_template(
    metric: PulseMetric, question: str, csat_question: str | None,
    chosen: tuple[tuple[Metric, int], ...], commented: bool,
) -> tuple[str, str]:
    message = pulse_message(delivery_id=int(_TEMPLATE_ID), metric=metric, question=question,
                            csat_question=csat_question, chosen=dict(chosen),
                            commented=commented)
    return message.text, json.dumps([block.to_dict() for block in message.blocks])


def closed_message(*, question: str, chosen: int | Mapping[Metric, int] | None) -> PulseMessage:
    """A closed wave's message: no buttons left, and the answers that were counted, if any."""
    scores = (
        [chosen] if isinstance(chosen, int)
        else [chosen[m] for m in Metric if m in chosen] if chosen else []
    )
    answers = " and ".join(f"*{score}*" for score in scores)
    outcome = (
        f"This survey has closed. Your answer{'s' if len(scores) > 1 else ''}, {answers}, "
        f"{'were' if len(scores) > 1 else 'was'} counted. Thank you!"
        if scores
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
