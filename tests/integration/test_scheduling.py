"""Scheduled pulses: persistent jobs, one wave per fire time, leadership, restarts."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, text
from sqlmodel import Session, select

from bot.core.services import Services
from bot.pulses.definition import define_pulse, set_pulse_status, validate_policy
from bot.pulses.scheduler import PulseScheduler
from bot.pulses.waves import open_due_waves
from bot.sandbox.slack_api import SlackSandbox
from bot.slack.client import create_web_client
from bot.worker.leader import PulseWorker
from bot.worker.leadership import Leadership
from storage.engine import LOCK_WAIT_MS
from storage.models import Metric, PulseStatus, Wave
from tests.conftest import CUSTOMERS, FakeClock
from tests.integration.helpers import deliveries

MONDAY_0900_PARIS = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def _weekly_pulse(services: Services, name: str = "weekly-nps") -> int:
    return define_pulse(
        services, create_web_client(services.settings), name=name, metric=Metric.NPS,
        user_ids=list(CUSTOMERS),
        policy=validate_policy(metric=Metric.NPS, schedule="weekly", timezone="Europe/Paris",
                               min_interval_days=0),
    )


def _waves(engine: Engine) -> list[Wave]:
    with Session(engine) as session:
        return list(session.exec(select(Wave)).all())


def test_a_due_pulse_opens_one_wave_however_often_it_fires(
    services: Services, clock: FakeClock, engine: Engine
) -> None:
    _weekly_pulse(services)
    clock.now = MONDAY_0900_PARIS - timedelta(minutes=1)
    assert open_due_waves(services) == []

    clock.now = MONDAY_0900_PARIS + timedelta(seconds=5)
    first = open_due_waves(services)
    clock.now += timedelta(minutes=30)  # a second replica's sweep, or a coalesced misfire
    again = open_due_waves(services)

    assert [w.enqueued for w in first] == [len(CUSTOMERS)]
    assert again == []
    assert [w.scheduled_for for w in _waves(engine)] == [MONDAY_0900_PARIS]


def test_paused_pulses_do_not_fire(services: Services, clock: FakeClock, engine: Engine) -> None:
    _weekly_pulse(services)
    set_pulse_status(services, team_id="T0SANDBOX", name="weekly-nps", status=PulseStatus.PAUSED)
    clock.now = MONDAY_0900_PARIS

    assert open_due_waves(services) == []
    assert _waves(engine) == []


def test_jobs_live_in_the_database_and_follow_the_pulses(
    services: Services, engine: Engine
) -> None:
    pulse_id = _weekly_pulse(services)
    scheduler = PulseScheduler(services, lambda _: None, name=f"test-{id(services)}")
    scheduler.start()
    scheduler.shutdown()

    with engine.connect() as connection:
        stored = connection.execute(text("SELECT id FROM apscheduler_jobs")).scalars().all()
    assert stored == [f"pulse:{pulse_id}"]

    again = PulseScheduler(services, lambda _: None, name=f"test-{id(services)}")
    again.start()
    try:
        assert again.job_ids() == {f"pulse:{pulse_id}"}
        set_pulse_status(services, team_id="T0SANDBOX", name="weekly-nps",
                         status=PulseStatus.PAUSED)
        again.sync()
        assert again.job_ids() == set()
    finally:
        again.shutdown()


def test_a_fired_job_opens_the_wave(
    services: Services, clock: FakeClock, engine: Engine
) -> None:
    pulse_id = _weekly_pulse(services)
    clock.now = MONDAY_0900_PARIS
    fired = threading.Event()

    def open_and_signal(pid: int) -> None:
        open_due_waves(services, pulse_id=pid)
        fired.set()

    scheduler = PulseScheduler(services, open_and_signal, name=f"test-{id(services)}")
    scheduler.start()
    try:
        scheduler.run_now(pulse_id)
        assert fired.wait(timeout=10), "the job did not run"
    finally:
        scheduler.shutdown()
    assert [w.scheduled_for for w in _waves(engine)] == [MONDAY_0900_PARIS]


def test_a_restart_in_the_middle_of_a_wave_sends_each_message_once(
    services: Services, clock: FakeClock, sandbox: SlackSandbox, engine: Engine
) -> None:
    _weekly_pulse(services)
    clock.now = MONDAY_0900_PARIS
    # Slack fails the first replica's sends (each delivery once: after a 5xx the DM is checked
    # rather than the post retried blindly): the wave is opened, then every delivery is backed
    # off.
    sandbox.fail("chat.postMessage", status=503, times=len(CUSTOMERS))
    first = PulseWorker(services, create_web_client(services.settings), scheduler_name="a")
    first.run_once()
    first.stop()
    sent_before_restart = len([d for d in deliveries(engine) if d.status == "sent"])

    clock.now += timedelta(hours=1)  # past every backoff
    second = PulseWorker(services, create_web_client(services.settings), scheduler_name="b")
    second.run_once()
    second.stop()

    assert sent_before_restart < len(CUSTOMERS)
    assert {d.status for d in deliveries(engine)} == {"sent"}
    for user_id in CUSTOMERS:
        assert len(sandbox.messages(sandbox.dm_channel(user_id))) == 1


def test_exactly_one_replica_leads_and_another_takes_over(engine: Engine) -> None:
    # The lock key comes from the test's own schema, as the bot derives it: a fixed key would
    # be contended by every other run on the same server.
    first, second = Leadership(engine), Leadership(engine)
    try:
        assert first.try_acquire()
        if engine.dialect.name == "sqlite":
            # One SQLite file means one process: every replica leads, and leading holds no
            # connection and no lock, so nothing stops a writer (not even for a moment).
            assert second.try_acquire()
            assert (first.is_leader, second.is_leader) == (True, True)
            assert engine.pool.checkedout() == 0
            impatient = engine.execution_options(**{LOCK_WAIT_MS: 0})
            with impatient.begin() as connection:  # BEGIN IMMEDIATE: takes the write lock
                connection.execute(text("SELECT 1"))
            return
        assert not second.try_acquire()
        assert first.try_acquire()  # still held
        first.release()
        assert second.try_acquire()
        assert second.is_leader
    finally:
        first.release()
        second.release()


def test_each_recipient_gets_the_wave_at_their_own_local_time(
    services: Services, clock: FakeClock, sandbox: SlackSandbox
) -> None:
    from bot.pulses.dispatch import deliver_due

    sandbox.add_user("U0TOKYO", name="tokyo", tz="Asia/Tokyo")
    sandbox.add_user("U0NYC", name="nyc", tz="America/New_York")
    client = create_web_client(services.settings)
    define_pulse(services, client, name="local", metric=Metric.NPS,
                 user_ids=["U0TOKYO", CUSTOMERS[0], "U0NYC"],
                 policy=validate_policy(metric=Metric.NPS, schedule="0 0 * * MON",
                                        local_time="09:00"))
    clock.now = datetime(2026, 11, 30, 0, 0, 5, tzinfo=UTC)  # Monday 00:00 UTC
    open_due_waves(services, client)

    def reached() -> list[str]:
        deliver_due(services, client)
        return [c.args["channel"] for c in sandbox.calls("chat.postMessage")]

    assert reached() == ["U0TOKYO"]  # 09:00 in Tokyo already
    clock.now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    assert reached() == ["U0TOKYO", CUSTOMERS[0]]  # London (the sandbox's default zone)
    clock.now = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
    assert reached() == ["U0TOKYO", CUSTOMERS[0], "U0NYC"]
