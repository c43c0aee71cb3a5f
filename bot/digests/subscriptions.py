"""Subscribing a channel to the digest: checked with Slack first, stored only when all is right."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient
from sqlmodel import Session

from bot.core.errors import UserFacingError
from bot.core.services import Services
from bot.core.text import escape_mrkdwn
from bot.pulses.audience import InvalidAudience, check_channel, parse_segment
from bot.pulses.schedule import InvalidSchedule, check_local_time, check_timezone
from storage.digests import (
    active_subscription,
    add_subscription,
    deactivate,
    scope_key,
    subscriptions,
)
from storage.engine import session_scope
from storage.models import DigestCadence, DigestSubscription, Pulse
from storage.pulses import get_pulse
from storage.scoped_reporting import ReportScope
from storage.workspaces import ensure_workspace


@dataclass(frozen=True)
class DigestRequest:
    channel_id: str
    cadence: DigestCadence = DigestCadence.WEEKLY
    send_time: str = "09:00"
    timezone: str = "UTC"
    pulse: str | None = None  # scope: one pulse, by name ...
    segment: list[str] | None = None  # ... or imported customers, ["plan=enterprise"]


def subscription_scope(
    session: Session, subscription: DigestSubscription
) -> tuple[ReportScope | None, str]:
    """What a subscription reports on, and how the digest names it."""
    if subscription.pulse_id is not None:
        pulse = session.get(Pulse, subscription.pulse_id)
        name = pulse.name.split("#deleted-")[0] if pulse else "a deleted pulse"
        return ReportScope(pulse_id=subscription.pulse_id), f"pulse {name}"
    if subscription.segment is not None:
        where = ", ".join(f"{k}={v}" for k, v in sorted(subscription.segment.items()))
        return ReportScope(segment=dict(subscription.segment)), f"customers where {where}"
    return None, "all pulses"


def _scope(session: Session, team_id: str, request: DigestRequest
           ) -> tuple[int | None, dict[str, str] | None]:
    if request.pulse and request.segment:
        raise UserFacingError("A digest covers one pulse or one segment, not both")
    if request.pulse:
        pulse = get_pulse(session=session, name=request.pulse, team_id=team_id)
        if pulse is None:
            raise UserFacingError(f"No pulse named {request.pulse[:80]!r}: `pulse list` shows them")
        return pulse.id, None
    if request.segment:
        try:
            return None, parse_segment(request.segment)
        except InvalidAudience as exc:
            raise UserFacingError(str(exc)) from None
    return None, None


class AlreadySubscribed(UserFacingError):
    """The channel already gets this digest (a repeated or replayed subscribe): nothing added."""

    def __init__(self, existing: str | None) -> None:
        super().__init__("This channel already gets that digest, so nothing was added"
                         + (f": {existing}" if existing else "."))


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
        pulse_id, segment = _scope(session, team_id, request)
        ensure_workspace(session=session, team_id=team_id, name="", now=now)
        added = add_subscription(session=session, subscription=DigestSubscription(
            team_id=team_id, channel_id=request.channel_id, cadence=request.cadence,
            send_time=send_time, timezone=request.timezone, created_by=created_by,
            created_at=now, pulse_id=pulse_id, segment=segment,
        ))
        if added is not None:
            return added
        existing = active_subscription(
            session=session, team_id=team_id, channel_id=request.channel_id,
            cadence=request.cadence, scope=scope_key(pulse_id, segment),
        )
        raise AlreadySubscribed(None if existing is None else
                                describe(existing, subscription_scope(session, existing)[1]))


def unsubscribe(services: Services, *, team_id: str, subscription_id: int) -> None:
    with session_scope(services.engine) as session:
        if not deactivate(session=session, team_id=team_id, subscription_id=subscription_id):
            raise UserFacingError(
                f"No digest subscription {subscription_id}: `digest list` shows them"
            )


def describe(subscription: DigestSubscription, scope: str) -> str:
    when = "Mondays" if subscription.cadence == DigestCadence.WEEKLY else "the 1st of each month"
    return (
        f"#{subscription.id}: <#{subscription.channel_id}>, {subscription.cadence}, {when} at "
        f"{subscription.send_time} {subscription.timezone}, {escape_mrkdwn(scope)}"
    )


def list_subscriptions(services: Services, *, team_id: str) -> list[str]:
    with session_scope(services.engine) as session:
        return [describe(s, subscription_scope(session, s)[1])
                for s in subscriptions(session=session, team_id=team_id)]
