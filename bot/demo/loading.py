"""The demo's history into a workspace, through the importers a team uses (`customers import`,
`responses import`, `outcomes import`, `followups import`): what the demo, the playground and
`seed` start from."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient

from bot.answers.history import import_history
from bot.core.services import Services
from bot.demo.history import History, generate
from bot.followups.importing import import_follow_ups
from bot.outcomes.importing import import_outcomes
from bot.workspaces.customers import import_customers
from bot.workspaces.grammar import SetCurrency

CURRENCY = SetCurrency("EUR")  # the contract values' currency


@dataclass(frozen=True)
class Loaded:
    history: History
    answers: int  # as the answer importer counted them
    followed_up: int  # detractor answers the team's recorded follow-ups name

    def summary(self) -> str:
        """One line saying what was loaded."""
        return (f"{self.history.customers:,} customers in three plans and two regions, "
                f"{self.answers:,} answers over twelve monthly waves, "
                f"{self.history.events:,} renewals, churns, expansions, referrals and reviews")


def load_history(services: Services, client: WebClient | None, *, team_id: str,
                 customers: int = 200, seed: int = 11) -> Loaded:
    """The year up to the services' clock into `team_id`, the workspace `client` speaks for;
    without a client, a workspace already stored (the history names customers by Slack ID, so
    no e-mail needs Slack)."""
    history = generate(today=services.clock().date(), customers=customers, seed=seed)
    # With a client the workspace is stored as Slack names it (auth.test).
    import_customers(services, client, history.customers_csv,
                     team_id=None if client is not None else team_id)
    imported = import_history(services, client, history.responses_csv, team_id=team_id)
    import_outcomes(services, client, history.outcomes_csv, team_id=team_id, currency=CURRENCY)
    followed = import_follow_ups(services, client, history.followups_csv, team_id=team_id)
    return Loaded(history, imported.added, followed.added)
