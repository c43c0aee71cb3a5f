"""`set staff`, `set alerts`, `set currency` and `admin …`: every way Slack may send a group,
channel, person or currency."""

from __future__ import annotations

import pytest

from bot.app.grammar import parse_engagement
from bot.core.usage import UsageError
from bot.followups.grammar import SetAlerts
from bot.workspaces.grammar import AddAdmins, ListAdmins, RemoveAdmins, SetCurrency, SetStaff


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("set staff <!subteam^S0CX123|@cx-team>", SetStaff("S0CX123")),
        ("set staff <!subteam^S0CX123>", SetStaff("S0CX123")),
        ("SET STAFF S0CX123", SetStaff("S0CX123")),
        ("set staff @CX-Team", SetStaff(None, "cx-team")),
        ("set staff clear", SetStaff(None)),
        ("set alerts <#C0ALERTS|cx-alerts>", SetAlerts("C0ALERTS")),
        ("set alerts <#G0PRIVATE>", SetAlerts("G0PRIVATE")),
        ("set alerts C0ALERTS", SetAlerts("C0ALERTS")),
        ("set alerts off", SetAlerts(None)),
        ("set currency EUR", SetCurrency("EUR")),
        ("SET CURRENCY chf", SetCurrency("CHF")),
        ("set currency off", SetCurrency(None)),
        ("admin list", ListAdmins()),
        ("admin add <@U0ANA|ana> W0BOB <@U0ANA>", AddAdmins(("U0ANA", "W0BOB"))),
        ("admin remove <@U0ANA>", RemoveAdmins(("U0ANA",))),
    ],
)
def test_groups_channels_and_people_as_links_or_ids(text: str, expected: object) -> None:
    assert parse_engagement(text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("set alerts #cx-alerts", "plain text"),
        ("set alerts cx-alerts", "its ID"),
        ("set alerts", "name one channel"),
        ("set alerts C0A C0B", "name one channel"),
        ("set staff", "name one user group"),
        ("set staff <@U0ANA>", "user group"),
        ("set colour blue", "set staff @group"),
        ("set colour blue", "set currency EUR"),
        ("set currency", "name one currency"),
        ("set currency EUR USD", "name one currency"),
        ("set currency EURO", "'EURO' is not a currency code"),
        ("set currency €", "is not a currency code"),
        ("admin", "admin add @person"),
        ("admin promote U0ANA", "admin add @person"),
        ("admin add", "name who to add"),
        ("admin add @ana", "plain text"),
        ("admin remove <#C0ALERTS>", "member ID"),
        ("admin list everyone", "takes nothing more"),
        ("admin add " + " ".join(f"U0P{n:03}" for n in range(21)), "at most 20"),
    ],
)
def test_what_cannot_be_read_says_why(text: str, says: str) -> None:
    with pytest.raises(UsageError, match=says):
        parse_engagement(text)
