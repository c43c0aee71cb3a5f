"""Senders prove they are alive, so a stopped one's claims are settled in seconds.

Every process that sends deliveries (`run`'s delivery loop, `pulse send`) holds a row in
`sender` and beats it every BEAT_SECONDS; the deliveries it claims name it. A sender is judged
stopped when its beats stop for SILENT_AFTER, or at once by a process on the same machine that
sees its process gone (a restart after kill -9). What a stopped sender claimed and never
began to post is free again at once; what it began to post is checked against Slack once
POST_GRACE has passed since that start, by when Slack has made the post or never will.

Why the numbers hold: a sender starts a post only right after writing its start, and retries
a 429 only while its last beat is younger than FRESH_SECONDS (bot.pulses.dispatch), and a post
lasts at most the Web API client's timeout (POST_TIMEOUT_SECONDS). So no post of a sender is
still under way FRESH_SECONDS + POST_TIMEOUT_SECONDS after its last beat, and SILENT_AFTER
adds 4 s for clocks that differ between hosts (keep them synchronised, NTP).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.core.processes import ProcessIdentity, is_gone, this_process
from bot.core.services import Services
from storage.deliveries import free_untried
from storage.engine import session_scope
from storage.models import Sender
from storage.senders import beat, register_sender, remove_sender

logger = logging.getLogger(__name__)

BEAT_SECONDS = 2.0
FRESH_SECONDS = 6.0
POST_TIMEOUT_SECONDS = 10.0  # bot.slack.client.create_web_client's timeout
SILENT_AFTER = timedelta(seconds=FRESH_SECONDS + POST_TIMEOUT_SECONDS + 4)
POST_GRACE = timedelta(seconds=POST_TIMEOUT_SECONDS + 5)
# Beats missed before a sender is shown as silent (not yet judged stopped).
QUIET_AFTER = timedelta(seconds=2 * BEAT_SECONDS + 1)


class Liveness(StrEnum):
    SENDING = "sending"  # beating
    SILENT = "silent"  # missed a few beats; judged stopped once SILENT_AFTER has passed
    STOPPED = "stopped"  # its process is gone, its beats stopped SILENT_AFTER ago, or no row


@dataclass(frozen=True)
class Judgement:
    liveness: Liveness
    stopped_from: datetime | None  # when it counts as stopped (None: not while it beats)
    why: str  # how it was judged, for the operator


def judge(sender: Sender | None, *, now: datetime, here: ProcessIdentity) -> Judgement:
    """What another process can tell of `sender` (None: its row is gone)."""
    if sender is None:
        return Judgement(Liveness.STOPPED, None, "no longer registered")
    identity = ProcessIdentity(sender.host, sender.pid, sender.machine, sender.process_start)
    if is_gone(identity, here):
        return Judgement(Liveness.STOPPED, sender.beat_at, "its process has ended")
    silent_for = now - sender.beat_at
    stopped_from = sender.beat_at + SILENT_AFTER
    if silent_for >= SILENT_AFTER:
        return Judgement(Liveness.STOPPED, stopped_from,
                         f"silent for {_seconds(silent_for)}")
    if silent_for >= QUIET_AFTER:
        return Judgement(Liveness.SILENT, stopped_from, f"silent for {_seconds(silent_for)}")
    return Judgement(Liveness.SENDING, None, f"last heard {_seconds(silent_for)} ago")


def _seconds(span: timedelta) -> str:
    return f"{max(span.total_seconds(), 0):.0f} s"


class SenderLease:
    """This process's standing as a sender: its row, beaten by a thread of its own.

    `fresh()` says whether its last beat landed within FRESH_SECONDS; a sender that is not
    fresh must not start or retry a post (others may soon judge it stopped).
    """

    def __init__(self, services: Services, *, identity: ProcessIdentity | None = None,
                 monotonic: Callable[[], float] = time.monotonic,
                 beat_every: float = BEAT_SECONDS) -> None:
        self.id = uuid.uuid4().hex
        self.identity = identity or this_process()
        self._services = services
        self._monotonic = monotonic
        self._beat_every = beat_every
        self._last_beat: float | None = None
        self._beaten = threading.Condition()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> SenderLease:
        if self._thread is not None:
            return self
        self._register()
        self._stop.clear()
        self._thread = threading.Thread(target=self._beat_loop, name="sender-heartbeat",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop beating, free what this sender claimed and never tried, remove its row."""
        if self._thread is None:
            return
        self._stop.set()
        self._thread.join(timeout=10)
        self._thread = None
        try:
            with session_scope(self._services.engine) as session:
                free_untried(session=session, holders=[self.id])
                remove_sender(session=session, sender_id=self.id)
        except Exception as error:  # the database away at shutdown: others judge us stopped
            logger.warning("sender %s could not sign off (%s); its claims are settled by the "
                           "next sender", self.id[:8], type(error).__name__)

    def __enter__(self) -> SenderLease:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def fresh(self) -> bool:
        last = self._last_beat
        return last is not None and self._monotonic() - last < FRESH_SECONDS

    def wait_fresh(self, timeout: float) -> bool:
        """Block until a beat lands (at most `timeout` s) if the last one is not fresh."""
        deadline = self._monotonic() + timeout
        with self._beaten:
            while not self.fresh():
                left = deadline - self._monotonic()
                if left <= 0 or self._stop.is_set():
                    return False
                self._beaten.wait(min(left, BEAT_SECONDS))
        return True

    def _register(self) -> None:
        now = self._services.clock()
        started = self._monotonic()
        with session_scope(self._services.engine) as session:
            register_sender(session=session, sender=Sender(
                id=self.id, host=self.identity.host[:255], pid=self.identity.pid,
                machine=self.identity.machine, process_start=self.identity.started,
                started_at=now, beat_at=now))
        self._beat_landed(started)

    def _beat_loop(self) -> None:
        while not self._stop.wait(self._beat_every):
            started = self._monotonic()
            try:
                with session_scope(self._services.engine) as session:
                    alive = beat(session=session, sender_id=self.id, now=self._services.clock())
                if not alive:
                    # Judged stopped while it could not beat (a long outage): its claims were
                    # freed or settled then; it comes back as a sender with none.
                    logger.warning("sender %s was judged stopped by another process; "
                                   "registering again", self.id[:8])
                    self._register()
                    continue
            except Exception as error:  # the worker's own loop reports database outages
                logger.debug("sender %s missed a beat: %s", self.id[:8], type(error).__name__)
                continue
            # Freshness counts from before the write: a beat that took long to land proves
            # only that the sender was alive when it began.
            self._beat_landed(started)

    def _beat_landed(self, started: float) -> None:
        with self._beaten:
            self._last_beat = started
            self._beaten.notify_all()
