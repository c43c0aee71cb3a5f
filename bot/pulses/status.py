"""How a wave is going: what `pulse status` prints."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.errors import UserFacingError
from bot.core.services import Services
from bot.core.text import fmt_percent
from bot.insights.metrics import response_rate
from storage.deliveries import wave_counts
from storage.engine import session_scope
from storage.models import DeliveryStatus


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

    def report(self) -> str:
        state = "closed" if self.closed else "open"
        lines = [
            f"{self.pulse_name}: wave {self.wave_id} of {self.scheduled_for:%Y-%m-%d %H:%M} UTC "
            f"({state})",
            "  " + self.line(),
        ]
        failures = sorted(self.failures.items())
        lines += [f"  failed: {count} x {reason}" for reason, count in failures]
        return "\n".join(lines)


def wave_status(
    services: Services, *, wave_id: int | None = None, pulse_name: str | None = None
) -> WaveStatus:
    with session_scope(services.engine) as session:
        counts = wave_counts(session=session, wave_id=wave_id, pulse_name=pulse_name)
    if counts is None:
        raise UserFacingError(
            f"No waves yet for {pulse_name!r}" if pulse_name else f"No wave {wave_id}"
        )
    by = counts.by_status
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
    )
