"""`seed`: the demo's year of history in a workspace of its own, in the configured database.

The importers speak to Slack only to learn which workspace they fill (`auth.test`; the history
names customers by Slack ID, so no e-mail is looked up): a local sandbox answers for the
workspace being seeded, so seeding needs only DATABASE_URL and never reaches Slack."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.core.errors import UserFacingError
from bot.core.services import Services
from bot.demo.loading import Loaded, load_history
from bot.sandbox.slack_api import SlackSandbox
from storage.engine import session_scope
from storage.models import Workspace

SEEDED_NAME = "Seeded workspace"


class WorkspaceHasData(UserFacingError):
    def __init__(self, team_id: str) -> None:
        super().__init__(f"{team_id} already has data: seed another --team or a fresh database")


def seed_workspace(services: Services, *, team_id: str, customers: int) -> Loaded:
    """The year up to the services' clock into the new workspace `team_id`; refuses one the
    database already holds, so synthetic answers never mix with real ones."""
    with session_scope(services.engine) as session:
        if session.get(Workspace, team_id) is not None:
            raise WorkspaceHasData(team_id)
    with SlackSandbox(team_id=team_id, team_name=SEEDED_NAME) as sandbox:
        client = WebClient(token=sandbox.bot_token, base_url=sandbox.api_url)
        return load_history(services, client, team_id=team_id, customers=customers)
