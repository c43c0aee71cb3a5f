"""People, channels and user groups named in a slash command's text.

With "Escape channels, users, and links" on, Slack sends a pick from its autocomplete as
`<@U123|ana>`, `<#C123|alerts>` or `<!subteam^S123|@cx-team>`; with it off (manifest.yml), a
typed `@ana` or `#alerts` may arrive as plain text. IDs are always accepted as typed. A plain
user group handle is looked up later (usergroups.list); a plain `@person` or `#channel` cannot
be resolved cheaply, so the answer asks for the link or the ID.
"""

from __future__ import annotations

import re

from bot.core.ids import USER_ID
from bot.core.usage import UsageError

# A member ID as core.ids.USER_ID reads it, bare or inside the link Slack makes of a mention.
_USER_ID = USER_ID.pattern.removeprefix("^").removesuffix("$")
_USER = re.compile(rf"^<@({_USER_ID})(?:\|[^>]*)?>$|^({_USER_ID})$")
_CHANNEL = re.compile(r"^<#([CG][A-Z0-9]{2,30})(?:\|[^>]*)?>$|^([CG][A-Z0-9]{2,30})$")
_USERGROUP = re.compile(r"^<!subteam\^(S[A-Z0-9]{2,30})(?:\|[^>]*)?>$|^(S[A-Z0-9]{2,30})$")
_HANDLE = re.compile(r"^@([a-z0-9][a-z0-9._-]{0,79})$")


def user_id_in(word: str) -> str:
    found = _USER.match(word)
    if found:
        return found.group(1) or found.group(2)
    if word.startswith("@"):
        raise UsageError(
            "Slack sent that name as plain text: pick the person from Slack's list so it "
            "becomes a link, or give their member ID (their profile → ⋮ → Copy member ID)", word)
    raise UsageError("name a person with @ (picked from Slack's list) or their member ID", word)


def channel_id_in(word: str) -> str:
    found = _CHANNEL.match(word)
    if found:
        return found.group(1) or found.group(2)
    if word.startswith("#"):
        raise UsageError(
            "Slack sent that channel as plain text: pick it from Slack's list so it becomes a "
            "link, or give its ID (channel details → About, at the bottom)", word)
    raise UsageError("name a channel with # (picked from Slack's list) or its ID", word)


def usergroup_in(word: str) -> tuple[str | None, str | None]:
    """(group id, None) for a link or an ID; (None, handle) for a plain `@handle`."""
    found = _USERGROUP.match(word)
    if found:
        return found.group(1) or found.group(2), None
    handle = _HANDLE.match(word.lower())
    if handle:
        return None, handle.group(1)
    raise UsageError("name a user group with @ (e.g. @cx-team) or its ID (S…)", word)
