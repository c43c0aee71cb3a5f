"""Who may do what in a workspace: its admins, its staff, and everyone else.

Staff is explicit, never "anyone we have not surveyed":
- **admins**: the workspace's Slack admins and owners; with one workspace (SLACK_BOT_TOKEN),
  the people in ADMIN_USER_IDS; and people the workspace's admins listed
  (`/engagement admin add`), in that workspace only;
- **staff**: the admins, and the members of the workspace's staff user group
  (`/engagement set staff`; with one workspace STAFF_USERGROUP_ID until one is set).
Nobody else is: not a customer, not a guest (`is_restricted`, `is_ultra_restricted`), not a
member of another workspace (Slack Connect), not a deactivated account or a bot. What Slack
said is kept for ACCESS_TTL (bot.core.services) in the Services' access cache; a change made
here (`set staff`, `admin add|remove`) drops the workspace's entries at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.core.errors import UserFacingError
from bot.core.services import Services
from storage.engine import session_scope
from storage.workspaces import is_listed_admin, workspace_settings

logger = logging.getLogger(__name__)


class Denial(StrEnum):
    """Why someone is not staff."""

    NOT_STAFF = "not_staff"  # a member, neither an admin nor in the staff group
    GUEST = "guest"  # a single- or multi-channel guest
    OTHER_WORKSPACE = "other_workspace"  # a Slack Connect member of another organisation
    NOT_A_MEMBER = "not_a_member"  # unknown to Slack here, deactivated, or a bot
    UNCHECKED = "unchecked"  # Slack could not be asked just now


@dataclass(frozen=True)
class Access:
    """What one person may do in one workspace."""

    admin: bool = False  # admin subcommands, buttons and forms
    manages_admins: bool = False  # Slack admins and owners (and ADMIN_USER_IDS): admin add|remove
    staff: bool = False  # the figures, customers' words, App Home's dashboard, follow-ups
    denial: Denial | None = None  # why not staff

    @property
    def slack_confirmed(self) -> bool:
        """False when Slack could not be asked: the answer must not be remembered."""
        return self.denial is not Denial.UNCHECKED


# Who can grant access, by why it was refused; short enough to follow a lead sentence in a
# modal's field error (cut at 150 characters).
GRANT = {
    Denial.NOT_STAFF: "Ask an admin or owner of this workspace to add you to its staff user group.",
    Denial.GUEST: "Guests are not given access: only this workspace's admins and owners grant it.",
    Denial.OTHER_WORKSPACE: "You belong to another workspace: only this one's admins and owners "
                            "grant access.",
    Denial.NOT_A_MEMBER: "You are not an active member here: only this workspace's admins and "
                         "owners grant access.",
    Denial.UNCHECKED: "Slack could not confirm your access just now: please try again in a "
                      "minute.",
}


class NotStaff(UserFacingError):
    def __init__(self, access: Access,
                 lead: str = "The engagement figures and what customers wrote are for the team "
                             "that runs these surveys.") -> None:
        super().__init__(f"{lead} {GRANT[access.denial or Denial.NOT_STAFF]}")


class NotAnAdmin(UserFacingError):
    def __init__(self, services: Services, what: str = "manage pulses") -> None:
        listed = (", the people in ADMIN_USER_IDS"
                  if services.settings.default_admin_user_ids else "")
        super().__init__(
            f"Only admins can {what}, so nothing was changed. Admins are this workspace's "
            f"admins and owners{listed} and the people they made admins "
            "(/engagement admin add @person): ask one of them."
        )


class NotAnOwner(UserFacingError):
    def __init__(self, services: Services) -> None:
        listed = (" and the people in ADMIN_USER_IDS"
                  if services.settings.default_admin_user_ids else "")
        super().__init__(
            "Only this workspace's admins and owners" + listed + " can add or remove admins of "
            "the bot, so nothing was changed: ask one of them."
        )


def access_of(
    services: Services, client: WebClient, *, team_id: str, user_id: str,
    user_team_id: str | None = None,
) -> Access:
    """What `user_id` may do in `team_id`. `user_team_id`: the team the payload says the person
    belongs to (Slack Connect names their own), refused at once when it is another."""
    if not team_id or not user_id:
        return Access(denial=Denial.NOT_A_MEMBER)
    if user_team_id and user_team_id != team_id:
        return Access(denial=Denial.OTHER_WORKSPACE)
    key = ("user", team_id, user_id)
    cached = services.access_cache.get(key, now=services.clock())
    if isinstance(cached, Access):
        return cached
    access = _ask(services, client, team_id=team_id, user_id=user_id)
    if access.slack_confirmed:
        services.access_cache.put(key, access, now=services.clock())
    return access


def forget_access(services: Services, *, team_id: str) -> None:
    """The workspace's staff group or admins changed: ask again on the next request."""
    services.access_cache.discard(lambda key: len(key) > 1 and key[1] == team_id)


def is_admin(services: Services, client: WebClient, *, team_id: str, user_id: str) -> bool:
    return access_of(services, client, team_id=team_id, user_id=user_id).admin


def require_admin(
    services: Services, client: WebClient, *, team_id: str, user_id: str,
    what: str = "manage pulses",
) -> Access:
    access = access_of(services, client, team_id=team_id, user_id=user_id)
    if access.admin:
        return access
    if access.denial in (Denial.GUEST, Denial.OTHER_WORKSPACE, Denial.UNCHECKED):
        raise NotStaff(access, lead=f"Only admins can {what}, so nothing was changed.")
    raise NotAnAdmin(services, what)


def require_staff(
    services: Services, client: WebClient, *, team_id: str, user_id: str,
    user_team_id: str | None = None, lead: str | None = None,
) -> Access:
    access = access_of(services, client, team_id=team_id, user_id=user_id,
                       user_team_id=user_team_id)
    if not access.staff:
        raise NotStaff(access) if lead is None else NotStaff(access, lead)
    return access


def _ask(services: Services, client: WebClient, *, team_id: str, user_id: str) -> Access:
    try:
        user: dict[str, Any] = client.users_info(user=user_id)["user"]
    except SlackApiError as refused:
        if refused.response.status_code == 200 and refused.response.get("error") in (
            "user_not_found", "user_not_visible", "account_inactive"
        ):
            return Access(denial=Denial.NOT_A_MEMBER)
        return _unchecked("users.info", team_id, refused)
    except (SlackClientError, OSError) as failed:
        return _unchecked("users.info", team_id, failed)
    if user.get("deleted") or user.get("is_bot") or user.get("id") != user_id:
        return Access(denial=Denial.NOT_A_MEMBER)
    if not member_of(user, team_id):
        return Access(denial=Denial.OTHER_WORKSPACE)
    if user.get("is_restricted") or user.get("is_ultra_restricted"):
        return Access(denial=Denial.GUEST)
    manages = bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner")
                   or user_id in services.settings.default_admin_user_ids)
    with session_scope(services.engine) as session:
        admin = manages or is_listed_admin(session=session, team_id=team_id, user_id=user_id)
        chosen = workspace_settings(session=session, team_id=team_id)
        group = staff_usergroup(services, None if chosen is None else chosen.staff_usergroup_id)
    if admin:
        return Access(admin=True, manages_admins=manages, staff=True)
    if group is None:
        return Access(denial=Denial.NOT_STAFF)
    members = _group_members(services, client, team_id=team_id, group=group)
    if members is None:
        return Access(denial=Denial.UNCHECKED)
    return Access(staff=True) if user_id in members else Access(denial=Denial.NOT_STAFF)


def staff_usergroup(services: Services, chosen: str | None) -> str | None:
    """The workspace's own choice ("" = none), else, with one workspace, STAFF_USERGROUP_ID."""
    if chosen is None:
        return services.settings.default_staff_usergroup_id
    return chosen or None


def member_of(user: dict[str, Any], team_id: str) -> bool:
    """Their own workspace, or (Enterprise Grid) one of the workspaces of their organisation."""
    if user.get("team_id") == team_id:
        return True
    enterprise = user.get("enterprise_user")
    teams = enterprise.get("teams") if isinstance(enterprise, dict) else None
    return isinstance(teams, list) and team_id in teams


# Answers that will not change by asking again: the group is gone or cannot be read.
_GROUP_GONE = frozenset({"no_such_subteam", "plan_upgrade_required", "paid_teams_only",
                         "missing_scope"})


def _group_members(
    services: Services, client: WebClient, *, team_id: str, group: str
) -> frozenset[str] | None:
    """The staff group's members (empty if Slack has no such group), or None: Slack unreachable."""
    key = ("group", team_id, group)
    cached = services.access_cache.get(key, now=services.clock())
    if isinstance(cached, frozenset):
        return cached
    try:
        members = frozenset(str(user) for user in
                            client.usergroups_users_list(usergroup=group)["users"])
    except SlackApiError as refused:
        if refused.response.get("error") not in _GROUP_GONE:
            _unchecked("usergroups.users.list", team_id, refused)
            return None
        # Deleted or disabled since it was chosen, or no longer allowed: nobody is staff
        # through it (until an admin chooses another).
        logger.warning("team %s: staff user group %s unusable (%s)", team_id, group,
                       refused.response.get("error"))
        members = frozenset()
    except (SlackClientError, OSError) as failed:
        _unchecked("usergroups.users.list", team_id, failed)
        return None
    services.access_cache.put(key, members, now=services.clock())
    return members


def _unchecked(method: str, team_id: str, error: Exception) -> Access:
    logger.warning("team %s: access not checked, %s failed: %s", team_id, method,
                   type(error).__name__)
    return Access(denial=Denial.UNCHECKED)
