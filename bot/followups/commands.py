"""`/engagement set alerts`: the channel this workspace's follow-up alerts go to.

The channel is checked with conversations.info through the workspace's own token, so a channel
of another workspace, a DM, an archived channel or one the app is not in stores nothing: the
app posts only where it is a member (it does not ask for chat:write.public).
"""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.core.errors import UserFacingError
from bot.core.services import Services
from bot.followups.blocks import alerts_off_message, alerts_set_message
from bot.followups.grammar import SetAlerts
from bot.slack.message import ReportMessage
from storage.engine import session_scope
from storage.followups import set_alert_channel


class InvalidAlertChannel(UserFacingError):
    """A channel alerts cannot go to; nothing was stored."""


def run_alerts_command(
    services: Services, client: WebClient, *, team_id: str, user_id: str, command: SetAlerts
) -> ReportMessage:
    if command.channel_id is not None:
        _check_channel(client, command.channel_id)
    with session_scope(services.engine) as session:
        # "" rather than None: turned off on purpose, so ALERT_CHANNEL_ID does not come back.
        set_alert_channel(session=session, team_id=team_id, channel_id=command.channel_id or "",
                          user_id=user_id, now=services.clock())
    if command.channel_id is None:
        return alerts_off_message()
    return alerts_set_message(command.channel_id)


def _check_channel(client: WebClient, channel_id: str) -> None:
    try:
        channel: Any = client.conversations_info(channel=channel_id)["channel"]
    except SlackApiError as refused:
        if refused.response.status_code != 200:
            raise _UNREACHABLE from refused
        raise InvalidAlertChannel(
            f"I can't see channel {channel_id} in this workspace, so nothing was changed: "
            "check the ID, or invite the app to the channel first (/invite @Engagement)."
        ) from refused
    except (SlackClientError, OSError) as exc:
        raise _UNREACHABLE from exc
    if not isinstance(channel, dict) or channel.get("is_im") or channel.get("is_mpim"):
        raise InvalidAlertChannel(
            "Alerts go to a channel, not a direct message, so nothing was changed.")
    if channel.get("is_archived"):
        raise InvalidAlertChannel(
            f"{channel_id} is archived, so nothing was changed: choose a live channel.")
    if not channel.get("is_member"):
        raise InvalidAlertChannel(
            f"The app is not in {channel_id}, so it could not post there and nothing was "
            "changed: invite it first (/invite @Engagement), then set the channel again.")


_UNREACHABLE = InvalidAlertChannel(
    "I couldn't check that channel with Slack just now, so nothing was changed. Please try again."
)
