"""The playground's workspace: who is in it, which channels it has, what happened before."""

from __future__ import annotations

from dataclasses import dataclass

TEAM_NAME = "Acme Support (playground)"
APP_NAME = "Engagement"  # the app's display name in manifest.yml
STAFF_GROUP = "S0PLAYCX"  # the staff user group: its members see figures and comments


@dataclass(frozen=True)
class Person:
    user_id: str
    name: str
    title: str  # who they are, shown in the "act as" switch
    tz: str
    staff: bool = False
    admin: bool = False  # a Slack admin: may define pulses (`/engagement pulse new`)
    account: str | None = None  # a customer's company, plan and region, imported as segments
    plan: str | None = None
    region: str | None = None

    @property
    def handle(self) -> str:
        return self.name.split()[0].lower()


@dataclass(frozen=True)
class Channel:
    channel_id: str
    name: str
    staff_only: bool  # customers are not members
    topic: str


STAFF = (
    Person("U0PLAYDANA", "Dana Reyes", "Customer Success lead · staff, admin",
           "Europe/London", staff=True, admin=True),
    Person("U0PLAYSAM", "Sam Patel", "Support engineer · staff", "Europe/Berlin", staff=True),
)

def _customer(user_id: str, name: str, tz: str, account: str, plan: str, region: str) -> Person:
    return Person(user_id, name, f"customer · {account} ({plan})", tz, account=account,
                  plan=plan, region=region)


# Plans and regions as in the demo history (bot.demo.history), so segments are one set.
CUSTOMERS = (
    _customer("U0PLAYAMARA", "Amara Okafor", "Africa/Lagos", "Lagos Freight", "growth",
              "emea"),
    _customer("U0PLAYEMMA", "Emma Jones", "Europe/London", "Northwind Books", "starter", "emea"),
    _customer("U0PLAYFARID", "Farid Haddad", "Asia/Dubai", "Dune Logistics", "enterprise",
              "emea"),
    _customer("U0PLAYGRACE", "Grace Kim", "America/Los_Angeles", "Hanok Studio", "starter",
              "americas"),
    _customer("U0PLAYBRUNO", "Bruno Costa", "America/Sao_Paulo", "Costa Café", "starter",
              "americas"),
    _customer("U0PLAYDMITRI", "Dmitri Ivanov", "Europe/Berlin", "Volga Parts", "growth",
              "emea"),
)
PEOPLE = (*CUSTOMERS, *STAFF)

GENERAL = Channel("C0PLAYGENERAL", "general", staff_only=False,
                  topic="Everyone. Type /engagement here or in the app's Messages tab.")
CX_TEAM = Channel("C0PLAYCXTEAM", "cx-team", staff_only=True,
                  topic="The weekly engagement digest is posted here.")
ALERTS = Channel("C0PLAYALERTS", "cx-alerts", staff_only=True,
                 topic="Detractors and strongly negative comments, to follow up.")
CHANNELS = (GENERAL, CX_TEAM, ALERTS)

# A live NPS pulse reaches every customer; these had answered before the playground opened
# (through signed clicks, as anyone would), so the alert channel already has a detractor.
EARLIER_ANSWERS: tuple[tuple[Person, int, str | None], ...] = (
    (CUSTOMERS[4], 9, "Support is quick, but the CSV export could be faster."),
    (CUSTOMERS[5], 3, "I had to wait three days for an answer about our invoice."),
)
PULSE_NAME = "monthly-nps"


def person(user_id: str) -> Person | None:
    return next((p for p in PEOPLE if p.user_id == user_id), None)


def channels_of(who: Person) -> tuple[Channel, ...]:
    return tuple(c for c in CHANNELS if who.staff or not c.staff_only)
