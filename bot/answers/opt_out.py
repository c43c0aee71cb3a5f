"""The "Stop these surveys" button on a pulse: its recipient opts out, under the pulse's team."""

from __future__ import annotations

from dataclasses import dataclass

from bot.answers.recording import check_answerer
from bot.core.errors import UnknownSurvey
from bot.core.services import Services
from storage.deliveries import get_pulse_delivery
from storage.engine import session_scope
from storage.respondents import opt_out_respondent


@dataclass(frozen=True)
class OptedOut:
    # Pressed on a channel post or on someone's private copy of it: the post is shared, so
    # the answer goes to the clicker alone and the post stays for everyone else.
    shared: bool


def opt_out_from_pulse(
    services: Services, *, team_id: str, user_id: str, delivery_id: int
) -> OptedOut:
    """A DM's recipient stops surveys for themselves; on a channel post, whoever presses it.

    Kept under the team that sent the pulse, whichever team the clicker belongs to: that is
    where audiences look for it (a Slack Connect member's own team is not ours).
    """
    with session_scope(services.engine) as session:
        delivery = get_pulse_delivery(session=session, delivery_id=delivery_id)
        if delivery is None:
            raise UnknownSurvey
        if not delivery.is_post:
            check_answerer(delivery, team_id=team_id, user_id=user_id)
        opt_out_respondent(session=session, team_id=delivery.team_id, user_id=user_id,
                           now=services.clock())
    return OptedOut(shared=delivery.is_post or delivery.post_delivery_id is not None)
