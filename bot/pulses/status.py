"""How a wave is going: what `pulse status` and `pulse send` print.

Besides the counts, what is being sent right now and by whom: each sender holding part of the
wave, whether it still beats, and when what it holds will be settled if it has stopped.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.errors import UserFacingError
from bot.core.processes import this_process
from bot.core.services import Services
from bot.core.text import fmt_percent
from bot.insights.metrics import response_rate
from bot.pulses.schedule import schedule_text
from bot.pulses.senders import POST_GRACE, Judgement, Liveness, judge
from bot.workspaces.token_refusals import Refusal, refusals_for
from storage.deliveries import Claim, Waiting, wave_claims, wave_counts, wave_waiting
from storage.engine import session_scope
from storage.models import DeliveryStatus, Sender
from storage.pulses import get_pulse
from storage.senders import senders

# Who settles a stopped sender's claims: any sender, when it next looks.
SETTLED_BY = "by the next sender to look (`run` every 5 s, or `pulse send`)"


@dataclass(frozen=True)
class Hold:
    """Deliveries of the wave one sender holds now."""

    holder: str  # "host pid 123", or what stands for a sender that names none
    judgement: Judgement | None  # None: claims that name no sender
    untried: int  # claimed, not yet begun: free again at once if the sender stopped
    tried: int  # begun: may be in Slack, so checked there before anything is sent again
    checked_from: datetime | None  # when the tried ones may be looked up in Slack

    @property
    def live(self) -> bool:
        return self.judgement is not None and self.judgement.liveness is Liveness.SENDING

    def settled_from(self, now: datetime) -> datetime | None:
        """When everything held here can be settled; None while its sender beats."""
        if self.judgement is None:
            return self.checked_from or now
        how = self.judgement
        if how.liveness is Liveness.SENDING:
            return None
        stopped = (how.stopped_from or now) if how.liveness is Liveness.SILENT else now
        if self.tried and self.checked_from is not None:
            return max(stopped, self.checked_from)
        return stopped

    def line(self, now: datetime) -> str:
        count = self.untried + self.tried
        if self.judgement is None:
            return (f"{count} claimed by a sender that names none (one of an earlier version, "
                    f"or one that could not tell whether Slack posted them): checked against "
                    f"Slack from {_when(self.checked_from or now, now)}, {SETTLED_BY}")
        how = self.judgement
        if how.liveness is Liveness.SENDING:
            return f"{count} being sent by {self.holder} ({how.why})"
        plan = []
        if self.untried:
            plan.append(f"{self.untried} never tried are queued again at once")
        if self.tried:
            at = max(self.checked_from or now, how.stopped_from or now)
            plan.append(f"{self.tried} begun are checked against Slack from {_when(at, now)}")
        then = " and ".join(plan) + f", {SETTLED_BY}"
        if how.liveness is Liveness.SILENT:
            return (f"{count} held by {self.holder}, {how.why}; if it does not beat again it "
                    f"counts as stopped at {_when(how.stopped_from or now, now)}: then {then}")
        return f"{count} held by {self.holder}, which has stopped ({how.why}): {then}"


def _when(at: datetime, now: datetime) -> str:
    left = (at - now).total_seconds()
    return f"{at:%H:%M:%S} UTC" + (f" (in {left:.0f} s)" if left >= 0.5 else " (now)")


@dataclass(frozen=True)
class WaveStatus:
    wave_id: int
    pulse_name: str
    scheduled_for: datetime
    closed: bool
    sent: int
    pending: int  # waiting or being sent right now
    failed: int
    failures: dict[str, int]
    answered: int
    now: datetime | None = None
    holds: tuple[Hold, ...] = ()
    refusals: tuple[Refusal, ...] = ()
    oauth: bool = False
    waiting: tuple[Waiting, ...] = ()  # pending, by the reason their last attempt failed
    schedule: str | None = None  # the pulse's, as people write it; None when sent by hand

    @property
    def total(self) -> int:
        return self.sent + self.pending + self.failed

    @property
    def done(self) -> int:
        return self.sent + self.failed

    @property
    def response_rate(self) -> float | None:
        return response_rate(self.answered, self.sent)

    def line(self) -> str:
        return (
            f"sent {self.sent}, pending {self.pending}, failed {self.failed}, "
            f"answered {self.answered} ({fmt_percent(self.response_rate)} response rate)"
        )

    def held_lines(self) -> list[str]:
        """Who holds what is pending, and why what is waiting waits."""
        now = self.now or self.scheduled_for
        lines = [f"  held: {hold.line(now)}" for hold in self.holds]
        for waiting in self._queued():
            if waiting.next_at <= now:
                continue  # due: whoever sends next takes it
            why = ("not due yet (sent at each person's local time)" if waiting.error is None
                   else f"to be tried again after {waiting.error}")
            lines.append(f"  waiting: {waiting.count} {why}, the first at "
                         f"{_when(waiting.next_at, now)}, {SETTLED_BY}")
        lines += [f"  {refusal.describe(oauth=self.oauth)}" for refusal in self.refusals]
        return lines

    def _queued(self) -> list[Waiting]:
        """Pending deliveries that wait on time, not on a refused token."""
        if self.refusals:
            return []
        return [w for w in self.waiting if not (w.error or "").startswith("waiting: ")]

    def next_settlement(self) -> datetime | None:
        """The soonest moment something pending can move: a stopped sender's claims settled,
        or a delivery's next attempt due. None while only live senders hold what is pending."""
        now = self.now or self.scheduled_for
        times = [t for hold in self.holds if (t := hold.settled_from(now)) is not None]
        times += [waiting.next_at for waiting in self._queued()]
        return min(times, default=None)

    def report(self) -> str:
        state = "closed" if self.closed else "open"
        lines = [
            f"{self.pulse_name}: wave {self.wave_id} of {self.scheduled_for:%Y-%m-%d %H:%M} UTC "
            f"({state}) · {self.schedule or 'sent by hand'}",
            "  " + self.line(),
        ]
        failures = sorted(self.failures.items())
        lines += [f"  failed: {count} x {reason}" for reason, count in failures]
        lines += self.held_lines()
        return "\n".join(lines)


def wave_status(
    services: Services, *, wave_id: int | None = None, pulse_name: str | None = None
) -> WaveStatus:
    now = services.clock()
    with session_scope(services.engine) as session:
        counts = wave_counts(session=session, wave_id=wave_id, pulse_name=pulse_name)
        if counts is None:
            raise UserFacingError(
                f"No waves yet for {pulse_name!r}" if pulse_name else f"No wave {wave_id}"
            )
        claims = wave_claims(session=session, wave_id=counts.wave_id)
        waiting = wave_waiting(session=session, wave_id=counts.wave_id)
        registered = {sender.id: sender for sender in senders(session=session)}
        pulse = get_pulse(session=session, name=counts.pulse_name, team_id=counts.team_id)
        schedule = (f"{schedule_text(pulse.schedule)} ({pulse.timezone})"
                    if pulse is not None and pulse.schedule else None)
    by = counts.by_status
    refusals = tuple(refusals_for(services, team_id=counts.team_id)) if by[
        DeliveryStatus.PENDING] else ()
    return WaveStatus(
        wave_id=counts.wave_id,
        pulse_name=counts.pulse_name,
        scheduled_for=counts.scheduled_for,
        closed=counts.closed,
        sent=by[DeliveryStatus.SENT],
        pending=by[DeliveryStatus.PENDING] + by[DeliveryStatus.SENDING],
        failed=by[DeliveryStatus.FAILED],
        failures=counts.failures,
        answered=counts.answered,
        now=now,
        holds=holds_of(claims, registered, now=now, lease=services.settings.delivery_lease_seconds),
        refusals=refusals,
        oauth=services.settings.oauth_enabled,
        waiting=tuple(waiting),
        schedule=schedule,
    )


def holds_of(claims: list[Claim], registered: dict[str, Sender], *, now: datetime,
             lease: int) -> tuple[Hold, ...]:
    """The claims grouped by sender, each judged as a sender settling them would judge it."""
    here = this_process()
    grouped: dict[str | None, list[Claim]] = defaultdict(list)
    for claim in claims:
        # A sender gave up the ones it tried and could not settle: anyone's after the grace.
        grouped[claim.claimed_by].append(claim)
    holds = []
    for holder, held in grouped.items():
        tried = [c for c in held if c.post_started_at is not None or holder is None]
        started = [c.post_started_at for c in tried if c.post_started_at is not None]
        checked_from = max(started) + POST_GRACE if started else None
        if holder is None:
            legacy = [c.claimed_at for c in held if c.post_started_at is None and c.claimed_at]
            if legacy:
                after_lease = max(legacy) + timedelta(seconds=lease)
                checked_from = max(checked_from or after_lease, after_lease)
            holds.append(Hold("a sender that names none", None, 0, len(held), checked_from))
            continue
        sender = registered.get(holder)
        name = (f"{sender.host} pid {sender.pid}" if sender is not None
                else f"sender {holder[:8]}")
        holds.append(Hold(name, judge(sender, now=now, here=here), len(held) - len(tried),
                          len(tried), checked_from))
    return tuple(sorted(holds, key=lambda hold: hold.holder))
