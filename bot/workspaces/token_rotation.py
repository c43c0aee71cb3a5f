"""Rotating tokens refreshed once, however many replicas and requests find them expiring.

With token rotation on, a refresh spends the workspace's refresh token: Slack issues a new
access and refresh token and the old ones stop working. Two replicas (or a replica and a Bolt
request) that see the token expiring at the same moment would both refresh: the second finds
its refresh token spent, and, depending on who saves last, one of them goes on with a token
Slack no longer accepts. So a refresh is claimed in the database first (`tokenrefreshclaim`,
one holder per workspace, across processes and on both databases); whoever waited for the
claim reads the installation again and takes the token the holder saved.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Installation, InstallationStore
from slack_sdk.oauth.token_rotation import TokenRotator

from bot.core.services import Services
from storage.engine import session_scope
from storage.token_refresh import release_claim, try_claim

logger = logging.getLogger(__name__)

# Longer than a refresh takes (one oauth.v2.access call, a 10 s timeout, and a save): a claim
# older than this belongs to a holder that died, and is taken over.
CLAIM_SECONDS = 30
POLL_SECONDS = 0.1


class SharedTokenRotator(TokenRotator):
    """slack-sdk's TokenRotator, one refresh at a time per workspace, saved before it is let go.

    Bolt's authorizer calls it for requests, `installations.client_for` for background work.
    It returns the installation to use (refreshed here, or by whoever held the claim), which
    is already saved; the caller saving it again writes the same row.
    """

    def __init__(self, services: Services, store: InstallationStore, *,
                 client_id: str, client_secret: str, client: WebClient,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        super().__init__(client_id=client_id, client_secret=client_secret, client=client)
        self._services = services
        self._store = store
        self._sleep = sleep

    def perform_token_rotation(self, *, installation: Installation,
                               minutes_before_expiration: int = 120) -> Installation | None:
        if not _expiring(installation, minutes_before_expiration):
            return None
        key = ":".join((self.client_id, installation.enterprise_id or "",
                        installation.team_id or ""))
        with self._claimed(key) as claimed:
            if not claimed:
                # Its holder is slow, not dead (the claim has not run out): refreshing beside
                # it would spend the refresh token twice. Go on with the token we have.
                logger.warning("bot token of team %s is being refreshed by another process; "
                               "using the current one meanwhile", installation.team_id)
                return None
            current = self._store.find_installation(enterprise_id=installation.enterprise_id,
                                                    team_id=installation.team_id)
            if current is None:
                return None  # uninstalled meanwhile
            if not _expiring(current, minutes_before_expiration):
                return current  # refreshed by whoever held the claim before us
            rotated = super().perform_token_rotation(
                installation=current, minutes_before_expiration=minutes_before_expiration)
            if rotated is not None:
                self._store.save(rotated)  # before the claim goes: the next holder reads it
                logger.info("bot token of team %s refreshed", installation.team_id)
            return rotated

    @contextmanager
    def _claimed(self, key: str) -> Iterator[bool]:
        holder = uuid.uuid4().hex
        deadline = time.monotonic() + CLAIM_SECONDS
        while True:
            now = self._services.clock()
            with session_scope(self._services.engine) as session:
                if try_claim(session=session, key=key, holder=holder, now=now,
                             until=now + timedelta(seconds=CLAIM_SECONDS)):
                    break
            if time.monotonic() > deadline:
                yield False
                return
            self._sleep(POLL_SECONDS)
        try:
            yield True
        finally:
            with session_scope(self._services.engine) as session:
                release_claim(session=session, key=key, holder=holder)


def _expiring(installation: Installation, minutes: int) -> bool:
    expires_at: Any = installation.bot_token_expires_at
    return expires_at is not None and int(expires_at) <= time.time() + minutes * 60
