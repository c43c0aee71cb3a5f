"""Anonymous pulses: answers work as usual, but no stored column links them to a person."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from bot.core.services import Services
from bot.pulses.lifecycle import run_lifecycle
from bot.sandbox.client import SignedSlackClient
from bot.sandbox.slack_api import SlackSandbox
from bot.slack.client import create_web_client
from storage.models import Delivery, Metric, Wave
from storage.responses import NO_ACTION_TS
from tests.conftest import CUSTOMERS, STAFF, FakeClock
from tests.counters import summed_delivery_counts
from tests.integration.helpers import (
    click_score,
    comment,
    deliveries,
    pulse_message,
    responses,
)
from tests.integration.running_bots import wait_until


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


def _delivery_times(engine: Engine) -> dict[int, dict[str, object]]:
    """Every time a delivery row holds, by delivery."""
    times = ("next_attempt_at", "claimed_at", "sent_at", "answered_at", "reminded_at",
             "closed_shown_at")
    return {d.id or 0: {name: getattr(d, name) for name in times} for d in deliveries(engine)}


def test_an_anonymous_answer_is_logged_without_its_delivery_or_score(
    services: Services, sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    _send_anonymous(services, sandbox)
    [delivery_id] = [d.id for d in deliveries(engine)
                     if d.channel_id == sandbox.dm_channel(CUSTOMERS[2])]
    caplog.clear()

    click_score(sandbox, slack, CUSTOMERS[2], 7)
    # The listener logs after the message is edited: wait for its word.
    wait_until(lambda: any("answer" in r.getMessage() for r in caplog.records),
               timeout=10, what="the answer's log line")

    logged = [r.getMessage() for r in caplog.records]
    assert [m for m in logged if "answer" in m] == ["anonymous answer recorded"]
    for message in logged:
        words = re.findall(r"\w+", message)
        assert str(delivery_id) not in words, message
        assert "7" not in words, message
        assert "nps" not in words, message


def test_no_time_of_an_anonymous_delivery_joins_it_to_an_answer(
    services: Services, sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine,
    clock: FakeClock,
) -> None:
    _send_anonymous(services, sandbox)
    sent = _delivery_times(engine)
    clock.now += timedelta(hours=2)
    click_score(sandbox, slack, CUSTOMERS[0], 9)  # alone on the first day
    clock.now += timedelta(days=2)
    click_score(sandbox, slack, CUSTOMERS[1], 3)  # alone on the third
    click_score(sandbox, slack, CUSTOMERS[2], 8)
    clock.now += timedelta(hours=1)
    click_score(sandbox, slack, CUSTOMERS[2], 10)  # a change of mind

    # Answering wrote one time on each delivery, the same for the whole wave: its day.
    answered = _delivery_times(engine)
    with Session(engine) as session:
        [wave] = session.exec(select(Wave)).all()
    mark = wave.scheduled_for.replace(hour=0, minute=0, second=0, microsecond=0)
    for delivery_id, times in answered.items():
        changed = {name for name, value in times.items() if sent[delivery_id][name] != value}
        assert changed <= {"answered_at"}
        assert times["answered_at"] in (None, mark)
    assert sum(t["answered_at"] is not None for t in answered.values()) == 3
    # So joining answers to deliveries by wave and day singles nobody out, although two of
    # the three answered alone on their day.
    for answer in responses(engine):
        same_day = [d for d in deliveries(engine) if d.wave_id == answer.wave_id
                    and d.answered_at is not None
                    and d.answered_at.date() == answer.answered_at.date()]
        assert len(same_day) in (0, 3)


def test_answers_are_counted_once_and_answerers_are_not_reminded(
    services: Services, sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine,
    clock: FakeClock,
) -> None:
    _send_anonymous(services, sandbox)
    click_score(sandbox, slack, CUSTOMERS[0], 4)
    click_score(sandbox, slack, CUSTOMERS[0], 4)  # a double click
    clock.now += timedelta(minutes=1)
    click_score(sandbox, slack, CUSTOMERS[0], 9)  # a change of mind, while the wave is open
    click_score(sandbox, slack, CUSTOMERS[1], 2)

    with Session(engine) as session:
        [day] = summed_delivery_counts(session).values()
    assert day == (5, 2)
    assert sorted(r.score for r in responses(engine)) == [2, 9]
    clock.now += timedelta(days=1)
    assert run_lifecycle(services, create_web_client(services.settings)).reminded == 3
    reminded = {c.args["channel"] for c in sandbox.calls("chat.postMessage")
                if "reminder" in str(c.args.get("text", "")).lower()}
    assert reminded == {sandbox.dm_channel(u) for u in CUSTOMERS[2:]}


def test_a_lost_answered_mark_is_made_good_instead_of_a_reminder(
    services: Services, sandbox: SlackSandbox, engine: Engine, clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The answer and its delivery's mark commit apart: if the second fails, the reminder
    sweep finds the answer by its key, marks the delivery and reminds nobody who answered."""
    from bot.answers import recording

    _send_anonymous(services, sandbox)
    [delivery] = [d for d in deliveries(engine)
                  if d.channel_id == sandbox.dm_channel(CUSTOMERS[0])]
    assert delivery.id is not None

    def lost(*_args: object) -> bool:
        raise OperationalError("UPDATE delivery", {}, Exception("connection lost"))

    monkeypatch.setattr(recording, "mark_anonymous_answered", lost)
    with pytest.raises(OperationalError):
        recording.record_answer(services, team_id=sandbox.team_id, user_id=CUSTOMERS[0],
                                delivery_id=delivery.id, metric=Metric.NPS, score=8,
                                action_ts="1.000001")
    monkeypatch.undo()
    assert [r.score for r in responses(engine)] == [8]
    assert all(d.answered_at is None for d in deliveries(engine))

    clock.now += timedelta(days=1)
    assert run_lifecycle(services, create_web_client(services.settings)).reminded == 4
    with Session(engine) as session:
        [day] = summed_delivery_counts(session).values()
        marked = session.get(Delivery, delivery.id)
    assert day == (5, 1)
    assert marked is not None
    assert marked.answered_at is not None


def test_on_postgresql_no_transaction_writes_both_the_answer_and_its_delivery(
    services: Services, sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine,
    clock: FakeClock,
) -> None:
    """A row's xmin names the transaction that wrote it (and xmax one that locked it): the
    answer and the delivery never share one, first answer or changed."""
    if engine.dialect.name != "postgresql":
        pytest.skip("xmin and xmax are PostgreSQL's")
    _send_anonymous(services, sandbox)
    [delivery] = [d for d in deliveries(engine)
                  if d.channel_id == sandbox.dm_channel(CUSTOMERS[0])]

    def written() -> tuple[set[str], set[str]]:
        with engine.connect() as connection:
            answers = set(connection.execute(text("SELECT xmin::text FROM response")).scalars())
            row = connection.execute(
                text("SELECT xmin::text, xmax::text FROM delivery WHERE id = :id"),
                {"id": delivery.id},
            ).one()
        return answers, set(row)

    click_score(sandbox, slack, CUSTOMERS[0], 4)
    answers, delivery_row = written()
    assert answers
    assert not answers & delivery_row
    clock.now += timedelta(minutes=1)
    click_score(sandbox, slack, CUSTOMERS[0], 9)  # the answer's row is written again
    answers, delivery_row = written()
    assert [r.score for r in responses(engine)] == [9]
    assert answers
    assert not answers & delivery_row
    # The same score again, later: the answer keeps the newer click's time, so its row is
    # written once more.
    changed = answers
    click_score(sandbox, slack, CUSTOMERS[0], 9)
    answers, delivery_row = written()
    assert answers != changed
    assert not answers & delivery_row
