"""Admin subcommands of /engagement that say who is staff and who else is an admin.

Each checks what it names with Slack before storing it, so a typo stores nothing; each change
drops the workspace's remembered access (bot.workspaces.access.forget_access) at once.
"""

from __future__ import annotations

from typing import Any, assert_never

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.core.errors import UserFacingError
from bot.core.services import Services
from bot.slack.message import ReportMessage
from bot.workspaces import blocks as views
from bot.workspaces.access import (
    Access,
    NotAnOwner,
    forget_access,
    member_of,
    staff_usergroup,
)
from bot.workspaces.currency import store_currency
from bot.workspaces.grammar import (
    AccessCommand,
    AddAdmins,
    ListAdmins,
    RemoveAdmins,
    SetCurrency,
    SetStaff,
)
from storage.engine import session_scope
from storage.workspaces import (
    add_admins,
    list_admins,
    remove_admins,
    set_staff_usergroup,
    workspace_settings,
)


class InvalidAccessChoice(UserFacingError):
    """A staff group or admin that cannot be stored as named; nothing was stored."""


SLACK_UNREACHABLE = InvalidAccessChoice(
    "I couldn't check that with Slack just now, so nothing was changed. Please try again."
)


def run_access_command(
    services: Services, client: WebClient, *, team_id: str, user_id: str, access: Access,
    command: AccessCommand,
) -> ReportMessage:
    """`access`: the admin's own, already checked to be an admin."""
    if isinstance(command, SetStaff):
        return _set_staff(services, client, team_id=team_id, user_id=user_id, command=command)
    if isinstance(command, ListAdmins):
        return _list(services, team_id=team_id)
    if not access.manages_admins:
        raise NotAnOwner(services)
    if isinstance(command, AddAdmins):
        for person in command.user_ids:
            _check_member(client, team_id=team_id, user_id=person)
        with session_scope(services.engine) as session:
            add_admins(session=session, team_id=team_id, user_ids=command.user_ids,
                       added_by=user_id, now=services.clock())
        forget_access(services, team_id=team_id)
        return views.admins_added(command.user_ids)
    if isinstance(command, RemoveAdmins):
        with session_scope(services.engine) as session:
            removed = remove_admins(session=session, team_id=team_id, user_ids=command.user_ids)
        forget_access(services, team_id=team_id)
        return views.admins_removed(command.user_ids, removed=removed)
    assert_never(command)


def run_currency_command(
    services: Services, *, team_id: str, user_id: str, command: SetCurrency
) -> ReportMessage:
    """`set currency`: an admin's, already checked."""
    with session_scope(services.engine) as session:
        store_currency(session=session, team_id=team_id, code=command.code, user_id=user_id,
                       now=services.clock())
    return views.currency_set(command.code)


def _set_staff(
    services: Services, client: WebClient, *, team_id: str, user_id: str, command: SetStaff
) -> ReportMessage:
    group: dict[str, Any] | None = None
    if command.usergroup_id is not None or command.handle is not None:
        group = _find_usergroup(client, command)
    with session_scope(services.engine) as session:
        # "" rather than None: cleared on purpose, so STAFF_USERGROUP_ID does not come back.
        set_staff_usergroup(session=session, team_id=team_id,
                            usergroup_id="" if group is None else str(group["id"]),
                            user_id=user_id, now=services.clock())
    forget_access(services, team_id=team_id)
    if group is None:
        return views.staff_cleared()
    return views.staff_set(group_id=str(group["id"]), handle=str(group.get("handle") or ""),
                           members=len(group.get("users") or []))


def _find_usergroup(client: WebClient, command: SetStaff) -> dict[str, Any]:
    try:
        groups = client.usergroups_list(include_users=True)["usergroups"]
    except SlackApiError as refused:
        if refused.response.get("error") in ("plan_upgrade_required", "paid_teams_only"):
            raise InvalidAccessChoice(
                "This workspace's Slack plan has no user groups, so nothing was changed: its "
                "admins and owners are its staff, and `/engagement admin add @person` adds more."
            ) from refused
        raise SLACK_UNREACHABLE from refused
    except (SlackClientError, OSError) as exc:
        raise SLACK_UNREACHABLE from exc
    for group in groups if isinstance(groups, list) else []:
        if not isinstance(group, dict) or group.get("date_delete"):
            continue
        if group.get("id") == command.usergroup_id or (
            command.handle is not None and str(group.get("handle", "")).lower() == command.handle
        ):
            return group
    named = command.usergroup_id or f"@{command.handle}"
    raise InvalidAccessChoice(
        f"There is no active user group {named} in this workspace, so nothing was changed. "
        "Pick one from Slack's list (People → User groups)."
    )


def _check_member(client: WebClient, *, team_id: str, user_id: str) -> None:
    """Only a full, active member of this workspace can be made an admin here."""
    try:
        user = client.users_info(user=user_id)["user"]
    except SlackApiError as refused:
        if refused.response.status_code != 200:
            raise SLACK_UNREACHABLE from refused
        user = None
    except (SlackClientError, OSError) as exc:
        raise SLACK_UNREACHABLE from exc
    if (not isinstance(user, dict) or user.get("deleted") or user.get("is_bot")
            or not member_of(user, team_id)):
        raise InvalidAccessChoice(
            f"{user_id} is not an active member of this workspace, so nobody was added.")
    if user.get("is_restricted") or user.get("is_ultra_restricted"):
        raise InvalidAccessChoice(
            f"{user_id} is a guest of this workspace and cannot be an admin of the bot, so "
            "nobody was added.")


def _list(services: Services, *, team_id: str) -> ReportMessage:
    with session_scope(services.engine) as session:
        listed = list_admins(session=session, team_id=team_id)
        chosen = workspace_settings(session=session, team_id=team_id)
    return views.admin_list(
        listed=listed, configured=services.settings.default_admin_user_ids,
        staff_group=staff_usergroup(services, None if chosen is None else
                                    chosen.staff_usergroup_id),
    )
