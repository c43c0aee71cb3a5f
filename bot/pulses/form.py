"""The "New pulse" modal's submission, read into the same checks the CLI uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from slack_sdk import WebClient

from bot.core import ids
from bot.core.services import Services
from bot.pulses.audience import Audience, InvalidAudience, parse_segment
from bot.pulses.definition import InvalidField, define_pulse, validate_policy
from storage.models import PulseMetric


@dataclass(frozen=True)
class NewPulseForm:
    name: str
    metric: PulseMetric
    question: str | None
    users: list[str]
    channel: str | None
    schedule: str | None
    timezone: str
    csat_question: str | None = None
    usergroup: str | None = None
    customers: bool = False
    segment: list[str] = field(default_factory=list)
    post_channel: str | None = None
    local_time: str | None = None
    remind_after_hours: int | None = 48
    close_after_days: int = 7
    min_interval_days: int | None = None
    anonymous: bool = False


def _state(values: dict[str, Any], name: str) -> dict[str, Any]:
    # Slack's shapes are assumed nowhere: a garbled or forged submission is a field error.
    block_id = ids.PULSE_FIELD_BLOCKS[name]
    block = values.get(block_id)
    state = block.get(block_id) if isinstance(block, dict) else None
    return state if isinstance(state, dict) else {}


def _chosen(values: dict[str, Any], name: str, key: str) -> str | None:
    """The id picked in a select: a string, or nothing picked."""
    picked = _state(values, name).get(key)
    if picked is None or picked == "":
        return None
    if not isinstance(picked, str):
        raise InvalidField(name, "Choose from the list")
    return picked


def _text(values: dict[str, Any], name: str) -> str | None:
    return str(_state(values, name).get("value") or "").strip() or None


def _ticked(values: dict[str, Any], name: str) -> bool:
    return bool(_state(values, name).get("selected_options"))


def _whole(values: dict[str, Any], name: str, default: int | None) -> int | None:
    raw = _text(values, name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise InvalidField(name, "Enter a whole number") from None


def read_form(values: dict[str, Any]) -> NewPulseForm:
    """view.state.values → the form; InvalidField for anything missing or garbled."""
    metric_option = _state(values, "metric").get("selected_option")
    chosen = metric_option.get("value") if isinstance(metric_option, dict) else None
    try:
        metric = PulseMetric(str(chosen))
    except ValueError:
        raise InvalidField("metric", "Choose NPS, CSAT or both") from None
    users = _state(values, "users").get("selected_users") or []
    if not isinstance(users, list):
        raise InvalidField("users", "Choose people from the list")
    segment = _text(values, "segment")
    customers = _ticked(values, "customers")
    if segment and not customers:
        raise InvalidField("segment", "A filter applies to imported customers: tick them above")
    return NewPulseForm(
        name=str(_state(values, "name").get("value") or "").strip(),
        metric=metric,
        question=_text(values, "question"),
        users=[str(u) for u in users],
        channel=_chosen(values, "channel", "selected_conversation"),
        schedule=_text(values, "schedule"),
        timezone=_text(values, "timezone") or "UTC",
        csat_question=_text(values, "csat_question"),
        usergroup=_text(values, "usergroup"),
        customers=customers,
        segment=[part.strip() for part in (segment or "").split(",") if part.strip()],
        post_channel=_chosen(values, "post_channel", "selected_conversation"),
        local_time=_chosen(values, "local_time", "selected_time"),
        remind_after_hours=_whole(values, "remind_after_hours", 48),
        close_after_days=_whole(values, "close_after_days", 7) or 7,
        min_interval_days=_whole(values, "min_interval_days", None),
        anonymous=_ticked(values, "anonymous"),
    )


def create_from_form(services: Services, client: WebClient, form: NewPulseForm) -> int:
    policy = validate_policy(
        metric=form.metric,
        schedule=form.schedule,
        timezone=form.timezone,
        local_time=form.local_time,
        remind_after_hours=form.remind_after_hours,
        close_after_days=form.close_after_days,
        min_interval_days=form.min_interval_days,
    )
    try:
        segment = parse_segment(form.segment) if form.customers else None
    except InvalidAudience as exc:
        raise InvalidField("segment", str(exc)) from None
    return define_pulse(
        services,
        client,
        name=form.name,
        metric=form.metric,
        audience=Audience(
            users=form.users,
            channel=form.channel,
            segment=segment,
            usergroup=form.usergroup,
            post_channel=form.post_channel,
        ),
        question=form.question,
        csat_question=form.csat_question,
        policy=policy,
        anonymous=form.anonymous,
    )


def field_errors(error: InvalidField) -> dict[str, str]:
    """Slack's response_action=errors map: the message beside the field that is wrong."""
    block = ids.PULSE_FIELD_BLOCKS.get(error.field, ids.PULSE_FIELD_BLOCKS["name"])
    return {block: str(error)[:150]}
