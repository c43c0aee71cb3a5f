"""A workspace removed the app (OAuth mode): forget its tokens and send it nothing more.

Its answers, pulses and settings are kept: an uninstall is often a mistake or a reinstall
with new scopes, Slack keeps the messages already sent, and `forget` / `export` work on the
data as before. A reinstall picks the scheduled pulses and digests up again; what was waiting
to go out at the uninstall is cancelled, so nothing stale arrives after a reinstall.
"""

from __future__ import annotations

import logging

from bot.core.services import Services
from bot.workspaces.installations import installation_store
from storage.deliveries import mark_failed
from storage.engine import session_scope
from storage.workspaces import pending_of_team

logger = logging.getLogger(__name__)

UNINSTALLED = "app uninstalled from the workspace"


def forget_installation(
    services: Services, *, team_id: str, enterprise_id: str | None = None
) -> int:
    """Delete the workspace's installation and bot token; returns the deliveries cancelled."""
    installation_store(services).delete_all(enterprise_id=enterprise_id, team_id=team_id)
    with session_scope(services.engine) as session:
        pending = pending_of_team(session=session, team_id=team_id)
    for delivery_id in pending:
        # One transaction each, as the dispatcher records failures: the rollups recount per row.
        with session_scope(services.engine) as session:
            mark_failed(session=session, delivery_id=delivery_id, error=UNINSTALLED)
    logger.info("app uninstalled from team %s: installation deleted, %d unsent deliveries "
                "cancelled", team_id, len(pending))
    return len(pending)


def forget_user_tokens(
    services: Services, *, team_id: str, user_ids: list[str], enterprise_id: str | None = None
) -> None:
    """Users' own tokens revoked (the bot asks for none today; kept correct for when it does)."""
    store = installation_store(services)
    for user_id in user_ids:
        store.delete_installation(enterprise_id=enterprise_id, team_id=team_id, user_id=user_id)
