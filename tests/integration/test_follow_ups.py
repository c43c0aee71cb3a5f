"""Closing the loop: detractors raise one alert, which staff own, answer and resolve."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, text, update
from sqlmodel import Session, select

from bot.app.outage import CLICK_NOT_SAVED
from bot.core import ids
from bot.core.config import Settings
from bot.core.services import Services
from bot.followups.alerts import sweep_follow_ups
from bot.sandbox.client import SignedSlackClient, SlackClient, SlackReply
from bot.sandbox.slack_api import RecordedCall, SlackSandbox
from bot.slack.client import create_web_client
from bot.slack.lookup import FOLLOW_UP_ALERT
from storage.engine import read_only_session
from storage.models import FollowUp, Metric, Respondent
from tests.conftest import (
    BOTH_TRANSPORTS,
    CUSTOMERS,
    STAFF,
    STAFF_GROUP,
    FakeClock,
    SendPulse,
    sandbox_settings,
)
from tests.integration.helpers import click_score, comment
from tests.integration.running_bots import wait_until
from tests.integration.test_database_outage import FileLock
from tests.settling import SettledSlackClient

ALERTS = "C0ALERTS"
STAFF2 = "U0STAFF2"
CUSTOMER = CUSTOMERS[0]


@pytest.fixture
def settings(sandbox: SlackSandbox, database_url: str) -> Settings:
    sandbox.add_user(STAFF2, name="staff2", real_name="Kim Staff")
    sandbox.add_usergroup(STAFF_GROUP, handle="cx-team", users=[STAFF, STAFF2])
    sandbox.add_channel(ALERTS, name="cx-alerts", members=[STAFF, STAFF2, "U0BOT"])
    return sandbox_settings(sandbox, database_url, alert_channel_id=ALERTS)


def _in_alerts(call: RecordedCall) -> bool:
    return bool(call.args.get("channel") == ALERTS)


def settled(engine: Engine) -> None:
    """Every alert shows its row: the bot records a post just after Slack has it.

    Tests move the FakeClock by days; a listener still between its post and that record would
    then look like a poster that died, and the sweep would rightly post again. (Listeners have
    finished when `slack` returns: this checks the record, it does not wait for it.)
    """
    assert all(r.alert_revision >= r.revision for r in follow_ups(engine)), (
        "an alert was never recorded as published")


def wait_alert_posts(sandbox: SlackSandbox, engine: Engine, count: int = 1) -> None:
    assert len([c for c in sandbox.calls("chat.postMessage") if _in_alerts(c)]) == count
    settled(engine)


def wait_alert_edits(sandbox: SlackSandbox, engine: Engine, count: int) -> dict[str, Any]:
    assert len([c for c in sandbox.calls("chat.update") if _in_alerts(c)]) == count
    settled(engine)
    return alert(sandbox)


def alert(sandbox: SlackSandbox) -> dict[str, Any]:
    [message] = [m for m in sandbox.messages(ALERTS) if "thread_ts" not in m]
    return message


def follow_ups(engine: Engine) -> list[FollowUp]:
    with Session(engine) as session:
        return list(session.exec(select(FollowUp).order_by(FollowUp.id)).all())  # type: ignore[arg-type]


def set_account(engine: Engine, user_id: str, account: str) -> None:
    with Session(engine) as session:
        session.exec(update(Respondent).where(Respondent.user_id == user_id)  # type: ignore[call-overload]
                     .values(account=account))
        session.commit()


def press(sandbox: SlackSandbox, slack: SlackClient, user_id: str,
          action_id: str) -> SlackReply:
    reply = slack.click(user_id, alert(sandbox), action_id)
    assert reply.status == 200
    return reply


def submit_modal(sandbox: SlackSandbox, slack: SlackClient, user_id: str,
                 action_id: str, text: str) -> SlackReply:
    opened = len(sandbox.calls("views.open"))
    press(sandbox, slack, user_id, action_id)
    calls = sandbox.calls("views.open")
    assert len(calls) == opened + 1
    view = calls[-1].response["view"]
    return slack.submit_view(user_id, view,
                             {ids.FOLLOW_UP_TEXT_BLOCK: {ids.FOLLOW_UP_TEXT_INPUT: text}})


def sweep(services: Services) -> tuple[int, int]:
    report = sweep_follow_ups(services, create_web_client(services.settings))
    return report.published, report.reminded


def remind(services: Services) -> int:
    """Reminders sent by one sweep (which may also re-edit an alert whose edit it overtook)."""
    return sweep(services)[1]


def test_a_detractor_raises_one_alert_with_history_whatever_the_clicks(
    services: Services, sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine,
    clock: FakeClock, send_pulse: SendPulse,
) -> None:
    send_pulse(name="q3", users=(CUSTOMER,))
    click_score(sandbox, slack, CUSTOMER, 8)
    set_account(engine, CUSTOMER, "Acme <Corp> & Co")
    clock.now += timedelta(days=100)
    send_pulse(name="q4", users=(CUSTOMER,))

    click_score(sandbox, slack, CUSTOMER, 3)
    wait_alert_posts(sandbox, engine)
    click_score(sandbox, slack, CUSTOMER, 3)  # a double click
    clock.now += timedelta(minutes=1)
    click_score(sandbox, slack, CUSTOMER, 5)  # changed, still a detractor
    edited = wait_alert_edits(sandbox, engine, 1)
    comment(sandbox, slack, CUSTOMER, "<!channel> This is terrible, the worst support ever")
    edited = wait_alert_edits(sandbox, engine, 2)

    text = str(edited["blocks"])
    assert "Acme &lt;Corp&gt; &amp; Co" in text
    assert "&lt;!channel&gt; This is terrible" in text
    assert "<!channel>" not in text
    assert "NPS *3* (a detractor)" in text
    assert "changed their answer to NPS *5*" in text
    assert "Earlier answers: NPS 8 (2026-11-20) · 2 pulses sent" in text
    assert [b["action_id"] for b in edited["blocks"][-1]["elements"]] == [
        ids.FOLLOW_UP_OWN_ACTION, ids.FOLLOW_UP_REPLY_ACTION, ids.FOLLOW_UP_RESOLVE_ACTION]

    clock.now += timedelta(minutes=1)
    click_score(sandbox, slack, CUSTOMER, 9)  # now a promoter: the alert says so, still there
    assert "now a promoter" in str(wait_alert_edits(sandbox, engine, 3)["blocks"])
    assert sweep(services) == (0, 0)
    assert len(sandbox.messages(ALERTS)) == 1
    [row] = follow_ups(engine)
    assert (row.raised_score, row.score) == (3, 9)


def test_promoters_raise_nothing_but_a_strongly_negative_comment_does(
    services: Services, sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine,
    send_pulse: SendPulse,
) -> None:
    send_pulse(users=CUSTOMERS[:2])
    click_score(sandbox, slack, CUSTOMERS[0], 9)
    click_score(sandbox, slack, CUSTOMERS[1], 8)
    comment(sandbox, slack, CUSTOMERS[0], "Great, thanks")
    assert sweep(services) == (0, 0)
    assert follow_ups(engine) == []
    assert sandbox.messages(ALERTS) == []

    comment(sandbox, slack, CUSTOMERS[1], "Awful. The worst onboarding I have seen")
    wait_alert_posts(sandbox, engine)
    assert "strongly negative comment with NPS *8*" in str(alert(sandbox)["blocks"])


def test_a_failed_alert_post_is_retried_by_the_sweep(
    services: Services, sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine,
    clock: FakeClock, send_pulse: SendPulse,
) -> None:
    send_pulse(users=(CUSTOMER,))
    sandbox.respond_error("chat.postMessage", "service_unavailable")
    click_score(sandbox, slack, CUSTOMER, 0)
    assert len([c for c in sandbox.calls("chat.postMessage") if _in_alerts(c)]) == 1  # refused
    assert sandbox.messages(ALERTS) == []
    assert [row.score for row in follow_ups(engine)] == [0]  # stored with the answer
    # Past the poster's lease, so the test need not wait for the failed poster to let go.
    clock.now += timedelta(minutes=2)
    assert sweep(services) == (1, 0)
    assert sweep(services) == (0, 0)
    assert len(sandbox.messages(ALERTS)) == 1


def test_an_alert_posted_by_a_poster_that_died_is_found_not_posted_again(
    services: Services, sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine,
    clock: FakeClock, send_pulse: SendPulse,
) -> None:
    send_pulse(users=(CUSTOMER,))
    sandbox.respond_error("chat.postMessage", "service_unavailable")
    click_score(sandbox, slack, CUSTOMER, 1)
    assert len([c for c in sandbox.calls("chat.postMessage") if _in_alerts(c)]) == 1
    [row] = follow_ups(engine)
    assert row.id is not None
    # As if another poster's chat.postMessage went through and it was killed before recording.
    create_web_client(services.settings).chat_postMessage(
        channel=ALERTS, text="alert", metadata=FOLLOW_UP_ALERT.metadata(row.id))
    clock.now += timedelta(minutes=2)

    assert sweep(services) == (1, 0)

    [posted] = sandbox.messages(ALERTS)
    [row] = follow_ups(engine)
    assert (row.alert_ts, row.alert_revision) == (posted["ts"], row.revision)
    assert posted["text"] != "alert"  # edited into the real alert, buttons and all
    assert any(block["type"] == "actions" for block in posted["blocks"])


@BOTH_TRANSPORTS
def test_staff_own_reply_and_resolve_and_customers_cannot(
    services: Services, sandbox: SlackSandbox, slack: SlackClient, engine: Engine,
    clock: FakeClock, send_pulse: SendPulse,
) -> None:
    send_pulse(users=CUSTOMERS[:2])
    click_score(sandbox, slack, CUSTOMER, 2)
    wait_alert_posts(sandbox, engine)
    raised_at = clock.now

    for action in (ids.FOLLOW_UP_OWN_ACTION, ids.FOLLOW_UP_REPLY_ACTION,
                   ids.FOLLOW_UP_RESOLVE_ACTION):
        press(sandbox, slack, CUSTOMERS[1], action)  # a customer, even in the channel
    refusals = sandbox.calls("response_url")
    assert len(refusals) == 3
    assert all("Only the team" in str(r.args.get("text")) for r in refusals)
    assert sandbox.calls("views.open") == []
    assert follow_ups(engine)[0].owner_user_id is None

    press(sandbox, slack, STAFF, ids.FOLLOW_UP_OWN_ACTION)
    assert "Owned by <@U0STAFF>" in str(wait_alert_edits(sandbox, engine, 1)["blocks"])
    press(sandbox, slack, STAFF2, ids.FOLLOW_UP_OWN_ACTION)
    owned = str(wait_alert_edits(sandbox, engine, 2)["blocks"])
    assert "Owned by <@U0STAFF2> (taken over from <@U0STAFF>)" in owned

    empty = submit_modal(sandbox, slack, STAFF2, ids.FOLLOW_UP_REPLY_ACTION, "   ")
    assert empty.json()["response_action"] == "errors"
    assert follow_ups(engine)[0].first_response_at is None

    clock.now += timedelta(hours=3)
    sent = submit_modal(sandbox, slack, STAFF2, ids.FOLLOW_UP_REPLY_ACTION,
                        "Sorry! <!here> we are fixing it")
    assert sent.status == 200
    assert sent.body.strip() == b""
    dm = sandbox.messages(sandbox.dm_channel(CUSTOMER))[-1]["text"]
    assert dm.startswith("<@U0STAFF2> from Sandbox Co replied to your feedback:")
    assert "&lt;!here&gt; we are fixing it" in dm
    wait_alert_edits(sandbox, engine, 3)

    clock.now += timedelta(hours=5)
    stale_copy = alert(sandbox)  # the alert as someone's client still shows it
    resolved = submit_modal(sandbox, slack, STAFF, ids.FOLLOW_UP_RESOLVE_ACTION,
                            "Refunded <b>")
    assert resolved.status == 200
    final = wait_alert_edits(sandbox, engine, 4)
    assert "Resolved by <@U0STAFF>" in str(final["blocks"])
    assert "Refunded &lt;b&gt;" in str(final["blocks"])
    assert all(block["type"] != "actions" for block in final["blocks"])

    refusals = len(sandbox.calls("response_url"))
    slack.click(STAFF2, stale_copy, ids.FOLLOW_UP_OWN_ACTION)  # too late: already resolved
    [late] = sandbox.calls("response_url")[refusals:]
    assert "already resolved" in str(late.args.get("text"))

    [row] = follow_ups(engine)
    assert row.owner_user_id == STAFF2
    assert row.first_response_at == raised_at + timedelta(hours=3)
    assert row.resolved_at == raised_at + timedelta(hours=8)
    assert row.resolution_note == "Refunded <b>"

    overview = slack.slash_command(STAFF, "followups").json()
    assert "Median time to first response *3 h*" in str(overview["blocks"])
    assert "median time to close *8 h*" in str(overview["blocks"])
    assert "No open follow-ups" in str(overview["blocks"])

    # The same figures reach App Home (and the digest, which shares the line).
    slack.event({"type": "app_home_opened", "tab": "home", "user": STAFF})
    home = str(sandbox.calls("views.publish")[-1].args["view"]["blocks"])
    assert ("*Follow-ups*: 1 raised, 1 replied to (median 3 h to the first reply), "
            "1 resolved (median 8 h); 0 still open") in home


def test_anonymous_answers_raise_no_alert(
    services: Services, sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine,
) -> None:
    from bot.pulses.definition import define_pulse, validate_policy
    from bot.pulses.dispatch import deliver_due
    from bot.pulses.waves import manual_wave_time, open_pulse_wave

    client = create_web_client(services.settings)
    define_pulse(services, client, name="anon", metric=Metric.NPS, user_ids=[CUSTOMER],
                 policy=validate_policy(metric=Metric.NPS), anonymous=True)
    wave = open_pulse_wave(services, name="anon", team_id=sandbox.team_id, client=client,
                           scheduled_for=manual_wave_time(services.clock()))
    deliver_due(services, client, wave_id=wave.wave_id)
    click_score(sandbox, slack, CUSTOMER, 0)
    comment(sandbox, slack, CUSTOMER, "Terrible, the worst")
    assert sweep(services) == (0, 0)
    assert follow_ups(engine) == []
    assert sandbox.messages(ALERTS) == []


def test_untouched_follow_ups_remind_once_per_period(
    services: Services, sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine,
    clock: FakeClock, send_pulse: SendPulse,
) -> None:
    send_pulse(users=(CUSTOMER,))
    click_score(sandbox, slack, CUSTOMER, 1)
    wait_alert_posts(sandbox, engine)
    clock.now += timedelta(days=1)
    assert remind(services) == 0

    clock.now += timedelta(days=2)  # unowned for 3 days: the alert's thread hears of it
    assert remind(services) == 1
    assert remind(services) == 0  # once per period
    [nudge] = [m for m in sandbox.messages(ALERTS) if "thread_ts" in m]
    assert nudge["thread_ts"] == alert(sandbox)["ts"]
    assert "Take ownership" in nudge["text"]

    press(sandbox, slack, STAFF, ids.FOLLOW_UP_OWN_ACTION)
    wait_alert_edits(sandbox, engine, 1)
    clock.now += timedelta(days=3)  # owned but left alone: the owner gets a DM
    assert remind(services) == 1
    assert "Reminder: the follow-up on NPS 1" in sandbox.messages(sandbox.dm_channel(STAFF))[-1][
        "text"]


def test_the_followups_command_lists_open_ones_for_staff_only(
    services: Services, sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine,
    clock: FakeClock, send_pulse: SendPulse,
) -> None:
    send_pulse(users=CUSTOMERS[:2], metric=Metric.CSAT)
    set_account(engine, CUSTOMERS[1], "Globex")
    click_score(sandbox, slack, CUSTOMERS[0], 1, metric="csat")
    click_score(sandbox, slack, CUSTOMERS[1], 2, metric="csat")
    comment(sandbox, slack, CUSTOMERS[0], "<@U0STAFF> awful")
    wait_alert_posts(sandbox, engine, 2)
    clock.now += timedelta(days=2, hours=4)

    answer = slack.slash_command(STAFF, "followups 30d").json()
    text = str(answer["blocks"])
    assert answer["response_type"] == "ephemeral"
    assert "2 raised · 0 replied to · 0 resolved" in text
    assert "CSAT *1* · no account · 2 d 4 h old · *unowned*" in text
    assert "“&lt;@U0STAFF&gt; awful”" in text
    assert "CSAT *2* · Globex" in text
    assert "Median time to first response *–*" in text

    refused = slack.slash_command(CUSTOMERS[0], "followups").json()
    assert "for the team" in refused["text"]


def test_a_reply_slack_refused_is_not_counted_as_a_response(
    services: Services, sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine,
    send_pulse: SendPulse,
) -> None:
    send_pulse(users=(CUSTOMER,))
    click_score(sandbox, slack, CUSTOMER, 4)
    wait_alert_posts(sandbox, engine)
    sandbox.respond_error("chat.postMessage", "user_not_found")
    refused = submit_modal(sandbox, slack, STAFF, ids.FOLLOW_UP_REPLY_ACTION, "Hello")
    assert refused.json()["response_action"] == "errors"
    assert "did not deliver" in str(refused.json()["errors"])
    [row] = follow_ups(engine)
    assert row.first_response_at is None
    assert row.owner_user_id is None


def test_a_reply_answered_503_after_slack_posted_it_reaches_the_customer_once(
    services: Services, sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine,
    send_pulse: SendPulse,
) -> None:
    send_pulse(users=(CUSTOMER,))
    click_score(sandbox, slack, CUSTOMER, 4)
    wait_alert_posts(sandbox, engine)
    dm = sandbox.dm_channel(CUSTOMER)
    before = len(sandbox.messages(dm))
    sandbox.fail_share("chat.postMessage", every=1, status=503, applied=True)

    sent = submit_modal(sandbox, slack, STAFF, ids.FOLLOW_UP_REPLY_ACTION, "Sorry, fixing it")

    replies = sandbox.messages(dm)[before:]
    assert [m["text"].endswith("Sorry, fixing it") for m in replies] == [True]
    # Found in the DM after the 503: the modal closes (sent) and the reply counts.
    assert (sent.status, sent.body.strip()) == (200, b"")
    [row] = follow_ups(engine)
    assert (row.first_response_at, row.owner_user_id) == (services.clock(), STAFF)


def test_a_reply_slack_never_posted_after_a_503_is_not_counted(
    services: Services, sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine,
    send_pulse: SendPulse,
) -> None:
    send_pulse(users=(CUSTOMER,))
    click_score(sandbox, slack, CUSTOMER, 4)
    wait_alert_posts(sandbox, engine)
    before = len(sandbox.messages(sandbox.dm_channel(CUSTOMER)))
    sandbox.fail_share("chat.postMessage", every=1, status=503)  # refused: nothing posted

    refused = submit_modal(sandbox, slack, STAFF, ids.FOLLOW_UP_REPLY_ACTION, "Hello")

    assert "did not deliver" in str(refused.json()["errors"])
    assert len(sandbox.messages(sandbox.dm_channel(CUSTOMER))) == before
    assert follow_ups(engine)[0].first_response_at is None


@contextmanager
def writes_held(engine: Engine, database_url: str) -> Iterator[None]:
    """Another writer in the way: the follow-up rows locked (PostgreSQL), or the whole file
    (SQLite, where a person's request gives up after its short lock wait)."""
    if database_url.startswith("sqlite"):
        with FileLock(database_url):
            yield
        return
    with engine.connect() as connection:
        connection.execute(text("SELECT id FROM follow_up FOR UPDATE"))
        yield
        connection.rollback()


def test_take_ownership_is_stored_before_slack_is_answered(
    sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine, database_url: str,
    send_pulse: SendPulse,
) -> None:
    send_pulse(users=(CUSTOMER,))
    click_score(sandbox, slack, CUSTOMER, 2)
    wait_alert_posts(sandbox, engine)
    told = len(sandbox.calls("response_url"))

    assert isinstance(slack, SettledSlackClient)
    with slack.unsettled(), writes_held(engine, database_url):
        reply = slack.click(STAFF, alert(sandbox), ids.FOLLOW_UP_OWN_ACTION)
        # Read at the moment Slack had its answer, while the write still cannot happen.
        with read_only_session(engine) as session:
            stored = session.exec(select(FollowUp.owner_user_id)).one() == STAFF
        said = [str(c.args.get("text")) for c in sandbox.calls("response_url")[told:]]

    # Never a plain "done" (a 200 ack) while nothing is stored and nobody was told: the write
    # comes first, and if it cannot happen the person hears so with the answer (SQLite), or
    # Slack gets no ack in time and shows them the button failed (PostgreSQL).
    assert reply.status != 200 or stored or said == [CLICK_NOT_SAVED], (reply.status, said)

    slack.listeners.settle()  # the held press finishes once the lock is let go
    edits = 0
    if reply.status != 200:  # the press Slack gave up on is stored once the lock goes
        wait_until(lambda: follow_ups(engine)[0].owner_user_id == STAFF, timeout=10,
                   what="the held write")
        edits = 1
        wait_alert_edits(sandbox, engine, edits)

    # Pressed again with the database free: stored by the time Slack has its answer.
    assert slack.click(STAFF2, alert(sandbox), ids.FOLLOW_UP_OWN_ACTION).status == 200
    assert follow_ups(engine)[0].owner_user_id == STAFF2
    assert "Owned by <@U0STAFF2>" in str(wait_alert_edits(sandbox, engine, edits + 1)["blocks"])


def test_a_follow_up_reminder_answered_503_after_slack_posted_it_is_not_repeated(
    services: Services, sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine,
    clock: FakeClock, send_pulse: SendPulse,
) -> None:
    send_pulse(users=(CUSTOMER,))
    click_score(sandbox, slack, CUSTOMER, 1)
    wait_alert_posts(sandbox, engine)
    clock.now += timedelta(days=3)
    sandbox.fail_share("chat.postMessage", every=1, status=503, applied=True)

    remind(services)
    sandbox.clear_faults()
    remind(services)  # the same period: nothing more

    assert len([m for m in sandbox.messages(ALERTS) if "thread_ts" in m]) == 1


def test_an_admin_moves_the_alerts_from_alert_channel_id_or_turns_them_off(
    sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine, send_pulse: SendPulse,
) -> None:
    """ALERT_CHANNEL_ID is only the default: the workspace's own choice wins, even "off"."""
    sandbox.add_user("U0ADMIN", name="admin", is_admin=True)
    sandbox.add_channel("C0ESCALATE", name="escalations", members=["U0ADMIN", "U0BOT"])
    send_pulse()

    moved = slack.slash_command("U0ADMIN", "set alerts <#C0ESCALATE|escalations>")
    assert "now go to <#C0ESCALATE>" in moved.json()["text"]
    click_score(sandbox, slack, CUSTOMERS[0], 2)
    sandbox.wait_for("chat.postMessage", where=lambda c: c.args.get("channel") == "C0ESCALATE")
    settled(engine)
    assert sandbox.messages(ALERTS) == []

    slack.slash_command("U0ADMIN", "set alerts off")
    click_score(sandbox, slack, CUSTOMERS[1], 1)
    assert len(follow_ups(engine)) == 1  # the first one only
    assert sandbox.messages(ALERTS) == []
