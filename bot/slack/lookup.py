"""Did Slack already post it? Every message the bot may post twice carries a record id in its
metadata, so a poster that died between Slack's answer and its own commit is settled by looking.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk import WebClient

# Slack errors that no retry will cure: a post that met one is recorded with its reason.
PERMANENT_ERRORS = frozenset(
    {
        "account_inactive",
        "cannot_dm_bot",
        "channel_not_found",
        "invalid_blocks",
        "is_archived",
        "messages_tab_disabled",
        "msg_too_long",
        "no_text",
        "not_in_channel",
        "restricted_action",
        # The app was removed from the workspace: its pending rows are cancelled at uninstall,
        # and one in flight then must not come back after a reinstall.
        "token_revoked",
        "user_disabled",
        "user_not_found",
        "user_not_visible",
    }
)


@dataclass(frozen=True)
class PostKind:
    """One kind of post: its metadata event type and the payload key that holds its record id."""

    event_type: str
    id_key: str

    def metadata(self, record_id: int) -> dict[str, Any]:
        return {"event_type": self.event_type, "event_payload": {self.id_key: record_id}}


PULSE = PostKind("engagement_pulse", "delivery_id")
FOLLOW_UP_ALERT = PostKind("engagement_follow_up", "follow_up_id")
DIGEST = PostKind("engagement_digest", "digest_post_id")


def find_posted(
    client: WebClient, *, channel: str, kind: PostKind, record_id: int,
    since: datetime | None = None, depth: int = 200,
) -> str | None:
    """The ts of the message of this kind and id in `channel`, newest `depth` (after `since`).

    Slack errors propagate: a caller unsure of what Slack holds must not post again.
    """
    oldest = f"{since.timestamp():.6f}" if since is not None else None
    history = client.conversations_history(
        channel=channel, oldest=oldest, limit=depth, include_all_metadata=True
    )
    for message in history.get("messages") or []:
        metadata = message.get("metadata") or {}
        payload = metadata.get("event_payload") or {}
        if metadata.get("event_type") == kind.event_type and payload.get(kind.id_key) == record_id:
            return str(message["ts"])
    return None
