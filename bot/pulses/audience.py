"""Who receives a pulse: named users, the people in a channel, imported customers by segment."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.errors import UserFacingError
from bot.services import Services
from bot.subjects import without_suppressed
from bot.views.text import plural
from storage.engine import session_scope
from storage.models import Pulse
from storage.pulses import imported_customers

CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,30}$")
SEGMENT_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class InvalidAudience(UserFacingError):
    """The audience cannot be used; the message says why."""


@dataclass(frozen=True)
class Audience:
    users: list[str] = field(default_factory=list)
    channel: str | None = None
    segment: dict[str, str] | None = None  # {} = every imported customer

    @property
    def empty(self) -> bool:
        return not self.users and self.channel is None and self.segment is None

    def describe(self) -> str:
        parts = []
        if self.users:
            parts.append(f"{plural(len(self.users), 'named person', 'named people')}")
        if self.channel:
            parts.append(f"the members of <#{self.channel}>")
        if self.segment is not None:
            where = ", ".join(f"{k}={v}" for k, v in sorted(self.segment.items()))
            parts.append(f"imported customers{f' where {where}' if where else ''}")
        return " + ".join(parts) or "nobody"


def parse_segment(pairs: Sequence[str]) -> dict[str, str]:
    """["plan=enterprise", "region=EMEA"] → {"plan": "enterprise", "region": "EMEA"}."""
    segment: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip().lower()
        if not sep or not SEGMENT_KEY.match(key) or not value.strip():
            raise InvalidAudience(
                f"{pair[:60]!r} is not a segment filter: write attribute=value, "
                "e.g. plan=enterprise"
            )
        segment[key] = value.strip()
    return segment


def check_channel(client: WebClient, channel: str) -> None:
    if not CHANNEL_ID.match(channel):
        raise InvalidAudience(f"{channel[:40]!r} is not a channel ID (they look like C012AB3CD)")
    try:
        client.conversations_info(channel=channel)
    except SlackApiError as exc:
        error = exc.response.get("error")
        raise InvalidAudience(f"Channel {channel}: Slack says {error}") from None


def _pages(call: Any, key: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
    cursor = ""
    while True:
        page = call(cursor=cursor or None, limit=200, **kwargs)
        yield from page.get(key) or []
        cursor = (page.get("response_metadata") or {}).get("next_cursor") or ""
        if not cursor:
            return


def people_in_channel(client: WebClient, channel: str) -> list[str]:
    """Human members of this workspace in the channel: bots, deactivated accounts and people
    from other organisations (Slack Connect) are left out, since a bot cannot DM the latter."""
    members = [str(m) for m in _pages(client.conversations_members, "members", channel=channel)]
    people = {
        str(user["id"])
        for user in _pages(client.users_list, "members")
        if not user.get("is_bot") and not user.get("deleted") and user.get("id") != "USLACKBOT"
    }
    return [member for member in members if member in people]


def audience_of(pulse: Pulse) -> Audience:
    return Audience(
        users=list(pulse.audience), channel=pulse.audience_channel, segment=pulse.audience_segment
    )


def resolve_members(services: Services, client: WebClient | None, pulse: Pulse) -> list[str]:
    """Everyone the pulse reaches right now, each once."""
    users = list(pulse.audience)
    if pulse.audience_channel:
        if client is None:
            raise UserFacingError("A channel audience needs Slack to list its members")
        users += people_in_channel(client, pulse.audience_channel)
    if pulse.audience_segment is not None:
        with session_scope(services.engine) as session:
            users += imported_customers(
                session=session, team_id=pulse.team_id, segment=pulse.audience_segment
            )
    # Someone forgotten after opting out may still be in the channel or a customer file.
    return without_suppressed(
        services, team_id=pulse.team_id, user_ids=list(dict.fromkeys(users))
    )
