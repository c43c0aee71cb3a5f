"""Requests that return once the listeners they started have finished.

Bolt acknowledges Slack first and runs listeners on its executor; a test that then waits for
a Web API call by the clock asserts on work still under way (a slow machine outruns the wait,
and a second, later call is missed). Tests here hand the app a SettlingExecutor and send with
SettledSlackClient (or SettledSocketModeClient), so every assertion is made on settled work.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from typing import Any

from bot.sandbox.client import SignedSlackClient, SlackClient, SlackReply, SocketModeSlackClient


class SettlingExecutor(ThreadPoolExecutor):
    """Bolt's listener pool, which can say when every listener it started has finished."""

    def __init__(self, max_workers: int = 4) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="listener")
        self._lock = threading.Lock()
        self._futures: list[Future[Any]] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future = super().submit(fn, *args, **kwargs)
        with self._lock:
            self._futures.append(future)
        return future

    def settle(self, timeout: float = 20.0) -> None:
        """Wait for every listener started so far, and for any they start in turn."""
        while True:
            with self._lock:
                pending, self._futures = self._futures, []
            if not pending:
                return
            _, not_done = wait(pending, timeout=timeout)
            assert not not_done, f"{len(not_done)} listener(s) still running after {timeout}s"


class Settling(SlackClient):
    """Mixed into a SlackClient: every request returns once its listeners have finished."""

    def __init__(self, *, listeners: SettlingExecutor, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.listeners = listeners
        self._settling = True

    @contextmanager
    def unsettled(self) -> Iterator[None]:
        """Requests that return with Slack's answer alone: for a test that holds what the
        listener waits for (a lock) until after it has looked; it settles once that is let go."""
        self._settling = False
        try:
            yield
        finally:
            self._settling = True

    def post_raw(self, body: bytes, **kwargs: Any) -> SlackReply:
        reply = super().post_raw(body, **kwargs)
        if self._settling:
            self.listeners.settle()
        return reply


class SettledSlackClient(Settling, SignedSlackClient):
    """A SignedSlackClient whose every request returns once its listeners have finished."""


class SettledSocketModeClient(Settling, SocketModeSlackClient):
    """The same over Socket Mode: each envelope returns once acked and its listeners finished."""
