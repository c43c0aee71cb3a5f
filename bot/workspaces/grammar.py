"""Parses the /engagement subcommands that say who is staff and who is an admin.

    /engagement set staff @group|clear
    /engagement admin list | admin add @person… | admin remove @person…
    /engagement set currency EUR|off
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.usage import UsageError
from bot.slack.mentions import user_id_in, usergroup_in
from bot.workspaces.currency import InvalidCurrency, parse_currency

CLEAR_WORDS = ("clear", "none", "off")
ADMIN_ACTIONS = ("add", "remove", "list")
MOST_AT_ONCE = 20


@dataclass(frozen=True)
class SetStaff:
    """The staff user group by its ID, or by the handle typed (looked up in Slack); neither:
    no staff group, only admins are staff."""

    usergroup_id: str | None
    handle: str | None = None


@dataclass(frozen=True)
class ListAdmins:
    pass


@dataclass(frozen=True)
class AddAdmins:
    user_ids: tuple[str, ...]


@dataclass(frozen=True)
class RemoveAdmins:
    user_ids: tuple[str, ...]


@dataclass(frozen=True)
class SetCurrency:
    """The currency of imported amounts (ISO 4217); None: amounts shown without one."""

    code: str | None


AccessCommand = SetStaff | ListAdmins | AddAdmins | RemoveAdmins
ACCESS_COMMANDS = (SetStaff, ListAdmins, AddAdmins, RemoveAdmins)
# Admin list changes need more than an admin: one of the workspace's own admins and owners.
ADMIN_LIST_CHANGES = (AddAdmins, RemoveAdmins)


def is_admin_command(words: list[str]) -> bool:
    return bool(words) and words[0].lower() == "admin"


def parse_set_staff(words: list[str]) -> SetStaff:
    """What follows `set staff`."""
    if len(words) != 1:
        raise UsageError("name one user group, e.g. set staff @cx-team, or set staff clear",
                         "staff")
    if words[0].lower() in CLEAR_WORDS:
        return SetStaff(None)
    group, handle = usergroup_in(words[0])
    return SetStaff(group, handle)


def parse_admin(words: list[str]) -> AccessCommand:
    """`words` from `admin` on; call only when is_admin_command(words)."""
    action = words[1].lower() if len(words) > 1 else ""
    if action not in ADMIN_ACTIONS:
        raise UsageError("write admin list, admin add @person or admin remove @person",
                         " ".join(words[:2]))
    rest = words[2:]
    if action == "list":
        if rest:
            raise UsageError("“admin list” takes nothing more", rest[0])
        return ListAdmins()
    if not rest:
        raise UsageError(f"name who to {action}, e.g. admin {action} @ana", action)
    if len(rest) > MOST_AT_ONCE:
        raise UsageError(f"name at most {MOST_AT_ONCE} people at once", action)
    # dict.fromkeys: each person once, in the order typed.
    user_ids = tuple(dict.fromkeys(user_id_in(word) for word in rest))
    return AddAdmins(user_ids) if action == "add" else RemoveAdmins(user_ids)


def parse_set_currency(words: list[str]) -> SetCurrency:
    """What follows `set currency`."""
    if len(words) != 1:
        raise UsageError("name one currency, e.g. set currency EUR, or set currency off",
                         "currency")
    try:
        return SetCurrency(parse_currency(words[0]))
    except InvalidCurrency as mistake:
        raise UsageError(str(mistake), words[0]) from None
