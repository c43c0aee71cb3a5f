"""Who may administer pulses: configured admins, and Slack's own workspace admins and owners."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.errors import UserFacingError
from bot.core.services import Services
from storage.engine import session_scope
from storage.pulses import is_respondent


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


STAFF_ONLY = (
    "The engagement figures are for the team that runs these surveys. "
    "If that is you, ask an admin to add you to ADMIN_USER_IDS."
)


def is_staff(services: Services, *, team_id: str, user_id: str) -> bool:
    """Customers (people we survey) never see the figures; configured admins always do."""
    if user_id in services.settings.admin_user_ids:
        return True
    with session_scope(services.engine) as session:
        return not is_respondent(session=session, team_id=team_id, user_id=user_id)
