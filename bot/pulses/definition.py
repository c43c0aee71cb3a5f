"""Creating a pulse: validated against Slack before anything is stored."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot.core.errors import UserFacingError
from bot.core.ids import USER_ID
from bot.core.services import Services
from bot.core.text import plural
from bot.pulses.audience import (
    Audience,
    InvalidAudience,
    audience_of,
    check_channel,
    check_usergroup,
)
from bot.pulses.schedule import (
    InvalidSchedule,
    check_local_time,
    check_timezone,
    normalise_schedule,
)
from bot.workspaces.installations import identify_workspace
from storage.engine import session_scope
from storage.models import Metric, Pulse, PulseMetric, PulseStatus
from storage.pulses import PulseExists, PulsePolicy, create_pulse, delete_pulse, get_pulse
from storage.respondents import ensure_respondents
from storage.workspaces import ensure_workspace

PULSE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.-]{0,79}$")

DEFAULT_QUESTIONS = {
    Metric.NPS: "How likely are you to recommend us to a friend or colleague?",
    Metric.CSAT: "How satisfied are you with our service?",
}
DEFAULT_FOLLOW_UP = "What is the main reason for your score? What should we do better?"
# Survey fatigue: loyalty moves slowly, so NPS is asked at most quarterly by default; CSAT is
# about recent experiences and may be asked monthly.
DEFAULT_MIN_INTERVAL_DAYS = {Metric.NPS: 90, Metric.CSAT: 30}


class InvalidField(UserFacingError):
    """A pulse setting is wrong; `field` names it so a form can show the message beside it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def validate_policy(
    *,
    metric: Metric | PulseMetric,
    schedule: str | None = None,
    timezone: str = "UTC",
    min_interval_days: int | None = None,
    remind_after_hours: int | None = 48,
    close_after_days: int = 7,
    local_time: str | None = None,
) -> PulsePolicy:
    """Check every scheduling setting; the first wrong one raises InvalidField."""
    try:
        check_timezone(timezone)
    except InvalidSchedule as exc:
        raise InvalidField("timezone", str(exc)) from None
    line = None
    if schedule is not None and schedule.strip():
        try:
            line = normalise_schedule(schedule)
        except InvalidSchedule as exc:
            raise InvalidField("schedule", str(exc)) from None
    local = None
    if local_time is not None and local_time.strip():
        try:
            local = check_local_time(local_time)
        except InvalidSchedule as exc:
            raise InvalidField("local_time", str(exc)) from None
    default = max(DEFAULT_MIN_INTERVAL_DAYS[m] for m in PulseMetric(metric.value).metrics)
    interval = default if min_interval_days is None else min_interval_days
    if not 0 <= interval <= 366:
        raise InvalidField("min_interval_days", "The minimum interval must be 0–366 days")
    if not 1 <= close_after_days <= 60:
        raise InvalidField("close_after_days", "A wave must stay open 1–60 days")
    if remind_after_hours is not None and remind_after_hours <= 0:
        remind_after_hours = None  # 0 means "no reminder"
    if remind_after_hours is not None and remind_after_hours >= close_after_days * 24:
        raise InvalidField(
            "remind_after_hours",
            f"The reminder ({remind_after_hours} h) must come before the wave closes "
            f"({plural(close_after_days, 'day')})",
        )
    return PulsePolicy(
        schedule=line,
        timezone=timezone,
        min_interval_days=interval,
        remind_after_hours=remind_after_hours,
        close_after_days=close_after_days,
        local_time=local,
    )


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


def _wording(
    metric: PulseMetric, question: str | None, follow_up: str | None
) -> tuple[str, str]:
    question = (question or DEFAULT_QUESTIONS[metric.metrics[0]]).strip()
    if not 1 <= len(question) <= 300:
        raise InvalidField("question", "The question must be 1–300 characters")
    follow_up = (follow_up or DEFAULT_FOLLOW_UP).strip()
    if not 1 <= len(follow_up) <= 150:
        raise InvalidField("follow_up", "The follow-up question must be 1–150 characters")
    return question, follow_up


def _check_audience(
    client: WebClient, audience: Audience, policy: PulsePolicy
) -> dict[str, str | None]:
    """Every named user, channel and user group checked with Slack; the users' time zones."""
    if audience.empty:
        raise InvalidField(
            "audience",
            "Choose who receives it: named users, a channel, a user group, imported customers, "
            "or a post in a channel",
        )
    if audience.post_channel is not None:
        _check_post(audience, policy)
        try:
            check_channel(client, audience.post_channel)
        except InvalidAudience as exc:
            raise InvalidField("post_channel", str(exc)) from None
        return {}
    if audience.channel is not None:
        try:
            check_channel(client, audience.channel)
        except InvalidAudience as exc:
            raise InvalidField("channel", str(exc)) from None
    if audience.usergroup is not None:
        try:
            check_usergroup(client, audience.usergroup)
        except InvalidAudience as exc:
            raise InvalidField("usergroup", str(exc)) from None
    return {user_id: _check_user(client, user_id) for user_id in audience.users}


def _csat_wording(metric: PulseMetric, csat_question: str | None) -> str | None:
    if metric is not PulseMetric.BOTH:
        if csat_question:
            raise InvalidField(
                "csat_question", "A second question is for pulses that ask both NPS and CSAT"
            )
        return None
    wording = (csat_question or DEFAULT_QUESTIONS[Metric.CSAT]).strip()
    if not 1 <= len(wording) <= 300:
        raise InvalidField("csat_question", "The CSAT question must be 1–300 characters")
    return wording


def _check_post(audience: Audience, policy: PulsePolicy) -> None:
    """A channel post is one message for everyone there: the per-person settings cannot apply."""
    if audience.users or audience.channel or audience.segment is not None or audience.usergroup:
        raise InvalidField(
            "post_channel",
            "A post in a channel is the whole audience: it cannot be combined with DMs",
        )
    if policy.local_time:
        raise InvalidField(
            "local_time", "A channel post goes out once, at the wave's time, not in each time zone"
        )
    if policy.remind_after_hours:
        raise InvalidField(
            "remind_after_hours",
            "A channel post cannot remind the people who did not answer: set reminders to 0",
        )


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
    metric: Metric | PulseMetric,
    user_ids: list[str] | None = None,
    audience: Audience | None = None,
    question: str | None = None,
    follow_up: str | None = None,
    policy: PulsePolicy | None = None,
    anonymous: bool = False,
    csat_question: str | None = None,
) -> int:
    """Create the pulse and its respondents; returns the pulse id. Nothing is stored on error."""
    policy = policy or validate_policy(metric=metric)
    if not PULSE_NAME.match(name):
        raise InvalidField("name",
            "A pulse name is 1–80 letters, digits, spaces, '.', '_' or '-', starting with a "
            "letter or digit",
        )
    asked = PulseMetric(metric.value)
    question, follow_up = _wording(asked, question, follow_up)
    second = _csat_wording(asked, csat_question)
    audience = audience or Audience(users=list(user_ids or []))
    workspace = identify_workspace(client)
    time_zones = _check_audience(client, audience, policy)
    user_ids = audience.users
    now = services.clock()
    with session_scope(services.engine) as session:
        ensure_workspace(session=session, team_id=workspace.team_id, name=workspace.name, now=now)
        try:
            pulse = create_pulse(
                session=session,
                team_id=workspace.team_id,
                name=name,
                metric=asked,
                question=question,
                csat_question=second,
                follow_up=follow_up,
                audience=user_ids,
                audience_channel=audience.channel,
                audience_segment=audience.segment,
                audience_usergroup=audience.usergroup,
                post_channel=audience.post_channel,
                anonymous=anonymous,
                now=now,
                policy=policy,
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


@dataclass(frozen=True)
class PulseChanges:
    """An edit: None leaves a setting as it is."""

    question: str | None = None
    follow_up: str | None = None
    audience: Audience | None = None  # replaces the whole audience
    schedule: str | None = None  # "" removes the schedule
    timezone: str | None = None
    min_interval_days: int | None = None
    remind_after_hours: int | None = None  # 0 turns reminders off
    close_after_days: int | None = None
    local_time: str | None = None  # "" sends at the wave's time again


def edit_pulse(
    services: Services, client: WebClient, *, team_id: str, name: str, changes: PulseChanges
) -> None:
    """Apply the changes after validating all of them; nothing changes on error."""
    with session_scope(services.engine) as session:
        pulse = _existing(session, team_id, name)
        metric = PulseMetric(pulse.metric)
        policy = validate_policy(
            metric=metric,
            schedule=pulse.schedule if changes.schedule is None else changes.schedule,
            timezone=changes.timezone or pulse.timezone,
            min_interval_days=(
                pulse.min_interval_days
                if changes.min_interval_days is None
                else changes.min_interval_days
            ),
            remind_after_hours=(
                pulse.remind_after_hours
                if changes.remind_after_hours is None
                else changes.remind_after_hours
            ),
            close_after_days=(
                pulse.close_after_days
                if changes.close_after_days is None
                else changes.close_after_days
            ),
            local_time=pulse.local_time if changes.local_time is None else changes.local_time,
        )
        question, follow_up = _wording(
            metric, changes.question or pulse.question, changes.follow_up or pulse.follow_up
        )
        audience = changes.audience
        if audience is None and pulse.post_channel:
            audience = audience_of(pulse)  # new reminder or local-time settings must suit a post
    time_zones = _check_audience(client, audience, policy) if audience else {}
    now = services.clock()
    with session_scope(services.engine) as session:
        pulse = _existing(session, team_id, name)
        pulse.question, pulse.follow_up = question, follow_up
        for key, value in asdict(policy).items():
            setattr(pulse, key, value)
        if changes.audience is not None:
            pulse.audience = list(changes.audience.users)
            pulse.audience_channel = changes.audience.channel
            pulse.audience_segment = changes.audience.segment
            pulse.audience_usergroup = changes.audience.usergroup
            pulse.post_channel = changes.audience.post_channel
            respondents = ensure_respondents(
                session=session, team_id=team_id, user_ids=changes.audience.users, now=now
            )
            for user_id, respondent in respondents.items():
                if respondent.tz is None and time_zones.get(user_id):
                    respondent.tz = time_zones[user_id]
                    session.add(respondent)
        session.add(pulse)


def set_pulse_status(services: Services, *, team_id: str, name: str, status: PulseStatus) -> None:
    """Pause, resume or delete (deleting keeps its answers in the reports)."""
    with session_scope(services.engine) as session:
        pulse = _existing(session, team_id, name)
        if status is PulseStatus.DELETED:
            delete_pulse(session=session, pulse=pulse)
        else:
            pulse.status = status
            session.add(pulse)


def _existing(session: Session, team_id: str, name: str) -> Pulse:
    pulse = get_pulse(session=session, name=name, team_id=team_id)
    if pulse is None:
        raise UserFacingError(f"No pulse named {name!r}: `pulse list` shows them")
    return pulse
