"""`forget` of a staff member: what they did stays, under a pseudonym, and the report counts it.

Staff leave their Slack ID on what they do (owning and resolving follow-ups, targets, custom
benchmarks, digest subscriptions, the industry). Their work is the team's record, so it stays;
the ID goes.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlmodel import Session, SQLModel

from bot.core import ids
from bot.core.config import Settings
from bot.core.services import Services
from bot.followups.alerts import sweep_follow_ups
from bot.privacy.forget import forget_person
from bot.sandbox.client import SignedSlackClient
from bot.sandbox.slack_api import SlackSandbox
from bot.slack.client import create_web_client
from storage.models import FollowUp
from tests.conftest import CUSTOMERS, STAFF, FakeClock, SendPulse, sandbox_settings
from tests.integration.helpers import click_score
from tests.integration.running_bots import wait_until

ALERTS, TEAM_CHANNEL = "C0ALERTS", "C0TEAM"
ADMIN, ADMIN2 = "U0ADMIN", "U0BOSS"


@pytest.fixture
def settings(sandbox: SlackSandbox, database_url: str) -> Settings:
    sandbox.add_user(ADMIN, name="admin", is_admin=True)
    sandbox.add_user(ADMIN2, name="boss", is_admin=True)
    sandbox.add_channel(ALERTS, name="cx-alerts", members=[STAFF, ADMIN, sandbox.bot_user_id])
    sandbox.add_channel(TEAM_CHANNEL, name="cx-team", members=[STAFF, ADMIN, ADMIN2])
    return sandbox_settings(sandbox, database_url, alert_channel_id=ALERTS)


def _follow_ups(engine: Engine) -> dict[int, FollowUp]:
    with Session(engine) as session:
        return {row.score: row for row in session.scalars(select(FollowUp)).all()}


def _settled(engine: Engine) -> None:
    wait_until(lambda: all(r.alert_ts and r.alert_revision >= r.revision
                           for r in _follow_ups(engine).values()),
               timeout=10, what="every alert to show its row")


def _alert(sandbox: SlackSandbox, engine: Engine, score: int) -> dict[str, Any]:
    ts = _follow_ups(engine)[score].alert_ts
    return sandbox.message(ALERTS, str(ts))


def _press(sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine, user_id: str,
           score: int, action_id: str) -> None:
    assert slack.click(user_id, _alert(sandbox, engine, score), action_id).status == 200
    _settled(engine)


def _resolve(sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine, user_id: str,
             score: int) -> None:
    opened = len(sandbox.calls("views.open"))
    assert slack.click(user_id, _alert(sandbox, engine, score),
                       ids.FOLLOW_UP_RESOLVE_ACTION).status == 200
    view = sandbox.wait_for("views.open", count=opened + 1)[-1].response["view"]
    reply = slack.submit_view(user_id, view,
                              {ids.FOLLOW_UP_TEXT_BLOCK: {ids.FOLLOW_UP_TEXT_INPUT: "Fixed"}})
    assert reply.status == 200
    _settled(engine)


def _rows_naming(engine: Engine, user_id: str) -> dict[str, int]:
    """Rows of each table that hold `user_id` anywhere."""
    found: dict[str, int] = {}
    with Session(engine) as session:
        for table in SQLModel.metadata.sorted_tables:
            rows = [json.dumps(list(row), default=str) for row in session.execute(select(table))]
            if hits := sum(user_id in row for row in rows):
                found[table.name] = hits
    return found


STAFF_COUNTS = {
    "follow_up.owner_user_id": 1,
    "follow_up.previous_owner_user_id": 1,
    "follow_up.resolved_by": 1,
    "target.set_by": 1,
    "custombenchmark.added_by": 1,
    "digestsubscription.created_by": 1,
    "workspacesetting.updated_by": 1,
}


def test_forgetting_a_staff_member_pseudonymises_what_they_did_and_counts_it(
    services: Services, sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine,
    send_pulse: SendPulse, clock: FakeClock,
) -> None:
    send_pulse(users=CUSTOMERS[:2])
    click_score(sandbox, slack, CUSTOMERS[0], 2)
    click_score(sandbox, slack, CUSTOMERS[1], 1)
    _settled(engine)
    # Follow-up on the 2: the admin owns it, a colleague takes it over, the admin resolves it.
    _press(sandbox, slack, engine, ADMIN, 2, ids.FOLLOW_UP_OWN_ACTION)
    _press(sandbox, slack, engine, STAFF, 2, ids.FOLLOW_UP_OWN_ACTION)
    _resolve(sandbox, slack, engine, ADMIN, 2)
    # Follow-up on the 1: the admin owns it, still open.
    _press(sandbox, slack, engine, ADMIN, 1, ids.FOLLOW_UP_OWN_ACTION)
    for text in ("target nps 50", "benchmark add nps 62 Acme", "set industry insurance"):
        assert "Only admins" not in slack.slash_command(ADMIN, text).json()["text"]
    assert "Digest #1" in slack.slash_command(ADMIN, "digest subscribe",
                                              channel_id=TEAM_CHANNEL).json()["text"]
    slack.slash_command(ADMIN2, "target csat 85")  # another admin's: stays theirs
    assert set(_rows_naming(engine, ADMIN)) == {
        "follow_up", "target", "custombenchmark", "digestsubscription", "workspacesetting"}

    dry = forget_person(services, team_id=sandbox.team_id, user_id=ADMIN, requested_by="dpo",
                        dry_run=True)
    assert {k: dry.counts[k] for k in STAFF_COUNTS} == STAFF_COUNTS
    assert _rows_naming(engine, ADMIN)["follow_up"] == 2  # a dry run changes nothing

    report = forget_person(services, team_id=sandbox.team_id, user_id=ADMIN, requested_by="dpo")

    assert {k: report.counts[k] for k in STAFF_COUNTS} == STAFF_COUNTS
    assert _rows_naming(engine, ADMIN) == {}
    assert _rows_naming(engine, ADMIN2) == {"target": 1}
    rows = _follow_ups(engine)
    pseudonym = rows[1].owner_user_id
    assert pseudonym is not None
    assert (rows[2].owner_user_id, rows[2].previous_owner_user_id, rows[2].resolved_by) == (
        STAFF, pseudonym, pseudonym)
    # Shown as someone forgotten, never as a mention of an ID Slack does not know.
    listed = str(slack.slash_command(STAFF, "followups").json()["blocks"])
    assert "owned by a forgotten person" in listed
    assert pseudonym not in listed
    shown = str(slack.slash_command(STAFF, "benchmark").json()["blocks"])
    assert "added by a forgotten person" in shown
    assert pseudonym not in shown
    # The alerts are edited to match, and a reminder for the forgotten owner's follow-up goes
    # to the team in the alert's thread, not to an ID Slack does not know.
    client = create_web_client(services.settings)
    assert sweep_follow_ups(services, client).published == 2
    assert ADMIN not in str(sandbox.messages(ALERTS))
    clock.now += timedelta(days=services.settings.follow_up_reminder_days)
    assert sweep_follow_ups(services, client).reminded == 1
    [nudge] = [m for m in sandbox.messages(ALERTS) if m.get("thread_ts")]
    assert nudge["thread_ts"] == rows[1].alert_ts
