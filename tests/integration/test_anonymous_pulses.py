"""Anonymous pulses: answers work as usual, but no stored column links them to a person."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, text

from bot.core.services import Services
from bot.pulses.lifecycle import run_lifecycle
from bot.sandbox.client import SignedSlackClient
from bot.sandbox.slack_api import SlackSandbox
from bot.slack.client import create_web_client
from storage.responses import NO_ACTION_TS
from tests.conftest import CUSTOMERS, STAFF, FakeClock
from tests.integration.helpers import (
    click_score,
    comment,
    deliveries,
    pulse_message,
    responses,
)


def _send_anonymous(services: Services, sandbox: SlackSandbox) -> None:
    from bot.pulses.definition import define_pulse, validate_policy
    from bot.pulses.dispatch import deliver_due
    from bot.pulses.waves import manual_wave_time, open_pulse_wave
    from storage.models import Metric

    client = create_web_client(services.settings)
    define_pulse(services, client, name="anon", metric=Metric.NPS, user_ids=list(CUSTOMERS),
                 policy=validate_policy(metric=Metric.NPS, remind_after_hours=24),
                 anonymous=True)
    wave = open_pulse_wave(services, name="anon", team_id=sandbox.team_id, client=client,
                           scheduled_for=manual_wave_time(services.clock()))
    deliver_due(services, client, wave_id=wave.wave_id)


def test_answers_and_comments_carry_no_link_to_the_person(
    services: Services, sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine,
    clock: FakeClock,
) -> None:
    _send_anonymous(services, sandbox)
    click_score(sandbox, slack, CUSTOMERS[0], 4)
    click_score(sandbox, slack, CUSTOMERS[0], 4)  # a double click
    clock.now += timedelta(minutes=1)
    click_score(sandbox, slack, CUSTOMERS[0], 9)  # a change of mind
    click_score(sandbox, slack, CUSTOMERS[1], 2)
    comment(sandbox, slack, CUSTOMERS[1], "Too slow")

    stored = responses(engine)
    assert sorted(r.score for r in stored) == [2, 9]
    assert all(r.delivery_id is None and r.anonymous_key for r in stored)
    assert [r.comment for r in stored if r.comment] == ["Too slow"]
    assert "You chose *9*" in str(pulse_message(sandbox, CUSTOMERS[0])["blocks"])
    overview = slack.slash_command(STAFF, "").json()
    assert "2 answers" in str(overview["blocks"])
    assert "Response rate *40%*" in str(overview["blocks"])

    clock.now += timedelta(days=1)  # reminders go to the three who have not answered
    assert run_lifecycle(services, create_web_client(services.settings)).reminded == 3
    clock.now += timedelta(days=7)
    assert run_lifecycle(services, create_web_client(services.settings)).waves_closed == 1

    assert "Your answer, *9*, was counted" in str(pulse_message(sandbox, CUSTOMERS[0])["blocks"])
    assert [r.anonymous_key for r in responses(engine)] == [None, None]
    with engine.connect() as connection:
        linked = connection.execute(text(
            "SELECT count(*) FROM response JOIN delivery ON delivery.id = response.delivery_id"
        )).scalar_one()
    assert linked == 0
    # Nor do times: every anonymous answer, comment and "answered" mark carries only its day,
    # and the exact click times are gone once no click can change anything.
    stamps = {r.answered_at for r in stored} | {r.commented_at for r in stored if r.comment}
    stamps |= {r.changed_at for r in stored if r.changed_at}
    assert {(s.hour, s.minute, s.second, s.microsecond) for s in stamps} == {(0, 0, 0, 0)}
    answered = [d.answered_at for d in deliveries(engine) if d.answered_at]
    assert {(a.hour, a.minute, a.second, a.microsecond) for a in answered} == {(0, 0, 0, 0)}
    assert {r.action_ts for r in responses(engine)} == {NO_ACTION_TS}
