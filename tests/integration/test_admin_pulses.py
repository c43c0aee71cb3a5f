"""Admins manage pulses from Slack: /engagement pulse ..., and the New pulse modal."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.core import ids
from bot.sandbox.client import SignedSlackClient, SlackClient
from bot.sandbox.slack_api import SlackSandbox
from storage.models import Pulse, PulseStatus
from tests.conftest import BOTH_TRANSPORTS, CUSTOMERS, STAFF

ADMIN = "U0ADMIN"
FIELD = ids.PULSE_FIELD_BLOCKS


@pytest.fixture(autouse=True)
def _admin(sandbox: SlackSandbox) -> None:
    sandbox.add_user(ADMIN, name="admin", real_name="Ada Admin", is_admin=True)


def _pulses(engine: Engine) -> list[Pulse]:
    with Session(engine) as session:
        return list(session.exec(select(Pulse)).all())


def _open_modal(sandbox: SlackSandbox, slack: SignedSlackClient) -> dict[str, Any]:
    reply = slack.slash_command(ADMIN, "pulse new")
    assert reply.status == 200
    return sandbox.calls("views.open")[-1].response["view"]


def _form(**changes: Any) -> dict[str, dict[str, Any]]:
    values: dict[str, Any] = {
        "name": "weekly-csat", "metric": "csat", "users": list(CUSTOMERS[:2]),
        "schedule": "weekly", "timezone": "Europe/Paris",
    } | changes
    return {FIELD[key]: {FIELD[key]: value} for key, value in values.items()}


@BOTH_TRANSPORTS
def test_an_admin_creates_a_scheduled_pulse_from_the_modal(
    sandbox: SlackSandbox, slack: SlackClient, engine: Engine
) -> None:
    view = _open_modal(sandbox, slack)

    reply = slack.submit_view(ADMIN, view, _form())

    assert (reply.status, reply.text) == (200, "")
    [pulse] = _pulses(engine)
    assert (pulse.name, pulse.metric, pulse.audience) == ("weekly-csat", "csat",
                                                          list(CUSTOMERS[:2]))
    assert (pulse.schedule, pulse.timezone) == ("0 9 * * MON", "Europe/Paris")
    confirmation = sandbox.calls("chat.postMessage")[-1]
    assert confirmation.args["channel"] == ADMIN
    assert "/engagement pulse send weekly-csat" in confirmation.args["text"]
    assert "it also goes out weekly (Europe/Paris)." in confirmation.args["text"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"schedule": "sometimes"}, "schedule", "is not a schedule"),
        ({"timezone": "Mars/Olympus"}, "timezone", "Unknown time zone"),
        ({"users": []}, "users", "Choose who receives it"),
        ({"name": "  "}, "name", "pulse name"),
        ({"channel": "C0NOPE"}, "channel", "channel_not_found"),
    ],
)
def test_a_wrong_field_is_reported_beside_it_and_nothing_is_saved(
    sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine,
    changes: dict[str, Any], field: str, message: str,
) -> None:
    view = _open_modal(sandbox, slack)

    reply = slack.submit_view(ADMIN, view, _form(**changes))

    body = reply.json()
    assert body["response_action"] == "errors"
    assert message in body["errors"][FIELD[field]]
    assert _pulses(engine) == []


def test_people_who_are_not_admins_can_do_none_of_it(
    sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine
) -> None:
    view = _open_modal(sandbox, slack)
    for text in ("pulse new", "pulse list", "pulse send x", "pulse pause x", "pulse delete x"):
        reply = slack.slash_command(STAFF, text)
        assert "Only admins can manage pulses" in reply.json()["text"], text

    forged = slack.submit_view(STAFF, view, _form())

    assert "Only admins" in forged.json()["errors"][FIELD["name"]]
    assert len(sandbox.calls("views.open")) == 1
    assert _pulses(engine) == []


def test_list_send_pause_resume_and_delete(
    sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine
) -> None:
    slack.submit_view(ADMIN, _open_modal(sandbox, slack), _form(name="q4 nps", metric="nps",
                                                                schedule=None))

    listed = str(slack.slash_command(ADMIN, "pulse list").json()["blocks"])
    sent = slack.slash_command(ADMIN, "pulse send q4 nps").json()["text"]
    paused = slack.slash_command(ADMIN, "pulse pause q4 nps").json()["text"]
    status_after_pause = _pulses(engine)[0].status
    slack.slash_command(ADMIN, "pulse resume q4 nps")
    status_after_resume = _pulses(engine)[0].status
    deleted = slack.slash_command(ADMIN, "pulse delete q4 nps").json()["text"]
    unknown = slack.slash_command(ADMIN, "pulse pause q4 nps").json()["text"]

    assert "*q4 nps* · NPS · active" in listed
    assert "by hand" in listed
    assert "going out to 2 people" in sent
    assert "paused" in paused
    assert status_after_pause == PulseStatus.PAUSED
    assert status_after_resume == PulseStatus.ACTIVE
    assert "answers it collected stay" in deleted
    assert "No pulse named 'q4 nps'" in unknown


def test_the_home_tab_offers_new_pulse_to_admins_only(
    sandbox: SlackSandbox, slack: SignedSlackClient
) -> None:
    slack.event({"type": "app_home_opened", "tab": "home", "user": STAFF})
    slack.event({"type": "app_home_opened", "tab": "home", "user": ADMIN})

    staff_home, admin_home = sandbox.home_view(STAFF), sandbox.home_view(ADMIN)
    assert staff_home is not None
    assert admin_home is not None
    assert ids.NEW_PULSE_ACTION not in str(staff_home)
    slack.click_home(ADMIN, admin_home, ids.NEW_PULSE_ACTION)
    assert sandbox.calls("views.open")[-1].args["view"]["callback_id"] == ids.NEW_PULSE_MODAL


def test_the_modal_sets_everything_the_cli_can(
    sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine
) -> None:
    sandbox.add_usergroup("S0CSM", handle="csm", users=[CUSTOMERS[2]])
    view = _open_modal(sandbox, slack)

    reply = slack.submit_view(ADMIN, view, _form(
        metric="both", csat_question="How was your onboarding?", usergroup="S0CSM",
        customers=["yes"], segment="plan=enterprise", local_time="09:30",
        remind_after_hours="24", close_after_days="5", min_interval_days="60",
        anonymous=["yes"],
    ))

    assert (reply.status, reply.text) == (200, "")
    [pulse] = _pulses(engine)
    assert (pulse.metric, pulse.csat_question) == ("both", "How was your onboarding?")
    assert (pulse.audience, pulse.audience_usergroup) == (list(CUSTOMERS[:2]), "S0CSM")
    assert pulse.audience_segment == {"plan": "enterprise"}
    assert (pulse.local_time, pulse.remind_after_hours, pulse.close_after_days) == ("09:30", 24, 5)
    assert (pulse.min_interval_days, pulse.anonymous) == (60, True)


def test_untouched_settings_keep_their_defaults(
    sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine
) -> None:
    slack.submit_view(ADMIN, _open_modal(sandbox, slack), _form(metric="nps"))

    [pulse] = _pulses(engine)
    assert (pulse.remind_after_hours, pulse.close_after_days, pulse.min_interval_days) == (
        48, 7, 90
    )
    assert (pulse.anonymous, pulse.audience_segment, pulse.post_channel) == (False, None, None)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"segment": "plan=enterprise"}, "segment", "tick them"),
        ({"customers": ["yes"], "segment": "plan"}, "segment", "attribute=value"),
        ({"usergroup": "S0NOPE"}, "usergroup", "no_such_subteam"),
        ({"csat_question": "Happy?"}, "csat_question", "both NPS and CSAT"),
        ({"post_channel": "C0SHARED"}, "post_channel", "cannot be combined"),
        ({"users": [], "post_channel": "C0SHARED"}, "remind_after_hours", "reminders to 0"),
        ({"remind_after_hours": "200", "close_after_days": "3"}, "remind_after_hours",
         "before the wave closes"),
    ],
)
def test_a_wrong_new_field_is_reported_beside_it(
    sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine,
    changes: dict[str, Any], field: str, message: str,
) -> None:
    sandbox.add_channel("C0SHARED", name="acme-shared", members=[CUSTOMERS[0]])
    reply = slack.submit_view(ADMIN, _open_modal(sandbox, slack), _form(**changes))

    assert message in reply.json()["errors"][FIELD[field]]
    assert _pulses(engine) == []


def test_a_channel_post_can_be_set_up_from_the_modal(
    sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine
) -> None:
    sandbox.add_channel("C0SHARED", name="acme-shared", members=[CUSTOMERS[0]])
    reply = slack.submit_view(ADMIN, _open_modal(sandbox, slack), _form(
        users=[], post_channel="C0SHARED", remind_after_hours="0"))

    assert (reply.status, reply.text) == (200, "")
    [pulse] = _pulses(engine)
    assert (pulse.post_channel, pulse.remind_after_hours) == ("C0SHARED", None)


def test_the_pulse_list_shows_each_schedule_as_people_write_it(
    sandbox: SlackSandbox, slack: SignedSlackClient
) -> None:
    for name, schedule in (("q", "quarterly"), ("twice", "30 8 * * mon,thu"),
                           ("numbered", "0 9 * * 1"), ("odd", "0 9 1 * MON")):
        slack.submit_view(ADMIN, _open_modal(sandbox, slack), _form(name=name, schedule=schedule))

    listed = str(slack.slash_command(ADMIN, "pulse list").json()["blocks"])

    assert "quarterly (Europe/Paris)" in listed
    assert "every Monday and Thursday at 08:30 (Europe/Paris)" in listed
    # A numbered weekday is read as crontab numbers it: 1 is Monday.
    assert "every Monday at 09:00 (Europe/Paris)" in listed
    # Day 1 or any Monday has no short phrase: it stays the crontab line it is.
    assert "crontab `0 9 1 * MON` (Europe/Paris)" in listed
    assert "0 9 1 1,4,7,10" not in listed
