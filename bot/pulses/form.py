"""The "New pulse" modal's submission, read into the same checks the CLI uses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient

from bot import ids
from bot.pulses.audience import Audience
from bot.pulses.definition import InvalidField, define_pulse, validate_policy
from bot.services import Services
from storage.models import Metric


@dataclass(frozen=True)
class NewPulseForm:
    name: str
    metric: Metric
    question: str | None
    users: list[str]
    channel: str | None
    schedule: str | None
    timezone: str


def _state(values: dict[str, Any], field: str) -> dict[str, Any]:
    block_id = ids.PULSE_FIELD_BLOCKS[field]
    state = (values.get(block_id) or {}).get(block_id) or {}
    return state if isinstance(state, dict) else {}


def read_form(values: dict[str, Any]) -> NewPulseForm:
    """view.state.values → the form; InvalidField for anything missing or garbled."""
    metric_option = _state(values, "metric").get("selected_option") or {}
    try:
        metric = Metric(str(metric_option.get("value")))
    except ValueError:
        raise InvalidField("metric", "Choose NPS or CSAT") from None
    users = _state(values, "users").get("selected_users") or []
    if not isinstance(users, list):
        raise InvalidField("users", "Choose people from the list")
    return NewPulseForm(
        name=str(_state(values, "name").get("value") or "").strip(),
        metric=metric,
        question=(str(_state(values, "question").get("value") or "").strip() or None),
        users=[str(u) for u in users],
        channel=_state(values, "channel").get("selected_conversation") or None,
        schedule=(str(_state(values, "schedule").get("value") or "").strip() or None),
        timezone=str(_state(values, "timezone").get("value") or "UTC").strip(),
    )


def create_from_form(services: Services, client: WebClient, form: NewPulseForm) -> int:
    policy = validate_policy(metric=form.metric, schedule=form.schedule, timezone=form.timezone)
    return define_pulse(
        services,
        client,
        name=form.name,
        metric=form.metric,
        audience=Audience(users=form.users, channel=form.channel),
        question=form.question,
        policy=policy,
    )


def field_errors(error: InvalidField) -> dict[str, str]:
    """Slack's response_action=errors map: the message beside the field that is wrong."""
    block = ids.PULSE_FIELD_BLOCKS.get(error.field, ids.PULSE_FIELD_BLOCKS["name"])
    return {block: str(error)[:150]}
