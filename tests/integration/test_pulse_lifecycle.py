"""Consent, survey fatigue, reminders and closing, through the sandbox on both databases."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.core import ids
from bot.core.services import Services
from bot.pulses.dispatch import deliver_due
from bot.pulses.lifecycle import run_lifecycle
from bot.pulses.waves import manual_wave_time, open_pulse_wave
from bot.sandbox.client import SignedSlackClient
from bot.sandbox.slack_api import SlackSandbox
from bot.slack.client import create_web_client
from storage.models import DeliveryStatus, ReminderState, Respondent, Wave
from tests.conftest import CUSTOMERS, FakeClock, SendPulse
from tests.integration.helpers import click_score, deliveries, pulse_message, responses


def _next_wave(services: Services, sandbox: SlackSandbox, name: str = "nps-pulse") -> int:
    wave = open_pulse_wave(services, name=name, team_id=sandbox.team_id,
                           scheduled_for=manual_wave_time(services.clock()))
    deliver_due(services, create_web_client(services.settings))
    return wave.enqueued


def test_nobody_gets_the_same_metric_within_the_minimum_interval(
    send_pulse: SendPulse, sandbox: SlackSandbox, services: Services, clock: FakeClock
) -> None:
    send_pulse(min_interval_days=90)
    clock.now += timedelta(days=30)

    assert _next_wave(services, sandbox) == 0
    assert len(sandbox.calls("chat.postMessage")) == len(CUSTOMERS)

    clock.now += timedelta(days=61)
    assert _next_wave(services, sandbox) == len(CUSTOMERS)


def test_a_pulse_with_no_minimum_interval_can_go_out_daily(
    send_pulse: SendPulse, sandbox: SlackSandbox, services: Services, clock: FakeClock
) -> None:
    send_pulse(min_interval_days=0)
    clock.now += timedelta(days=1)

    assert _next_wave(services, sandbox) == len(CUSTOMERS)


def test_stop_these_surveys_opts_out_and_the_home_tab_opts_back_in(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient, services: Services,
    clock: FakeClock, engine: Engine,
) -> None:
    send_pulse(min_interval_days=0)
    user_id = CUSTOMERS[0]

    slack.click(user_id, pulse_message(sandbox, user_id), ids.OPT_OUT_ACTION)

    assert "won't receive these surveys" in pulse_message(sandbox, user_id)["text"]
    with Session(engine) as session:
        me = session.exec(select(Respondent).where(Respondent.user_id == user_id)).one()
    assert me.opted_out
    clock.now += timedelta(days=1)
    assert _next_wave(services, sandbox) == len(CUSTOMERS) - 1

    slack.event({"type": "app_home_opened", "tab": "home", "user": user_id})
    home = sandbox.home_view(user_id)
    assert home is not None
    assert "stopped these surveys" in str(home)
    slack.click_home(user_id, home, ids.HOME_OPT_IN_ACTION)
    [_, republished] = [call.args["view"] for call in sandbox.calls("views.publish")]
    assert "receive our short surveys" in str(republished)
    clock.now += timedelta(days=1)
    assert _next_wave(services, sandbox) == len(CUSTOMERS)


def test_only_the_recipient_can_opt_out_from_a_pulse(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine
) -> None:
    send_pulse()

    slack.click(CUSTOMERS[1], pulse_message(sandbox, CUSTOMERS[0]), ids.OPT_OUT_ACTION)
    assert sandbox.calls("response_url")  # told it is not theirs

    with Session(engine) as session:
        assert not any(r.opted_out for r in session.exec(select(Respondent)).all())


def test_one_reminder_goes_to_those_who_have_not_answered(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient, services: Services,
    clock: FakeClock,
) -> None:
    send_pulse(remind_after_hours=48)
    click_score(sandbox, slack, CUSTOMERS[0], 9)
    client = create_web_client(services.settings)

    clock.now += timedelta(hours=47)
    assert run_lifecycle(services, client).reminded == 0
    clock.now += timedelta(hours=2)
    assert run_lifecycle(services, client).reminded == len(CUSTOMERS) - 1
    assert run_lifecycle(services, client).reminded == 0

    reminded = {c.args["channel"] for c in sandbox.calls("chat.postMessage")
                if "reminder" in c.args["text"]}
    assert reminded == {sandbox.dm_channel(u) for u in CUSTOMERS[1:]}


def test_a_closed_wave_says_so_and_late_clicks_are_not_counted(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient, services: Services,
    clock: FakeClock, engine: Engine,
) -> None:
    send_pulse(close_after_days=7, remind_after_hours=24)
    click_score(sandbox, slack, CUSTOMERS[0], 3)
    late_message = pulse_message(sandbox, CUSTOMERS[1])  # as the customer still sees it
    client = create_web_client(services.settings)

    clock.now += timedelta(days=7, minutes=1)
    report = run_lifecycle(services, client)

    assert (report.waves_closed, report.messages_closed, report.reminded) == (1, len(CUSTOMERS), 0)
    assert "Your answer, *3*, was counted" in str(pulse_message(sandbox, CUSTOMERS[0])["blocks"])
    assert "has closed" in pulse_message(sandbox, CUSTOMERS[1])["text"]
    assert run_lifecycle(services, client).messages_closed == 0
    slack.click(CUSTOMERS[1], late_message, ids.score_action_id("nps", 10))
    assert "has closed" in sandbox.calls("response_url")[-1].args["text"]
    assert [r.score for r in responses(engine)] == [3]
    with Session(engine) as session:
        assert session.exec(select(Wave)).one().closed_at == clock.now


def test_opting_out_cancels_deliveries_not_yet_sent(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient, services: Services,
    clock: FakeClock, engine: Engine,
) -> None:
    send_pulse(min_interval_days=0)
    user_id = CUSTOMERS[0]
    clock.now += timedelta(days=1)
    open_pulse_wave(services, name="nps-pulse", team_id=sandbox.team_id,
                    scheduled_for=manual_wave_time(clock.now))  # queued, not yet sent

    slack.click(user_id, pulse_message(sandbox, user_id), ids.OPT_OUT_ACTION)
    assert sandbox.calls("chat.update")
    deliver_due(services, create_web_client(services.settings))

    mine = [d for d in deliveries(engine) if d.wave_id == 2 and d.respondent_id == 1]
    assert [(d.status, d.error) for d in mine] == [(DeliveryStatus.FAILED, "opted_out")]
    assert len(sandbox.messages(sandbox.dm_channel(user_id))) == 1


def test_a_pulse_without_reminders_sends_none(
    send_pulse: SendPulse, sandbox: SlackSandbox, services: Services, clock: FakeClock
) -> None:
    send_pulse(remind_after_hours=0, close_after_days=7)
    clock.now += timedelta(days=6)

    assert run_lifecycle(services, create_web_client(services.settings)).reminded == 0


def test_a_reminder_answered_503_after_slack_posted_it_reaches_each_person_once(
    send_pulse: SendPulse, sandbox: SlackSandbox, services: Services, clock: FakeClock,
    engine: Engine,
) -> None:
    send_pulse(users=CUSTOMERS[:2], remind_after_hours=24)
    clock.now += timedelta(hours=25)
    sandbox.fail_share("chat.postMessage", every=1, status=503, applied=True)

    reminded = run_lifecycle(services, create_web_client(services.settings)).reminded

    for user_id in CUSTOMERS[:2]:
        texts = [m["text"] for m in sandbox.messages(sandbox.dm_channel(user_id))]
        assert sum("reminder" in text for text in texts) == 1, texts
    # Found in the DM after the 503, so recorded as sent, and never sent again.
    assert reminded == 2
    assert {d.reminder for d in deliveries(engine)} == {ReminderState.SENT}
    sandbox.clear_faults()
    assert run_lifecycle(services, create_web_client(services.settings)).reminded == 0
