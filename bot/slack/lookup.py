"""Did Slack already post it? Every message the bot may post twice carries a record id in its
metadata, so a poster that died between Slack's answer and its own commit is settled by looking.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.core.ids import USER_ID
from bot.slack.client import posting_client

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

    def metadata(self, record_id: int | str) -> dict[str, Any]:
        return {"event_type": self.event_type, "event_payload": {self.id_key: record_id}}


PULSE = PostKind("engagement_pulse", "delivery_id")
FOLLOW_UP_ALERT = PostKind("engagement_follow_up", "follow_up_id")
DIGEST = PostKind("engagement_digest", "digest_post_id")
# A pulse's one reminder, by its delivery.
PULSE_REMINDER = PostKind("engagement_pulse_reminder", "delivery_id")
# A staff member's reply to a customer. A follow-up may get several, so each carries an id of
# its own, drawn when it is sent (bot.followups.handling).
FOLLOW_UP_REPLY = PostKind("engagement_follow_up_reply", "reply_id")
# A drift warning, by its row (one per workspace, segment, metric and period).
DRIFT_ALERT = PostKind("engagement_drift_alert", "drift_alert_id")


class PostUnconfirmed(Exception):
    """Slack may have posted the message and could not be asked: it must not be posted again."""


def find_posted(
    client: WebClient, *, channel: str, kind: PostKind, record_id: int | str,
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


def post_once(
    client: WebClient, *, kind: PostKind, record_id: int | str, channel: str, depth: int = 100,
    **message: Any,
) -> tuple[str, str]:
    """Post a message that must arrive once, carrying `record_id`; Slack's (channel, ts).

    Through the posting client: a 429 is waited out, nothing else is retried blindly. After a
    5xx or a lost connection Slack may have posted it all the same (a gateway timing out after
    the work was done), so the channel, or the DM when `channel` is a user, is searched for the
    message by its metadata, as the pulse dispatcher does: found, it was posted.

    Raises Slack's error when the message was not posted (a refusal, or a 5xx and it is not
    there), PostUnconfirmed when Slack could not be asked.
    """
    failure: Exception
    try:
        answer = posting_client(client).chat_postMessage(
            channel=channel, metadata=kind.metadata(record_id), **message)
        return str(answer["channel"]), str(answer["ts"])
    except SlackApiError as exc:
        if exc.response.status_code < 500:
            raise  # Slack said no (or 429 with its retries spent): nothing was posted
        failure = exc
    except (SlackClientError, OSError) as exc:
        failure = exc
    try:
        where = (str(client.conversations_open(users=channel)["channel"]["id"])
                 if USER_ID.match(channel) else channel)
        ts = find_posted(client, channel=where, kind=kind, record_id=record_id, depth=depth)
    except (SlackApiError, SlackClientError, OSError) as exc:
        raise PostUnconfirmed(f"{kind.event_type} {record_id}: {failure}; and Slack could not be "
                              f"checked: {exc}") from exc
    if ts is None:
        raise failure
    return where, ts
