"""The workspace's currency: what the amounts of `outcomes import` are in (ISO 4217).

Set with `/engagement set currency EUR`, `python -m bot outcomes currency EUR` or
`outcomes import --currency EUR`; `off` (or `clear`, `none`) takes it away, and amounts are
then shown without one. Only the form is checked (three letters A–Z, upper-cased): the bot
converts nothing, and a code it does not know is still the team's to choose.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlmodel import Session

from bot.core.errors import UserFacingError
from storage.workspaces import set_workspace_choice, workspace_settings

CLEAR_WORDS = ("off", "clear", "none")
_CODE = re.compile(r"^[A-Z]{3}$")


class InvalidCurrency(UserFacingError):
    """Not three letters; nothing was stored."""


def parse_currency(text: str) -> str | None:
    """An ISO 4217 code such as EUR (any case), or None for one of CLEAR_WORDS."""
    word = text.strip()
    if word.lower() in CLEAR_WORDS:
        return None
    code = word.upper()
    if not _CODE.match(code):
        raise InvalidCurrency(
            f"{word[:20]!r} is not a currency code: write three letters, such as EUR, USD or "
            "GBP (or off)")
    return code


def store_currency(
    *, session: Session, team_id: str, code: str | None, user_id: str | None, now: datetime
) -> None:
    set_workspace_choice(session=session, team_id=team_id, user_id=user_id, now=now,
                         currency=code)


def workspace_currency(*, session: Session, team_id: str) -> str | None:
    chosen = workspace_settings(session=session, team_id=team_id)
    return None if chosen is None else chosen.currency
