"""Who a new wave skips: survey fatigue at the edge of its window, consent, and whose sends count.

Waves are opened as the scheduler opens them (`open_pulse_wave` at a scheduled time), through the
sandbox, on SQLite and PostgreSQL; `WaveOpened` says how many were skipped and why.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.core.services import Services
from bot.pulses.definition import define_pulse, validate_policy
from bot.pulses.waves import WaveOpened, manual_wave_time, open_pulse_wave
from bot.sandbox.slack_api import SlackSandbox
from bot.slack.client import create_web_client
from storage.engine import session_scope
from storage.models import Delivery, Metric, PulseMetric, Wave
from storage.respondents import ensure_respondents, set_opted_out
from storage.workspaces import ensure_workspace
from tests.conftest import CUSTOMERS, FakeClock, SendPulse


def _define(
    services: Services, name: str, *, metric: Metric | PulseMetric = Metric.NPS,
    users: tuple[str, ...] = CUSTOMERS, min_interval_days: int = 90,
) -> None:
    define_pulse(services, create_web_client(services.settings), name=name, metric=metric,
                 user_ids=list(users),
                 policy=validate_policy(metric=metric, min_interval_days=min_interval_days))


def _open(
    services: Services, sandbox: SlackSandbox, name: str, scheduled_for: datetime
) -> WaveOpened:
    return open_pulse_wave(services, name=name, team_id=sandbox.team_id,
                           scheduled_for=scheduled_for)


def _skipped(opened: WaveOpened) -> tuple[int, int, int]:
    return opened.fatigued, opened.opted_out, opened.enqueued


def _sent_at(engine: Engine) -> datetime:
    """The one instant the first wave went out (the fake clock does not move while it does)."""
    with Session(engine) as session:
        sent = set(session.exec(select(Delivery.sent_at)).all())
    assert len(sent) == 1, sent
    (at,) = sent
    assert at is not None
    return at


def test_the_window_holds_to_its_last_instant_and_opens_a_day_later(
    send_pulse: SendPulse, sandbox: SlackSandbox, services: Services, engine: Engine
) -> None:
    send_pulse(min_interval_days=90)
    sent_at = _sent_at(engine)

    # 89 days on, and exactly 90 days to the microsecond: still within the window.
    # 91 days on: outside it, everyone is asked again.
    opened = [_open(services, sandbox, "nps-pulse", sent_at + timedelta(days=days))
              for days in (89, 90, 91)]

    assert [_skipped(wave) for wave in opened] == [(5, 0, 0), (5, 0, 0), (0, 0, 5)]


def test_another_metric_does_not_count(
    send_pulse: SendPulse, sandbox: SlackSandbox, services: Services, clock: FakeClock
) -> None:
    send_pulse(name="support", metric=Metric.CSAT, min_interval_days=30)
    _define(services, "loyalty", metric=Metric.NPS, min_interval_days=90)

    opened = _open(services, sandbox, "loyalty", manual_wave_time(clock.now))

    assert _skipped(opened) == (0, 0, len(CUSTOMERS))


def test_a_pulse_asking_both_skips_whoever_had_either_metric(
    send_pulse: SendPulse, sandbox: SlackSandbox, services: Services, clock: FakeClock
) -> None:
    send_pulse(name="nps-first", metric=Metric.NPS, users=CUSTOMERS[:1])
    send_pulse(name="csat-first", metric=Metric.CSAT, users=CUSTOMERS[1:2])
    _define(services, "both", metric=PulseMetric.BOTH, min_interval_days=90)

    opened = _open(services, sandbox, "both", manual_wave_time(clock.now))

    assert _skipped(opened) == (2, 0, len(CUSTOMERS) - 2)


def test_only_people_in_this_audience_count_as_tired(
    send_pulse: SendPulse, sandbox: SlackSandbox, services: Services, clock: FakeClock
) -> None:
    send_pulse(name="first", users=CUSTOMERS[:2])
    _define(services, "second", users=CUSTOMERS[2:])

    opened = _open(services, sandbox, "second", manual_wave_time(clock.now))

    assert _skipped(opened) == (0, 0, 3)


def test_resuming_a_wave_does_not_count_its_own_sends(
    send_pulse: SendPulse, sandbox: SlackSandbox, services: Services, clock: FakeClock
) -> None:
    wave_id = send_pulse(min_interval_days=90)

    again = _open(services, sandbox, "nps-pulse", manual_wave_time(clock.now))

    assert again.wave_id == wave_id
    assert _skipped(again) == (0, 0, 0)  # nobody new to enqueue, and nobody "surveyed recently"


def test_without_a_minimum_interval_the_metric_may_go_out_again_the_same_day(
    send_pulse: SendPulse, sandbox: SlackSandbox, services: Services, clock: FakeClock
) -> None:
    send_pulse(name="morning", min_interval_days=0)
    _define(services, "afternoon", min_interval_days=0)

    opened = _open(services, sandbox, "afternoon", manual_wave_time(clock.now))

    assert _skipped(opened) == (0, 0, len(CUSTOMERS))


def test_opted_out_people_are_skipped_and_counted(
    sandbox: SlackSandbox, services: Services, clock: FakeClock
) -> None:
    _define(services, "nps-pulse")
    with session_scope(services.engine) as session:
        ensure_respondents(session=session, team_id=sandbox.team_id, user_ids=CUSTOMERS,
                           now=clock.now)
        set_opted_out(session=session, team_id=sandbox.team_id, user_id=CUSTOMERS[3],
                      opted_out=True)

    opened = _open(services, sandbox, "nps-pulse", manual_wave_time(clock.now))

    assert opened == WaveOpened(pulse_name="nps-pulse", wave_id=opened.wave_id,
                                audience=len(CUSTOMERS), enqueued=len(CUSTOMERS) - 1,
                                opted_out=1, fatigued=0)
    assert opened.skipped == 1


def test_the_same_person_in_another_workspace_is_not_surveyed_twice(
    sandbox: SlackSandbox, services: Services, clock: FakeClock, engine: Engine
) -> None:
    # Slack Connect and Enterprise Grid: one user id can belong to several workspaces.
    with session_scope(engine) as session:
        ensure_workspace(session=session, team_id="T0OTHER", name="other", now=clock.now)
        ensure_respondents(session=session, team_id="T0OTHER", user_ids=CUSTOMERS[:1],
                           now=clock.now)
    _define(services, "nps-pulse")

    opened = _open(services, sandbox, "nps-pulse", manual_wave_time(clock.now))

    assert _skipped(opened) == (0, 0, len(CUSTOMERS))


def test_a_wave_closes_its_close_after_days_after_its_scheduled_time(
    sandbox: SlackSandbox, services: Services, clock: FakeClock, engine: Engine
) -> None:
    define_pulse(services, create_web_client(services.settings), name="short", metric=Metric.NPS,
                 user_ids=list(CUSTOMERS),
                 policy=validate_policy(metric=Metric.NPS, close_after_days=5))
    scheduled_for = manual_wave_time(clock.now)

    opened = _open(services, sandbox, "short", scheduled_for)

    with Session(engine) as session:
        wave = session.exec(select(Wave).where(col(Wave.id) == opened.wave_id)).one()
    assert wave.closes_at == scheduled_for + timedelta(days=5)
