"""Who may administer pulses: configured admins, and Slack's own workspace admins and owners."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.errors import UserFacingError
from bot.services import Services


class NotAnAdmin(UserFacingError):
    def __init__(self, what: str = "manage pulses") -> None:
        super().__init__(
            f"Only admins can {what}: a workspace admin or owner, or someone listed in "
            "ADMIN_USER_IDS."
        )


def is_admin(services: Services, client: WebClient, *, user_id: str) -> bool:
    if user_id in services.settings.admin_user_ids:
        return True
    try:
        user = client.users_info(user=user_id)["user"]
    except SlackApiError:
        return False  # unknown to Slack: certainly not an admin
    return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))


def require_admin(
    services: Services, client: WebClient, *, user_id: str, what: str = "manage pulses"
) -> None:
    if not is_admin(services, client, user_id=user_id):
        raise NotAnAdmin(what)
