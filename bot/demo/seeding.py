"""`seed`: the demo's year of history in a workspace of its own, in the configured database.

The history names customers by Slack ID, so the importers need no Slack at all: the workspace
is stored first, by its id, and they fill it. Seeding needs only DATABASE_URL."""

from __future__ import annotations

from bot.core.errors import UserFacingError
from bot.core.services import Services
from bot.demo.loading import Loaded, load_history
from storage.engine import session_scope
from storage.models import Workspace
from storage.workspaces import ensure_workspace

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
        ensure_workspace(session=session, team_id=team_id, name=SEEDED_NAME,
                         now=services.clock())
    return load_history(services, None, team_id=team_id, customers=customers)
