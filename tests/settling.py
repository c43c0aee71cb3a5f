"""Requests that return once the listeners they started have finished.

Bolt acknowledges Slack first and runs listeners on its executor; a test that then waits for
a Web API call by the clock asserts on work still under way (a slow machine outruns the wait,
and a second, later call is missed). Tests here hand the app a SettlingExecutor and send with
SettledSlackClient (or SettledSocketModeClient), so every assertion is made on settled work.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from bot.playground.settling import SettlingExecutor as PlaygroundSettlingExecutor
from bot.sandbox.client import SignedSlackClient, SlackClient, SlackReply, SocketModeSlackClient


class SettlingExecutor(PlaygroundSettlingExecutor):
    """The playground's listener pool, where a listener still running after the wait fails the
    test instead of being left to finish: an assertion must not be made on unsettled work."""

    def __init__(self, max_workers: int = 4) -> None:
        super().__init__(max_workers, thread_name_prefix="listener")

    def settle(self, timeout: float = 20.0) -> int:
        """Wait for every listener started so far, and for any they start in turn."""
        not_done = super().settle(timeout)
        assert not not_done, f"{not_done} listener(s) still running after {timeout}s"
        return not_done


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
