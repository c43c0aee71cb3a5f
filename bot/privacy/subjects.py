"""A person as the privacy records know them: a keyed hash of their Slack user ID.

Keyed with the signing secret, which never enters the database (as for anonymous answers), so
someone holding only the tables cannot test a list of Slack IDs against the hashes. Rotating
SLACK_SIGNING_SECRET therefore makes older suppression entries unmatchable: see the README.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

from bot.core.services import Services
from bot.core.text import PSEUDONYM_PREFIX
from storage.data_requests import forgotten_subjects, suppressed_subjects
from storage.engine import session_scope


def subject_hash(services: Services, *, team_id: str, user_id: str) -> str:
    secret = services.settings.require_signing_secret()
    message = f"data-subject:{team_id}:{user_id}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def staff_pseudonym(services: Services, *, team_id: str, user_id: str) -> str:
    """What stands for a forgotten staff member where they acted: the same in every row (so
    "resolved by the one who owned it" still reads true), keyed like subject_hash but from
    another message, so it does not repeat the audit's hash either."""
    secret = services.settings.require_signing_secret()
    message = f"staff-pseudonym:{team_id}:{user_id}".encode()
    return PSEUDONYM_PREFIX + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:16]


def without_suppressed(services: Services, *, team_id: str, user_ids: Sequence[str]) -> list[str]:
    """These users, less anyone forgotten after opting out of surveys."""
    with session_scope(services.engine) as session:
        suppressed = suppressed_subjects(session=session, team_id=team_id)
    if not suppressed:
        return list(user_ids)
    return [
        user_id
        for user_id in user_ids
        if subject_hash(services, team_id=team_id, user_id=user_id) not in suppressed
    ]


def forgotten_among(services: Services, *, team_id: str, user_ids: Sequence[str]) -> set[str]:
    """Those of these users (Slack or synthetic IDs) the workspace was asked to forget: an
    import of an old file leaves them out instead of bringing their data back."""
    with session_scope(services.engine) as session:
        forgotten = forgotten_subjects(session=session, team_id=team_id)
    if not forgotten:
        return set()
    return {user_id for user_id in user_ids
            if subject_hash(services, team_id=team_id, user_id=user_id) in forgotten}
