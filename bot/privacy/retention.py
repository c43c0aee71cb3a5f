"""COMMENT_RETENTION_DAYS, applied by the scheduler leader's maintenance (bot.worker.leader)."""

from __future__ import annotations

import logging

from bot.core.services import Services
from storage.engine import session_scope
from storage.retention import purge_expired_comments

logger = logging.getLogger(__name__)


def purge_old_comments(services: Services) -> int:
    """Blank comments past the retention period, with the follow-ups' copies of them; 0 when
    comments are kept forever."""
    days = services.settings.comment_retention_days
    if days is None:
        return 0
    with session_scope(services.engine) as session:
        purged = purge_expired_comments(session=session, now=services.clock(), days=days)
    if purged:
        logger.info("blanked the words of %d answer(s) and follow-up(s) older than %d days",
                    purged, days)
    return purged
