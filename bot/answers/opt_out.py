"""The "Stop these surveys" button on a pulse: its recipient opts out, under the pulse's team."""

from __future__ import annotations

from bot.answers.recording import authorised_delivery
from bot.core.services import Services
from storage.engine import session_scope
from storage.pulses import set_opted_out


def opt_out_from_pulse(services: Services, *, team_id: str, user_id: str, delivery_id: int) -> None:
    """The "Stop these surveys" button: only the pulse's recipient can press it for themselves."""
    authorised_delivery(services, delivery_id=delivery_id, team_id=team_id, user_id=user_id)
    with session_scope(services.engine) as session:
        set_opted_out(session=session, team_id=team_id, user_id=user_id, opted_out=True)
