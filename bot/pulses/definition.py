"""Creating a pulse: validated against Slack before anything is stored."""

from __future__ import annotations

import re
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.errors import UserFacingError
from bot.services import Services
from storage.engine import session_scope
from storage.models import Metric
from storage.pulses import PulseExists, create_pulse, ensure_respondents, ensure_workspace

USER_ID = re.compile(r"^[UW][A-Z0-9]{2,30}$")
PULSE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.-]{0,79}$")

DEFAULT_QUESTIONS = {
    Metric.NPS: "How likely are you to recommend us to a friend or colleague?",
    Metric.CSAT: "How satisfied are you with our service?",
}
DEFAULT_FOLLOW_UP = "What is the main reason for your score? What should we do better?"


@dataclass(frozen=True)
class Workspace:
    team_id: str
    name: str


def identify_workspace(client: WebClient) -> Workspace:
    """The workspace the bot token belongs to (auth.test)."""
    try:
        answer = client.auth_test()
    except SlackApiError as exc:
        raise UserFacingError(
            f"Slack refused the bot token ({exc.response.get('error')}): check SLACK_BOT_TOKEN"
        ) from None
    return Workspace(team_id=str(answer["team_id"]), name=str(answer.get("team", "")))


def parse_user_ids(raw: str) -> list[str]:
    users = [part.strip() for part in raw.split(",") if part.strip()]
    if not users:
        raise UserFacingError("Name at least one Slack user ID, e.g. --users U012AB3CD,U045EF6GH")
    bad = [user for user in users if not USER_ID.match(user)]
    if bad:
        raise UserFacingError(
            f"Not Slack user IDs: {', '.join(bad[:5])} (they look like U012AB3CD)"
        )
    return list(dict.fromkeys(users))


def _check_user(client: WebClient, user_id: str) -> str | None:
    """The user's time zone; UserFacingError when they cannot be surveyed."""
    try:
        user = client.users_info(user=user_id)["user"]
    except SlackApiError as exc:
        raise UserFacingError(f"{user_id}: Slack says {exc.response.get('error')}") from None
    if user.get("is_bot"):
        raise UserFacingError(f"{user_id} is a bot; pulses go to people")
    if user.get("deleted"):
        raise UserFacingError(f"{user_id} is deactivated in Slack")
    tz = user.get("tz")
    return str(tz) if tz else None


def define_pulse(
    services: Services,
    client: WebClient,
    *,
    name: str,
    metric: Metric,
    user_ids: list[str],
    question: str | None = None,
    follow_up: str | None = None,
) -> int:
    """Create the pulse and its respondents; returns the pulse id. Nothing is stored on error."""
    if not PULSE_NAME.match(name):
        raise UserFacingError(
            "A pulse name is 1–80 letters, digits, spaces, '.', '_' or '-', starting with a "
            "letter or digit"
        )
    question = (question or DEFAULT_QUESTIONS[metric]).strip()
    if not 1 <= len(question) <= 300:
        raise UserFacingError("The question must be 1–300 characters")
    follow_up = (follow_up or DEFAULT_FOLLOW_UP).strip()
    if not 1 <= len(follow_up) <= 150:
        raise UserFacingError("The follow-up question must be 1–150 characters")
    workspace = identify_workspace(client)
    time_zones = {user_id: _check_user(client, user_id) for user_id in user_ids}
    now = services.clock()
    with session_scope(services.engine) as session:
        ensure_workspace(session=session, team_id=workspace.team_id, name=workspace.name, now=now)
        try:
            pulse = create_pulse(
                session=session,
                team_id=workspace.team_id,
                name=name,
                metric=metric,
                question=question,
                follow_up=follow_up,
                audience=user_ids,
                now=now,
            )
        except PulseExists:
            raise UserFacingError(f"A pulse named {name!r} already exists") from None
        respondents = ensure_respondents(
            session=session, team_id=workspace.team_id, user_ids=user_ids, now=now
        )
        for user_id, respondent in respondents.items():
            if respondent.tz is None and time_zones.get(user_id):
                respondent.tz = time_zones[user_id]
                session.add(respondent)
        assert pulse.id is not None
        return pulse.id
