"""One chat.postMessage rate per workspace for all replicas: SLACK_POST_RATE, shared through
the database (storage.post_rates), so N replicas together post at it, not N times it."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from bot.core.services import Services
from bot.pulses.pacing import SharedPacer
from storage.engine import session_scope
from storage.post_rates import Slots, pause_posting, take_slots

# Slots taken per database round trip: a fifth of a second's worth. Fewer would touch the
# database more often (at 50/s, 5 times a second per replica as it is); more would leave more
# slots unused when a replica's share of a wave ends, and let more of them fall inside a pause
# another replica learns of from Slack (those it already holds still go).
BATCH_SECONDS = 0.2
# At high rates a fifth of a second is more slots than a process's four senders can post in
# it; those it lets go are lost to the other replicas, who wait for slots after them.
MAX_BATCH = 10
# A slot missed by more than one interval is let go (see SharedPacer).
LATE_INTERVALS = 0.5
# A bot-token deployment posts to one workspace, whose id it may not know yet.
ONE_WORKSPACE = ""


def batch_for(rate: float) -> int:
    return max(1, min(MAX_BATCH, math.floor(rate * BATCH_SECONDS)))


def shared_pacer(services: Services, team_id: str | None, *,
                 clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], None] = time.sleep) -> SharedPacer:
    """The pacer for posting to `team_id` (None: the bot token's workspace), at
    SLACK_POST_RATE for every replica together. `clock` is seconds since the epoch, the same
    on every replica."""
    rate = services.settings.slack_post_rate
    key = team_id or ONE_WORKSPACE
    engine = services.engine

    def take(count: int) -> Slots:
        with session_scope(engine) as session:
            return take_slots(session=session, key=key, now=clock(), rate=rate, count=count)

    def pause(seconds: float) -> None:
        with session_scope(engine) as session:
            pause_posting(session=session, key=key, now=clock(), retry_after=seconds)

    return SharedPacer(take, pause=pause, batch=batch_for(rate), late=LATE_INTERVALS / rate,
                       clock=clock, sleep=sleep)
