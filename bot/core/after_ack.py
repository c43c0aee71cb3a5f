"""Work a listener leaves for after Slack has its acknowledgement, on threads of its own.

Bolt answers Slack as soon as a listener calls ack(), but the listener then goes on, on Bolt's
listener thread, with what may follow (a click's chat.update, a follow-up alert): one Web API
round trip or more. At 200 clicks a second and Slack's usual 50-300 ms a call, that kept 10-60
of Bolt's threads busy with finished clicks, and a new click's listener could wait for a thread
before it even began, eating into Slack's 3 s. Here that work gets its own threads, so Bolt's
are free for the work Slack is waiting on.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor

logger = logging.getLogger(__name__)

# Threads for after-ack work: about as many Web API calls in flight as Slack's latency times
# the click rate needs (16 × ~100 ms ≈ 160 calls a second), each holding a pooled connection
# (bot.slack.client.CONNECTIONS_PER_HOST).
AFTER_ACK_THREADS = 16
# Pieces of work waiting at most; beyond it the listener's own thread does its work, as
# before, so a Slack that answers slowly for minutes holds back new clicks' threads rather
# than the bot's memory growing without bound.
AFTER_ACK_BACKLOG = 2_000


class AfterAck:
    """Runs `fn` after the ack on its own threads; a failure is logged with `what`, never raised
    (the person already has their answer, and Bolt's error handler would tell them otherwise)."""

    def __init__(self, executor: Executor | None = None, *, backlog: int = AFTER_ACK_BACKLOG
                 ) -> None:
        self._executor = executor or ThreadPoolExecutor(max_workers=AFTER_ACK_THREADS,
                                                        thread_name_prefix="after-ack")
        self._room = threading.BoundedSemaphore(backlog)

    def run(self, what: str, fn: Callable[[], object]) -> None:
        if not self._room.acquire(blocking=False):
            _run_logged(what, fn)  # backlog full: on the caller's own thread
            return

        def run_and_free() -> None:
            try:
                _run_logged(what, fn)
            finally:
                self._room.release()

        try:
            self._executor.submit(run_and_free)
        except RuntimeError:  # shutting down: do it here rather than drop it
            self._room.release()
            _run_logged(what, fn)


def _run_logged(what: str, fn: Callable[[], object]) -> None:
    try:
        fn()
    except Exception:
        logger.exception("after acknowledging %s", what)
