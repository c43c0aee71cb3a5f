"""Staff is explicit: admins, owners, ADMIN_USER_IDS and the staff user group see the figures,
customers' words and follow-ups; anyone else (a forgotten customer, a guest, a Slack Connect
member, someone never surveyed) is refused, told who can grant access, and changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.core import ids
from bot.core.config import Settings
from bot.core.services import ACCESS_TTL, Services
from bot.privacy.forget import forget_person
from bot.sandbox.client import SignedSlackClient
from bot.sandbox.slack_api import SlackSandbox
from storage.models import FollowUp, Respondent, WorkspaceSetting
from tests.conftest import CUSTOMERS, STAFF, STAFF_GROUP, FakeClock, SendPulse, sandbox_settings
from tests.integration.helpers import click_score, comment
from tests.integration.test_follow_ups import wait_alert_edits, wait_alert_posts

ALERTS = "C0ALERTS"
ADMIN = "U0ADMIN"
OWNER = "U0OWNER"
LISTED = "U0LISTED"  # in ADMIN_USER_IDS
SUPPORTER = "U0SUPPORT"  # in another user group, made staff by `set staff`
SUPPORT_GROUP = "S0SUPPORT"
UNHAPPY = CUSTOMERS[3]
COMMENT = "The export keeps failing and nobody answers"
HOME_OPENED = {"type": "app_home_opened", "tab": "home", "channel": "D0HOME"}

# Everyone who is not staff, as Slack describes them (add_user's keywords).
OUTSIDERS: dict[str, dict[str, object]] = {
    "U0NEWHIRE": {},  # a member never surveyed
    "U0GUEST": {"is_restricted": True},  # a multi-channel guest
    "U0SCGUEST": {"is_ultra_restricted": True},  # a single-channel guest
    # A Slack Connect member from a partner organisation, an admin over there.
    "U0PARTNER": {"team_id": "T0PARTNER", "is_admin": True},
    "U0GONE": {"deleted": True},  # a deactivated account
}
FORGOTTEN = CUSTOMERS[0]  # answered, then asked to be forgotten


@pytest.fixture
def settings(sandbox: SlackSandbox, database_url: str) -> Settings:
    sandbox.add_user(ADMIN, name="admin", is_admin=True)
    sandbox.add_user(OWNER, name="owner", is_owner=True)
    sandbox.add_user(LISTED, name="listed")
    sandbox.add_user(SUPPORTER, name="supporter")
    sandbox.add_usergroup(SUPPORT_GROUP, handle="support", users=[SUPPORTER])
    for user_id, flags in OUTSIDERS.items():
        sandbox.add_user(user_id, name=user_id.lower(), **flags)  # type: ignore[arg-type]
    # Everyone is in the alert channel, where they could press the alert's buttons.
    sandbox.add_channel(ALERTS, name="cx-alerts", members=[
        STAFF, ADMIN, *OUTSIDERS, *CUSTOMERS, sandbox.bot_user_id])
    return sandbox_settings(sandbox, database_url, alert_channel_id=ALERTS,
                            admin_user_ids=[LISTED])


@pytest.fixture
def answered(send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient,
             services: Services, engine: Engine) -> FollowUp:
    """Five answers, a detractor's comment and its follow-up alert; the first customer then
    asks to be forgotten. Returns the follow-up."""
    send_pulse()
    for user_id, score in zip(CUSTOMERS, (10, 9, 9, 2, 8), strict=True):
        click_score(sandbox, slack, user_id, score)
    wait_alert_posts(sandbox, engine)
    comment(sandbox, slack, UNHAPPY, COMMENT)
    wait_alert_edits(sandbox, engine, 1)
    forget_person(services, team_id=sandbox.team_id, user_id=FORGOTTEN, requested_by="dpo")
    with Session(engine) as session:
        assert session.exec(select(Respondent).where(Respondent.user_id == FORGOTTEN)).all() == []
    return _follow_up(engine)


def _follow_up(engine: Engine) -> FollowUp:
    with Session(engine) as session:
        [row] = session.exec(select(FollowUp)).all()
        return row


def _handled(row: FollowUp) -> tuple[object, ...]:
    """What acting on a follow-up changes."""
    return (row.owner_user_id, row.owned_at, row.first_response_at, row.resolved_at,
            row.resolved_by, row.resolution_note, row.touched_at, row.revision)


def _alert(sandbox: SlackSandbox) -> dict[str, object]:
    [message] = [m for m in sandbox.messages(ALERTS) if "thread_ts" not in m]
    return message


def _says_who_grants_access(text: str) -> bool:
    return "admins and owners" in text or "admin or owner" in text


def _sees_figures(slack: SignedSlackClient, user_id: str) -> bool:
    return "NPS" in str(slack.slash_command(user_id, "nps").json())


@pytest.mark.parametrize("outsider", [FORGOTTEN, *OUTSIDERS])
def test_someone_who_is_not_staff_sees_no_figures_words_or_follow_ups_and_changes_nothing(
    answered: FollowUp, sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine,
    outsider: str,
) -> None:
    for text in ("", "comments", "comments negative", "followups", "themes", "nps"):
        reply = slack.slash_command(outsider, text).json()
        assert reply["response_type"] == "ephemeral", text
        assert _says_who_grants_access(reply["text"]), (text, reply["text"])
        assert "export" not in str(reply), (text, reply)
        assert "NPS" not in str(reply), (text, reply)

    slack.event({**HOME_OPENED, "user": outsider})
    [home] = sandbox.wait_for("views.publish")
    assert home.args["user_id"] == outsider
    shown = str(home.args["view"]["blocks"])
    assert "Customer engagement" not in shown
    assert "NPS" not in shown
    assert "export" not in shown

    before = _handled(_follow_up(engine))
    sandbox.clear_calls()
    for action in (ids.FOLLOW_UP_OWN_ACTION, ids.FOLLOW_UP_REPLY_ACTION,
                   ids.FOLLOW_UP_RESOLVE_ACTION):
        assert slack.click(outsider, _alert(sandbox), action).status == 200
    refusals = sandbox.wait_for("response_url", count=3)
    texts = [str(r.args.get("text")) for r in refusals]
    assert all("Only the team" in t and _says_who_grants_access(t) for t in texts), texts
    assert sandbox.calls("views.open") == []  # no reply or resolve form
    assert sandbox.calls("chat.postMessage") == []  # nobody wrote to the customer
    assert _handled(_follow_up(engine)) == before


def test_a_reply_to_the_customer_submitted_by_someone_not_staff_is_not_sent(
    answered: FollowUp, sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine,
) -> None:
    """The form itself, forged or kept open: refused beside the text, nothing sent."""
    modals = len(sandbox.calls("views.open"))
    assert slack.click(STAFF, _alert(sandbox), ids.FOLLOW_UP_REPLY_ACTION).status == 200
    view = sandbox.wait_for("views.open", count=modals + 1)[-1].response["view"]
    sandbox.clear_calls()

    for outsider in (FORGOTTEN, "U0PARTNER", "U0GUEST"):
        reply = slack.submit_view(outsider, view, {
            ids.FOLLOW_UP_TEXT_BLOCK: {ids.FOLLOW_UP_TEXT_INPUT: "Sorry! Here is a coupon."}})
        error = reply.json()["errors"][ids.FOLLOW_UP_TEXT_BLOCK]
        assert "Only the team" in error, error
        assert _says_who_grants_access(error), error

    assert sandbox.calls("chat.postMessage") == []
    assert _handled(_follow_up(engine)) == _handled(answered)


@pytest.mark.parametrize("member", [STAFF, ADMIN, OWNER, LISTED])
def test_admins_owners_admin_user_ids_and_the_staff_group_see_everything(
    answered: FollowUp, sandbox: SlackSandbox, slack: SignedSlackClient, member: str,
) -> None:
    assert "export keeps failing" in str(slack.slash_command(member, "comments").json())
    assert "NPS" in str(slack.slash_command(member, "followups").json())
    slack.event({**HOME_OPENED, "user": member})
    [home] = sandbox.wait_for("views.publish")
    assert "Customer engagement" in str(home.args["view"]["blocks"])


def test_a_customer_still_gets_their_own_home(
    answered: FollowUp, sandbox: SlackSandbox, slack: SignedSlackClient,
) -> None:
    slack.event({**HOME_OPENED, "user": CUSTOMERS[1]})
    [home] = sandbox.wait_for("views.publish")
    shown = str(home.args["view"]["blocks"])
    assert "*Your surveys*" in shown
    assert "Customer engagement" not in shown


def test_admins_choose_the_staff_group_and_it_counts_at_once(
    sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine, send_pulse: SendPulse,
) -> None:
    send_pulse()
    click_score(sandbox, slack, CUSTOMERS[1], 9)
    assert _sees_figures(slack, STAFF)  # STAFF_USERGROUP_ID, remembered from now on
    assert not _sees_figures(slack, SUPPORTER)

    refused = slack.slash_command(STAFF, f"set staff <!subteam^{SUPPORT_GROUP}|@support>")
    assert "Only admins" in refused.json()["text"]
    unknown = slack.slash_command(ADMIN, "set staff @nobody-here")
    assert "no active user group @nobody-here" in unknown.json()["text"]
    with Session(engine) as session:
        assert session.exec(select(WorkspaceSetting)).all() == []

    chosen = slack.slash_command(ADMIN, f"set staff <!subteam^{SUPPORT_GROUP}|@support>")
    assert "1 member of *@support*" in chosen.json()["text"]
    assert _sees_figures(slack, SUPPORTER)
    assert not _sees_figures(slack, STAFF)  # not remembered past the change

    by_handle = slack.slash_command(ADMIN, "set staff @cx-team")
    assert f"`{STAFF_GROUP}`" in by_handle.json()["text"]
    assert _sees_figures(slack, STAFF)
    assert not _sees_figures(slack, SUPPORTER)

    slack.slash_command(ADMIN, "set staff clear")
    assert not _sees_figures(slack, STAFF)  # STAFF_USERGROUP_ID does not come back
    assert _sees_figures(slack, ADMIN)
    with Session(engine) as session:
        [setting] = session.exec(select(WorkspaceSetting)).all()
    assert (setting.staff_usergroup_id, setting.updated_by) == ("", ADMIN)


def test_access_is_remembered_for_a_minute_and_not_when_slack_could_not_say(
    sandbox: SlackSandbox, slack: SignedSlackClient, clock: FakeClock, send_pulse: SendPulse,
) -> None:
    send_pulse()
    click_score(sandbox, slack, CUSTOMERS[1], 9)
    sandbox.respond_error("users.info", "fatal_error")
    unchecked = slack.slash_command(STAFF, "nps").json()
    assert "try again" in unchecked["text"]
    assert "NPS" not in str(unchecked)

    sandbox.clear_calls()
    assert _sees_figures(slack, STAFF)
    assert _sees_figures(slack, STAFF)
    assert len(sandbox.calls("users.info")) == 1
    assert len(sandbox.calls("usergroups.users.list")) == 1

    sandbox.add_usergroup(STAFF_GROUP, handle="cx-team", users=[])  # STAFF leaves the team
    clock.now += ACCESS_TTL - timedelta(seconds=1)
    assert _sees_figures(slack, STAFF)
    clock.now += timedelta(seconds=1)
    assert not _sees_figures(slack, STAFF)
