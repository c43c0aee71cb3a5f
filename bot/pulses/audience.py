"""Who receives a pulse: named users, the people in a channel or a user group, imported customers
by segment; or nobody by DM and one post in a (shared) channel that anyone there may answer."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.errors import UserFacingError
from bot.core.services import Services
from bot.core.text import plural
from bot.privacy.subjects import without_suppressed
from storage.engine import session_scope
from storage.models import Pulse
from storage.respondents import imported_customers

CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,30}$")
USERGROUP_ID = re.compile(r"^S[A-Z0-9]{2,30}$")
SEGMENT_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class InvalidAudience(UserFacingError):
    """The audience cannot be used; the message says why."""


@dataclass(frozen=True)
class Audience:
    users: list[str] = field(default_factory=list)
    channel: str | None = None
    segment: dict[str, str] | None = None  # {} = every imported customer
    usergroup: str | None = None
    post_channel: str | None = None  # one message in this channel instead of DMs

    @property
    def empty(self) -> bool:
        return (
            not self.users
            and self.channel is None
            and self.segment is None
            and self.usergroup is None
            and self.post_channel is None
        )

    def describe(self) -> str:
        if self.post_channel:
            return f"a post in <#{self.post_channel}> (everyone who answers counts once)"
        parts = []
        if self.users:
            parts.append(f"{plural(len(self.users), 'named person', 'named people')}")
        if self.channel:
            parts.append(f"the members of <#{self.channel}>")
        if self.segment is not None:
            where = ", ".join(f"{k}={v}" for k, v in sorted(self.segment.items()))
            parts.append(f"imported customers{f' where {where}' if where else ''}")
        if self.usergroup:
            parts.append(f"the members of <!subteam^{self.usergroup}>")
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


def check_usergroup(client: WebClient, usergroup: str) -> None:
    if not USERGROUP_ID.match(usergroup):
        raise InvalidAudience(
            f"{usergroup[:40]!r} is not a user group ID (they look like S0614TZR7)"
        )
    try:
        client.usergroups_users_list(usergroup=usergroup)
    except SlackApiError as exc:
        error = exc.response.get("error")
        raise InvalidAudience(f"User group {usergroup}: Slack says {error}") from None


def _pages(call: Any, key: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
    cursor = ""
    while True:
        page = call(cursor=cursor or None, limit=200, **kwargs)
        yield from page.get(key) or []
        cursor = (page.get("response_metadata") or {}).get("next_cursor") or ""
        if not cursor:
            return


def workspace_people(client: WebClient) -> dict[str, str | None]:
    """Every human of this workspace a bot may DM, with their Slack time zone.

    users.list leaves out people from other organisations (Slack Connect), whom a bot cannot DM;
    bots and deactivated accounts are dropped here.
    """
    return {
        str(user["id"]): (str(user["tz"]) if user.get("tz") else None)
        for user in _pages(client.users_list, "members")
        if not user.get("is_bot") and not user.get("deleted") and user.get("id") != "USLACKBOT"
    }


def audience_of(pulse: Pulse) -> Audience:
    return Audience(
        users=list(pulse.audience),
        channel=pulse.audience_channel,
        segment=pulse.audience_segment,
        usergroup=pulse.audience_usergroup,
        post_channel=pulse.post_channel,
    )


@dataclass(frozen=True)
class Members:
    """Who a wave reaches, each once, and the Slack time zones learnt while listing them."""

    user_ids: list[str]
    time_zones: dict[str, str | None] = field(default_factory=dict)


def resolve_members(services: Services, client: WebClient | None, pulse: Pulse) -> Members:
    """Everyone the pulse reaches right now, each once; a channel post reaches the channel."""
    if pulse.post_channel:
        return Members([pulse.post_channel])
    users = list(pulse.audience)
    people: dict[str, str | None] = {}
    if pulse.audience_channel or pulse.audience_usergroup:
        if client is None:
            raise UserFacingError("A channel or user-group audience needs Slack to list members")
        people = workspace_people(client)
        listed: list[Any] = []
        if pulse.audience_channel:
            listed += _pages(
                client.conversations_members, "members", channel=pulse.audience_channel
            )
        if pulse.audience_usergroup:
            answer = client.usergroups_users_list(usergroup=pulse.audience_usergroup)
            listed += answer.get("users") or []
        # Only people a bot can DM: a group or channel may hold bots, deactivated accounts and,
        # in a shared channel, people of other organisations.
        users += [str(m) for m in listed if str(m) in people]
    if pulse.audience_segment is not None:
        with session_scope(services.engine) as session:
            users += imported_customers(
                session=session, team_id=pulse.team_id, segment=pulse.audience_segment
            )
    if pulse.local_time and client is not None and not people:
        # One users.list call learns everyone's time zone; imported customers have none stored.
        people = workspace_people(client)
    # Someone forgotten after opting out may still be in the channel or a customer file.
    kept = without_suppressed(
        services, team_id=pulse.team_id, user_ids=list(dict.fromkeys(users))
    )
    return Members(kept, {user: people[user] for user in kept if user in people})
