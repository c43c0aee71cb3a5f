"""`pulse send`: a wave sent now, waiting a little for what a stopped sender left of it.

After a kill -9 and a restart, part of the wave is still claimed by the sender that died. On
the same machine it is known to be gone at once; from elsewhere once it has been silent for
SILENT_AFTER. Either way its claims are settled within LONGEST_WAIT of its last beat, so
`pulse send` waits for them rather than leave the operator with "pending" and no way to tell
whether it will ever move; and for deliveries whose next attempt (after a 5xx, say) falls
within that time. A sender that still beats (another replica sending its share) is not waited
for, nor what is due later than that (local send times, long backoffs): the command says when.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from slack_sdk import WebClient

from bot.core.services import Services
from bot.pulses.dispatch import DispatchSummary, deliver_due
from bot.pulses.senders import POST_GRACE, SILENT_AFTER, SenderLease
from bot.pulses.status import WaveStatus, wave_status

# A sender judged stopped SILENT_AFTER after its last beat; what it had begun, checked
# POST_GRACE after it began (no later than its last beat).
LONGEST_WAIT = SILENT_AFTER + POST_GRACE
# After the moment something becomes settleable, so the clock has surely passed it.
MARGIN_SECONDS = 0.5


def send_wave(
    services: Services,
    client: WebClient,
    *,
    wave_id: int,
    team_id: str | None,
    on_wait: Callable[[WaveStatus, float], None],
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[DispatchSummary, WaveStatus]:
    """Send the wave's due deliveries, then settle and send what stopped senders held and what
    falls due again, waiting at most LONGEST_WAIT; `on_wait(status, seconds)` before each wait."""
    summary = DispatchSummary()
    deadline = services.clock() + LONGEST_WAIT
    with SenderLease(services) as lease:
        recheck = True  # an operator asking to send: put a refused token to Slack again
        while True:
            summary.add(deliver_due(services, client, wave_id=wave_id, team_id=team_id,
                                    lease=lease, recheck_token=recheck))
            recheck = False
            status = wave_status(services, wave_id=wave_id)
            due = status.next_settlement()
            if summary.stopped is not None or due is None or due > deadline:
                return summary, status
            wait = max((due - services.clock()).total_seconds(), 0.0) + MARGIN_SECONDS
            on_wait(status, wait)
            sleep(wait)
