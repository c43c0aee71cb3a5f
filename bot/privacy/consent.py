"""Consent: customers stop (and restart) surveys themselves."""

from __future__ import annotations

from bot.core.services import Services
from storage.engine import session_scope
from storage.respondents import get_respondent, set_opted_out


def set_consent(services: Services, *, team_id: str, user_id: str, opted_out: bool) -> bool:
    """From App Home; False when this person has never been surveyed here."""
    with session_scope(services.engine) as session:
        return set_opted_out(session=session, team_id=team_id, user_id=user_id, opted_out=opted_out)


def is_opted_out(services: Services, *, team_id: str, user_id: str) -> bool:
    with session_scope(services.engine) as session:
        respondent = get_respondent(session=session, team_id=team_id, user_id=user_id)
        return bool(respondent and respondent.opted_out)
