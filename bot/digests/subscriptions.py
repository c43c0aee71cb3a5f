"""Subscribing a channel to the digest: checked with Slack first, stored only when all is right."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient

from bot.errors import UserFacingError
from bot.pulses.audience import InvalidAudience, check_channel
from bot.pulses.schedule import InvalidSchedule, check_local_time, check_timezone
from bot.services import Services
from storage.digests import add_subscription, deactivate, subscriptions
from storage.engine import session_scope
from storage.models import DigestCadence, DigestSubscription
from storage.pulses import ensure_workspace


@dataclass(frozen=True)
class DigestRequest:
    channel_id: str
    cadence: DigestCadence = DigestCadence.WEEKLY
    send_time: str = "09:00"
    timezone: str = "UTC"


def parse_cadence(word: str) -> DigestCadence:
    try:
        return DigestCadence(word.lower())
    except ValueError:
        raise UserFacingError(f"{word[:20]!r} is not a cadence: weekly or monthly") from None


def subscribe(
    services: Services, client: WebClient, *, team_id: str, request: DigestRequest,
    created_by: str | None,
) -> int:
    try:
        send_time = check_local_time(request.send_time)
        check_timezone(request.timezone)
    except InvalidSchedule as exc:
        raise UserFacingError(str(exc)) from None
    try:
        check_channel(client, request.channel_id)
    except InvalidAudience as exc:
        raise UserFacingError(str(exc)) from None
    now = services.clock()
    with session_scope(services.engine) as session:
        ensure_workspace(session=session, team_id=team_id, name="", now=now)
        return add_subscription(session=session, subscription=DigestSubscription(
            team_id=team_id, channel_id=request.channel_id, cadence=request.cadence,
            send_time=send_time, timezone=request.timezone, created_by=created_by,
            created_at=now,
        ))


def unsubscribe(services: Services, *, team_id: str, subscription_id: int) -> None:
    with session_scope(services.engine) as session:
        if not deactivate(session=session, team_id=team_id, subscription_id=subscription_id):
            raise UserFacingError(
                f"No digest subscription {subscription_id}: `digest list` shows them"
            )


def describe(subscription: DigestSubscription) -> str:
    when = "Mondays" if subscription.cadence == DigestCadence.WEEKLY else "the 1st of each month"
    return (
        f"#{subscription.id}: <#{subscription.channel_id}>, {subscription.cadence}, {when} at "
        f"{subscription.send_time} {subscription.timezone}"
    )


def list_subscriptions(services: Services, *, team_id: str) -> list[str]:
    with session_scope(services.engine) as session:
        return [describe(s) for s in subscriptions(session=session, team_id=team_id)]
