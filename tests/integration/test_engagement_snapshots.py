"""/engagement's map and segments answered from snapshots: when, labelled how, kept fresh by whom.

Every computation here is made to count as slow (REPORT_SNAPSHOT_SLOW_MS=0), which is what a
workspace with a million answers sees; the last test keeps the default and a small workspace.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine

from bot.core.config import Settings
from bot.core.services import Services
from bot.sandbox.client import SignedSlackClient
from bot.sandbox.slack_api import SlackSandbox
from bot.slack.client import create_web_client
from bot.worker.leader import PulseWorker
from storage.engine import session_scope
from storage.models import Metric, ReportSnapshot
from tests.conftest import CUSTOMERS, STAFF, FakeClock, SendPulse, sandbox_settings
from tests.integration.helpers import click_score, eight_customers_score_nine

ADVOCATES = "*Engaged advocates* — "


@pytest.fixture
def settings(sandbox: SlackSandbox, database_url: str, request: pytest.FixtureRequest) -> Settings:
    """REPORT_SNAPSHOT_SLOW_MS 0 unless a test asks for `@pytest.mark.slow_ms(N)`."""
    marker = request.node.get_closest_marker("slow_ms")
    return sandbox_settings(sandbox, database_url, report_snapshot_minutes=5,
                            report_snapshot_slow_ms=marker.args[0] if marker else 0)


def _both_answers(sandbox: SlackSandbox, slack: SignedSlackClient, send_pulse: SendPulse,
                  users: tuple[str, ...], name: str) -> None:
    """NPS 10 and CSAT 5 from each of `users`: engaged advocates, all of them."""
    send_pulse(name=f"{name}-nps", users=users)
    for user_id in users:
        click_score(sandbox, slack, user_id, 10)
    send_pulse(name=f"{name}-csat", metric=Metric.CSAT, users=users)
    for user_id in users:
        click_score(sandbox, slack, user_id, 5, metric="csat")


def _map(slack: SignedSlackClient) -> tuple[str, str]:
    body = slack.slash_command(STAFF, "engagement").json()
    return body["blocks"][0]["text"]["text"], str(body["blocks"])


def test_a_fresh_snapshot_answers_and_says_as_of_when(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient, clock: FakeClock
) -> None:
    _both_answers(sandbox, slack, send_pulse, CUSTOMERS[:2], "first")

    header, live = _map(slack)
    assert header == "Engagement map · last 90 days"  # computed now: no "as of"
    assert f"{ADVOCATES}100% (34% to 100%) · 2 customers" in live

    clock.now += timedelta(minutes=3)
    _both_answers(sandbox, slack, send_pulse, CUSTOMERS[2:4], "second")
    header, kept = _map(slack)
    assert header == "Engagement map · last 90 days, as of 09:00 UTC"
    # the two new ones are not in it yet
    assert f"{ADVOCATES}100% (34% to 100%) · 2 customers" in kept

    clock.now += timedelta(minutes=8)  # 11 minutes old: more than twice REPORT_SNAPSHOT_MINUTES
    header, again = _map(slack)
    assert header == "Engagement map · last 90 days"
    assert f"{ADVOCATES}100% (51% to 100%) · 4 customers" in again


def test_the_leader_recomputes_what_people_read(
    services: Services, send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient,
    clock: FakeClock,
) -> None:
    _both_answers(sandbox, slack, send_pulse, CUSTOMERS[:2], "first")
    _map(slack)  # read once: now it is worth keeping fresh
    _both_answers(sandbox, slack, send_pulse, CUSTOMERS[2:4], "second")
    clock.now += timedelta(minutes=6)

    worker = PulseWorker(services, create_web_client(services.settings), scheduler_name="snap")
    try:
        worker.run_once()
    finally:
        worker.stop()

    header, shown = _map(slack)
    assert header == "Engagement map · last 90 days, as of 09:06 UTC"
    assert f"{ADVOCATES}100% (51% to 100%) · 4 customers" in shown


def test_a_snapshot_nobody_read_for_a_day_is_left_alone(
    services: Services, send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient,
    clock: FakeClock,
) -> None:
    from bot.reporting.snapshots import refresh_snapshots

    _both_answers(sandbox, slack, send_pulse, CUSTOMERS[:2], "first")
    _map(slack)
    clock.now += timedelta(minutes=6)
    assert refresh_snapshots(services, team_id=sandbox.team_id) == 1
    clock.now += timedelta(days=1, minutes=1)
    assert refresh_snapshots(services, team_id=sandbox.team_id) == 0


def test_segments_from_a_snapshot_still_hide_small_groups(
    services: Services, sandbox: SlackSandbox, slack: SignedSlackClient, clock: FakeClock
) -> None:
    eight_customers_score_nine(services, sandbox, slack)

    first = slack.slash_command(STAFF, "segment plan").json()["blocks"]
    clock.now += timedelta(minutes=1)
    kept = slack.slash_command(STAFF, "segment plan").json()["blocks"]

    assert "as of 09:00 UTC" not in str(first)
    assert "as of 09:00 UTC" in str(kept)
    for shown in (str(first), str(kept)):
        assert "starter" not in shown
        assert "enterprise" not in shown  # the whole minus enterprise would be starter
        assert "2 groups hidden so neither can be worked out" in shown


@pytest.mark.slow_ms(60_000)  # no machine is this slow on five customers
def test_a_fast_breakdown_is_always_live(
    engine: Engine, send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient,
    clock: FakeClock,
) -> None:
    """A map this small takes milliseconds, so nobody is shown figures minutes old."""
    _both_answers(sandbox, slack, send_pulse, CUSTOMERS[:2], "first")
    _map(slack)
    clock.now += timedelta(minutes=1)
    _both_answers(sandbox, slack, send_pulse, CUSTOMERS[2:4], "second")

    header, shown = _map(slack)

    assert header == "Engagement map · last 90 days"
    assert f"{ADVOCATES}100% (51% to 100%) · 4 customers" in shown
    with session_scope(engine) as session:
        kept = session.get(ReportSnapshot, (sandbox.team_id, "map", "90d"))
    assert kept is not None  # kept all the same: the leader reads its cost and leaves it be


def test_forgetting_a_customer_drops_the_kept_figures_that_counted_them(
    services: Services, send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient,
    clock: FakeClock,
) -> None:
    from bot.privacy.forget import forget_person

    _both_answers(sandbox, slack, send_pulse, CUSTOMERS[:2], "first")
    _map(slack)
    clock.now += timedelta(minutes=1)

    forget_person(services, team_id=sandbox.team_id, user_id=CUSTOMERS[0], requested_by=STAFF)
    header, shown = _map(slack)

    assert header == "Engagement map · last 90 days"  # computed again, not the kept one
    assert f"{ADVOCATES}100% (21% to 100%) · 1 customer" in shown


def test_themes_come_from_a_snapshot_with_their_examples_escaped(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient, clock: FakeClock
) -> None:
    from tests.integration.helpers import comment

    send_pulse()
    for user_id in CUSTOMERS[:3]:
        click_score(sandbox, slack, user_id, 3)
        comment(sandbox, slack, user_id, "The <!channel> export is slow & broken")
    first = slack.slash_command(STAFF, "themes").json()["blocks"]
    clock.now += timedelta(minutes=2)

    kept = slack.slash_command(STAFF, "themes").json()["blocks"]

    assert first[0]["text"]["text"] == "Themes · last 90 days"
    assert kept[0]["text"]["text"] == "Themes · last 90 days, as of 09:00 UTC"
    assert kept[1:] == first[1:]
    assert "export" in str(kept)
    assert "<!channel>" not in str(kept)


def test_map_movement_and_the_plan_come_from_the_maps_snapshot_with_follow_ups_read_now(
    engine: Engine, sandbox: SlackSandbox, slack: SignedSlackClient, clock: FakeClock
) -> None:
    from tests.db.continuum_history import NOW, seed_places

    clock.now = NOW
    seed_places(engine, team_id=sandbox.team_id)
    first = slack.slash_command(STAFF, "plan 30d").json()["blocks"]
    assert first[0]["text"]["text"] == "Plan per place · last 30 days"  # computed, and kept
    assert "follow-up open" not in str(first)
    opened = slack.slash_command(STAFF, "plan followup loyal_not_satisfied").json()["text"]
    assert opened.startswith("Opened 3 follow-ups")
    clock.now += timedelta(minutes=2)

    plan = slack.slash_command(STAFF, "plan 30d").json()["blocks"]
    movement = slack.slash_command(STAFF, "map movement 30d").json()["blocks"]

    assert plan[0]["text"]["text"] == "Plan per place · last 30 days, as of 12:00 UTC"
    # The three accounts of the place, each with the follow-up opened after the snapshot.
    assert str(plan).count("(follow-up open, unowned)") == 3
    assert movement[0]["text"]["text"] == (
        "Movement on the engagement map · last 30 days, as of 12:00 UTC")
    assert "*Fell out of engaged advocate:* Acme &lt;b&gt;, Hooli" in str(movement)
