"""Requests that return once the bot has finished what they started, so the page shows the
answered pulse, the opened modal or the published Home as soon as the click returns."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any

from bot.sandbox.client import SignedSlackClient, SlackReply, envelope_of
from bot.sandbox.slack_api import SlackSandbox

SETTLE_SECONDS = 20.0


class SettlingExecutor(ThreadPoolExecutor):
    """Bolt's listener pool, which can say when every listener it started has finished."""

    def __init__(self, max_workers: int = 8, *,
                 thread_name_prefix: str = "playground-listener") -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix=thread_name_prefix)
        self._lock = threading.Lock()
        self._futures: list[Future[Any]] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future = super().submit(fn, *args, **kwargs)
        with self._lock:
            self._futures.append(future)
        return future

    def settle(self, timeout: float = SETTLE_SECONDS) -> int:
        """Wait for every listener started so far, and for any they start in turn; a listener
        still running after `timeout` is left to finish on its own (the page polls). Returns
        how many were still running (0 once all have finished), for a caller that must know."""
        while True:
            with self._lock:
                pending, self._futures = self._futures, []
            if not pending:
                return 0
            _, not_done = wait(pending, timeout=timeout)
            if not_done:
                return len(not_done)


class PlaygroundSlackClient(SignedSlackClient):
    """Signed requests as Slack sends them, each returning once its listeners have finished;
    remembers whose action each trigger id came with, to know whose screen a modal opens on."""

    def __init__(self, *, bot_url: str, signing_secret: str, sandbox: SlackSandbox,
                 listeners: SettlingExecutor) -> None:
        super().__init__(bot_url=bot_url, signing_secret=signing_secret, sandbox=sandbox)
        self.listeners = listeners
        self._trigger_owners: dict[str, str] = {}
        self._owners_lock = threading.Lock()

    def post_raw(self, body: bytes, *, content_type: str = "application/x-www-form-urlencoded",
                 timestamp: int | None = None, signature: str | None = None, sign: bool = True,
                 headers: dict[str, str] | None = None) -> SlackReply:
        _, payload = envelope_of(body, content_type)
        user = payload.get("user")
        owner = user.get("id") if isinstance(user, dict) else payload.get("user_id")
        trigger = payload.get("trigger_id")
        if isinstance(trigger, str) and isinstance(owner, str):
            with self._owners_lock:
                self._trigger_owners[trigger] = owner
        reply = super().post_raw(body, content_type=content_type, timestamp=timestamp,
                                 signature=signature, sign=sign, headers=headers)
        self.listeners.settle()
        return reply

    def trigger_owner(self, trigger_id: object) -> str | None:
        with self._owners_lock:
            return self._trigger_owners.get(str(trigger_id))
