"""Drift warnings: the leader posts one per segment, metric and period to the alert channel."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.core.config import Settings
from bot.core.services import Services
from bot.reporting.drift.alerts import check_drift, settle_drift_alerts
from bot.sandbox.client import SignedSlackClient
from bot.sandbox.slack_api import SlackSandbox
from bot.slack.client import create_web_client
from bot.slack.lookup import DRIFT_ALERT
from bot.worker.leader import PulseWorker
from storage.drift import DriftRecord, claim_drift_alert
from storage.engine import session_scope
from storage.models import DriftAlert, DriftAlertStatus, Metric, WorkspaceSetting
from tests.conftest import STAFF, FakeClock, sandbox_settings
from tests.drift_history import Said, customers, people, scored, wave

ALERTS = "C0ALERTS"
ADMIN = "U0ADMIN"
DAY = timedelta(days=1)


@pytest.fixture
def settings(sandbox: SlackSandbox, database_url: str) -> Settings:
    sandbox.add_user(ADMIN, name="admin", is_admin=True)
    sandbox.add_channel(ALERTS, name="cx-alerts", members=[STAFF, ADMIN, "U0BOT"])
    return sandbox_settings(sandbox, database_url, alert_channel_id=ALERTS)


def _warnings(sandbox: SlackSandbox) -> list[dict[str, Any]]:
    return [m for m in sandbox.messages(ALERTS)
            if (m.get("metadata") or {}).get("event_type") == DRIFT_ALERT.event_type]


def _rows(engine: Engine) -> list[DriftAlert]:
    with Session(engine) as session:
        return list(session.exec(select(DriftAlert)).all())


def _whole_workspace_falls(engine: Engine, team_id: str, clock: FakeClock) -> list[str]:
    """40 customers with no attributes (so only the whole workspace is checked): every answer a
    10 forty-five days ago, then half 8 and half 4 ten days ago (NPS +100 to −50)."""
    users = people("CUS", 40)
    wave(engine, team_id, when=clock.now - 45 * DAY, answers=scored(users, [10]))
    wave(engine, team_id, when=clock.now - 10 * DAY, answers=scored(users, [8, 4]))
    return users


def _worker(services: Services, name: str = "drift") -> PulseWorker:
    return PulseWorker(services, create_web_client(services.settings), scheduler_name=name)


def test_the_leader_posts_one_warning_per_period_and_another_in_the_next(
    services: Services, sandbox: SlackSandbox, engine: Engine, clock: FakeClock,
) -> None:
    users = _whole_workspace_falls(engine, sandbox.team_id, clock)
    worker = _worker(services)
    try:
        worker.run_once()
        [warning] = _warnings(sandbox)
        shown = str(warning["blocks"])
        assert "NPS fell beyond its margin" in shown
        assert "the whole workspace" in shown
        # +100 (40 answers) to −50 (40 answers), each with its own 95% interval.
        assert "*+100*" in shown
        assert "*\u221250*" in shown
        assert shown.count("40 answers") == 2
        assert shown.count("95% interval") == 2

        for _ in range(2):  # the second and third hourly checks of the same period
            clock.now += timedelta(hours=1)
            worker.run_once()
        assert len(_warnings(sandbox)) == 1

        # A new period (30 days on): the fallen answers are now the previous window, and the
        # workspace falls again, to −100.
        clock.now += 30 * DAY
        wave(engine, sandbox.team_id, when=clock.now - 5 * DAY, answers=scored(users, [3]))
        worker.run_once()
    finally:
        worker.stop()
    first, second = _warnings(sandbox)
    assert "*\u2212100*" in str(second["blocks"])
    rows = _rows(engine)
    assert [r.status for r in rows] == [DriftAlertStatus.POSTED] * 2
    assert {r.message_ts for r in rows} == {first["ts"], second["ts"]}
    assert second["metadata"] == DRIFT_ALERT.metadata(rows[1].id or 0)


def test_the_check_waits_an_hour_between_looks(
    services: Services, sandbox: SlackSandbox, engine: Engine, clock: FakeClock,
) -> None:
    worker = _worker(services)
    try:
        worker.run_once()  # nothing to warn about yet
        _whole_workspace_falls(engine, sandbox.team_id, clock)
        clock.now += timedelta(minutes=59)
        worker.run_once()
        assert _warnings(sandbox) == []  # within the hour: not looked at again
        clock.now += timedelta(minutes=1)
        worker.run_once()
    finally:
        worker.stop()
    assert len(_warnings(sandbox)) == 1


def test_a_falling_segment_is_named_with_its_own_worst_comments_escaped(
    services: Services, sandbox: SlackSandbox, engine: Engine, clock: FakeClock,
) -> None:
    team, now = sandbox.team_id, clock.now
    enterprise, starter = people("ENT", 40), people("STA", 150)
    trial, pilot = people("TRI", 4), people("PIL", 3)
    for users, plan in ((enterprise, "enterprise"), (starter, "starter"), (trial, "trial"),
                        (pilot, "pilot")):
        customers(engine, team, users, {"plan": plan}, now=now - 90 * DAY)
    before, lately = now - 45 * DAY, now - 10 * DAY
    # Enterprise falls from +100 to −100, starter rises from +20 to +100: the whole workspace
    # moves from +46.7 to +36.0 (225 answers each), within its margin.
    wave(engine, team, when=before, answers=scored(enterprise, [10]) +
         scored(starter, [9, 9, 8, 8, 3]))
    worst = [Said(enterprise[0], 2, "Invoices wrong <!channel> again", -0.9),
             Said(enterprise[1], 1, "Support never answers", -0.6),
             Said(enterprise[2], 2, "Slow exports", -0.3),
             Said(enterprise[3], 2, "Fine I guess", 0.1)]
    wave(engine, team, when=lately, answers=worst + scored(enterprise[4:], [2]) +
         scored(starter, [10, 10, 9, 9, 9]) + scored(pilot, [9]))
    wave(engine, team, when=before - timedelta(hours=1), answers=scored(pilot, [9]))
    # Trial: 4 people, 32 answers falling from 10 to 0: under the anonymity minimum of 5
    # people, never checked or named, however many answers. Pilot (3 people) keeps the two
    # small groups at 7 people together, so no larger group is withheld beside them.
    for hour in range(8):
        wave(engine, team, when=before + timedelta(hours=hour + 1), answers=scored(trial, [10]))
        wave(engine, team, when=lately + timedelta(hours=hour + 1), answers=scored(trial, [0]))
    # A starter's strongly negative comment is of another segment: not behind this fall.
    wave(engine, team, when=lately + DAY, answers=[Said(starter[1], 3, "Nothing for me", -1.0)])

    check_drift(services, create_web_client(services.settings), team_id=team)

    [warning] = _warnings(sandbox)
    shown = str(warning["blocks"])
    assert "plan = enterprise" in shown
    assert "trial" not in shown
    assert "pilot" not in shown
    # The three most negative comments of the segment's lower answers, most negative first,
    # escaped; the fourth (positive) is left out, and nothing from another segment.
    assert shown.index("Invoices wrong") < shown.index("Support never") < shown.index("Slow")
    assert "&lt;!channel&gt;" in shown
    assert "<!channel>" not in shown
    assert "Fine I guess" not in shown
    assert "Nothing for me" not in shown
    assert [r.segment for r in _rows(engine)] == ["plan=enterprise"]


@pytest.mark.parametrize(("people_count", "quoted"), [(4, False), (5, True)])
def test_the_whole_workspaces_comments_are_quoted_only_from_enough_people(
    services: Services, sandbox: SlackSandbox, engine: Engine, clock: FakeClock,
    people_count: int, quoted: bool,
) -> None:
    # 4 or 5 people (ANONYMITY_MINIMUM is 5) answering often enough to give 40 answers a
    # period: the whole workspace is checked from 30 answers, whoever gives them.
    users = people("FEW", people_count)
    for n in range(40 // people_count):
        wave(engine, sandbox.team_id, when=clock.now - 45 * DAY + n * timedelta(hours=1),
             answers=scored(users, [10]))
        wave(engine, sandbox.team_id, when=clock.now - 10 * DAY + n * timedelta(hours=1),
             answers=[Said(u, 2, f"Broken again, says {u}", -0.8) for u in users])

    check_drift(services, create_web_client(services.settings), team_id=None)

    [warning] = _warnings(sandbox)
    shown = str(warning["blocks"])
    assert ("Broken again" in shown) is quoted
    assert ("Comments are not quoted: too few people answered" in shown) is not quoted


@pytest.mark.parametrize("answers", [29, 30])
def test_a_fall_is_warned_about_from_exactly_the_minimum_sample(
    services: Services, sandbox: SlackSandbox, engine: Engine, clock: FakeClock, answers: int,
) -> None:
    # Every answer a 10, then every answer a 0: the largest fall there is.
    users = people("CUS", answers)
    wave(engine, sandbox.team_id, when=clock.now - 45 * DAY, answers=scored(users, [10]))
    wave(engine, sandbox.team_id, when=clock.now - 10 * DAY, answers=scored(users, [0]))

    check_drift(services, create_web_client(services.settings), team_id=sandbox.team_id)

    assert len(_warnings(sandbox)) == (1 if answers >= 30 else 0)


def test_drift_off_checks_nothing_and_on_brings_the_warnings_back(
    services: Services, sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine,
    clock: FakeClock,
) -> None:
    _whole_workspace_falls(engine, sandbox.team_id, clock)
    refused = slack.slash_command(STAFF, "set drift off")
    assert "admin" in refused.json()["text"].lower()

    off = slack.slash_command(ADMIN, "set drift off")
    assert "Drift warnings are off" in off.json()["text"]
    worker = _worker(services)
    try:
        worker.run_once()
        assert _warnings(sandbox) == []
        assert _rows(engine) == []

        on = slack.slash_command(ADMIN, "set drift on")
        assert f"<#{ALERTS}>" in on.json()["text"]
        clock.now += timedelta(hours=1)
        worker.run_once()
    finally:
        worker.stop()
    assert len(_warnings(sandbox)) == 1


def test_set_drift_takes_only_on_or_off(
    sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine,
) -> None:
    reply = slack.slash_command(ADMIN, "set drift maybe")
    assert "set drift off, or set drift on" in str(reply.json())
    with Session(engine) as session:
        assert session.exec(select(WorkspaceSetting)).all() == []


def test_two_replicas_checking_at_once_post_one_warning(
    services: Services, sandbox: SlackSandbox, engine: Engine, clock: FakeClock,
) -> None:
    _whole_workspace_falls(engine, sandbox.team_id, clock)
    # Slack answers late, so both checks are in flight together.
    sandbox.delay_answers("chat.postMessage", 0.5)
    start = threading.Barrier(2)
    posted: list[int] = []

    def replica() -> None:
        client = create_web_client(services.settings)
        start.wait()
        posted.append(check_drift(services, client, team_id=sandbox.team_id))

    threads = [threading.Thread(target=replica) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(posted) == [0, 1]
    assert len(_warnings(sandbox)) == 1
    assert len(_rows(engine)) == 1


def _claim(services: Services, team_id: str) -> int:
    now = services.clock()
    with session_scope(services.engine) as session:
        alert_id = claim_drift_alert(
            session=session, team_id=team_id,
            record=DriftRecord("all", Metric.NPS, 100.0, -50.0, 40, 40, 91.0, 100.0, -70.0,
                               -25.0, 80.0),
            period_start=now - DAY, current_start=now - 30 * DAY, now=now,
            quiet_since=now - 30 * DAY, channel_id=ALERTS)
    assert alert_id is not None
    return alert_id


def test_a_poster_killed_after_slack_accepted_is_settled_from_slack(
    services: Services, sandbox: SlackSandbox, engine: Engine, clock: FakeClock,
) -> None:
    _whole_workspace_falls(engine, sandbox.team_id, clock)
    alert_id = _claim(services, sandbox.team_id)
    create_web_client(services.settings).chat_postMessage(
        channel=ALERTS, text="drift", metadata=DRIFT_ALERT.metadata(alert_id))
    client = create_web_client(services.settings)

    clock.now += timedelta(minutes=1)  # within the lease: nobody touches it
    assert settle_drift_alerts(services, client, team_id=None) == 0
    clock.now += timedelta(minutes=10)  # past the lease: found in Slack, not posted again
    assert settle_drift_alerts(services, client, team_id=None) == 1
    check_drift(services, client, team_id=None)  # and the check raises nothing more

    [warning] = _warnings(sandbox)
    [row] = _rows(engine)
    assert row.status == DriftAlertStatus.POSTED
    assert row.message_ts == warning["ts"]


def test_a_poster_killed_before_slack_answered_posts_once_after_the_lease(
    services: Services, sandbox: SlackSandbox, engine: Engine, clock: FakeClock,
) -> None:
    _whole_workspace_falls(engine, sandbox.team_id, clock)
    _claim(services, sandbox.team_id)
    client = create_web_client(services.settings)

    clock.now += timedelta(minutes=10)
    settle_drift_alerts(services, client, team_id=None)
    settle_drift_alerts(services, client, team_id=None)

    assert len(_warnings(sandbox)) == 1
    assert [r.status for r in _rows(engine)] == [DriftAlertStatus.POSTED]


def test_a_slack_error_after_posting_is_checked_in_the_channel_not_posted_twice(
    services: Services, sandbox: SlackSandbox, engine: Engine, clock: FakeClock,
) -> None:
    _whole_workspace_falls(engine, sandbox.team_id, clock)
    sandbox.fail("chat.postMessage", status=503)  # a gateway timing out after Slack posted?

    check_drift(services, create_web_client(services.settings), team_id=None)
    clock.now += timedelta(minutes=10)
    settle_drift_alerts(services, create_web_client(services.settings), team_id=None)

    assert len(_warnings(sandbox)) == 1
    assert [r.status for r in _rows(engine)] == [DriftAlertStatus.POSTED]


def test_an_archived_alert_channel_is_recorded_and_not_retried(
    services: Services, sandbox: SlackSandbox, engine: Engine, clock: FakeClock,
) -> None:
    _whole_workspace_falls(engine, sandbox.team_id, clock)
    sandbox.respond_error("chat.postMessage", "is_archived")

    check_drift(services, create_web_client(services.settings), team_id=None)
    clock.now += timedelta(minutes=10)
    settle_drift_alerts(services, create_web_client(services.settings), team_id=None)

    assert _warnings(sandbox) == []
    [row] = _rows(engine)
    assert (row.status, row.error) == (DriftAlertStatus.FAILED, "is_archived")
    assert len(sandbox.calls("chat.postMessage")) == 1


def test_without_an_alert_channel_the_warning_is_recorded_for_home_and_digests(
    sandbox: SlackSandbox, database_url: str, engine: Engine, clock: FakeClock,
) -> None:
    services = Services(settings=sandbox_settings(sandbox, database_url), engine=engine,
                        clock=clock)
    _whole_workspace_falls(engine, sandbox.team_id, clock)

    assert check_drift(services, create_web_client(services.settings), team_id=None) == 0

    assert sandbox.calls("chat.postMessage") == []
    [row] = _rows(engine)
    assert row.status == DriftAlertStatus.NO_CHANNEL


def test_staff_see_the_current_warnings_in_app_home_and_customers_never(
    services: Services, sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine,
    clock: FakeClock,
) -> None:
    users = _whole_workspace_falls(engine, sandbox.team_id, clock)
    check_drift(services, create_web_client(services.settings), team_id=None)
    sandbox.add_user(users[0], name="customer", real_name="A Customer")

    slack.event({"type": "app_home_opened", "tab": "home", "channel": "D0HOME", "user": STAFF})
    slack.event({"type": "app_home_opened", "tab": "home", "channel": "D0HOME",
                 "user": users[0]})

    staff, customer = (str(call.args["view"]["blocks"])
                       for call in sandbox.calls("views.publish"))
    assert "*Drift warnings*" in staff
    assert "NPS fell for the whole workspace: +100 to \u221250 (40 and 40 answers)" in staff
    assert "Drift" not in customer
