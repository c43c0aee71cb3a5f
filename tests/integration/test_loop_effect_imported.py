"""Closing the loop on imported history: `plan followup` opens follow-ups on imported answers,
staff reply or resolve them in Slack, and `/engagement followups effect` counts them beside a
live answer's follow-up, on both databases.

Worked on paper (the effect's default period is 90 days; recovered means a next answer of 7+):

    customer  detractor answer            follow-up                       next answer
    CUST1     imported NPS 3, CSAT 1      opened by plan, replied         imported 9: recovered
    CUST2     imported NPS 3, CSAT 2      opened by plan, nothing done    imported 8: recovered
    CUST3     imported NPS 4, CSAT 1      opened by plan, resolved        imported 5: not
    CUST4     live NPS 2 (no CSAT)        raised by the alert, replied    imported 8: recovered

Followed up (a reply or resolution recorded): CUST1, CUST3, CUST4 → 2 of 3 recovered, changes
+6, +1, +6: mean +4.33. Not followed up: CUST2 → 1 of 1, +5. Waiting: CUST3's 5, itself a
detractor answer, with no answer after it yet.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.answers.history import import_history
from bot.core import ids
from bot.core.config import Settings
from bot.core.periods import PeriodSpec
from bot.core.services import Services
from bot.followups.alerts import sweep_follow_ups
from bot.followups.effect import build_loop_effect
from bot.sandbox.client import SlackClient
from bot.sandbox.slack_api import SlackSandbox
from bot.slack.client import create_web_client
from storage.engine import session_scope
from storage.models import FollowUp
from tests.conftest import CUSTOMERS, STAFF, STAFF_GROUP, FakeClock, SendPulse, sandbox_settings
from tests.integration.helpers import click_score

ALERTS = "C0ALERTS"
CUST1, CUST2, CUST3, CUST4 = CUSTOMERS[:4]
DAY = timedelta(days=1)


@pytest.fixture
def settings(sandbox: SlackSandbox, database_url: str) -> Settings:
    sandbox.add_usergroup(STAFF_GROUP, handle="cx-team", users=[STAFF])
    sandbox.add_channel(ALERTS, name="cx-alerts", members=[STAFF, "U0BOT"])
    # Three answers make a group shown: the followed-up group here holds three.
    return sandbox_settings(sandbox, database_url, alert_channel_id=ALERTS,
                            anonymity_minimum=3)


def _import(services: Services, rows: list[tuple[str, datetime, str, int]]) -> None:
    lines = ["customer,submitted_at,metric,score"]
    lines += [f"{who},{when.isoformat()},{metric},{score}" for who, when, metric, score in rows]
    report = import_history(services, create_web_client(services.settings), "\n".join(lines),
                            team_id="T0SANDBOX")
    assert report.added == len(rows)


def _alert_for(sandbox: SlackSandbox, user_id: str) -> dict[str, Any]:
    [message] = [m for m in sandbox.messages(ALERTS)
                 if "thread_ts" not in m and f"<@{user_id}>" in str(m["blocks"])]
    return message


def _submit(sandbox: SlackSandbox, slack: SlackClient, user_id: str, action_id: str,
            text: str) -> None:
    opened = len(sandbox.calls("views.open"))
    assert slack.click(STAFF, _alert_for(sandbox, user_id), action_id).status == 200
    calls = sandbox.calls("views.open")
    assert len(calls) == opened + 1
    reply = slack.submit_view(STAFF, calls[-1].response["view"],
                              {ids.FOLLOW_UP_TEXT_BLOCK: {ids.FOLLOW_UP_TEXT_INPUT: text}})
    assert reply.status == 200


def _follow_ups(engine: Engine) -> list[FollowUp]:
    with Session(engine) as session:
        return list(session.exec(select(FollowUp).order_by(FollowUp.id)).all())  # type: ignore[arg-type]


def test_imported_detractors_followed_up_in_slack_count_beside_live_ones(
    services: Services, sandbox: SlackSandbox, slack: SlackClient, engine: Engine,
    clock: FakeClock, send_pulse: SendPulse,
) -> None:
    start = clock.now
    send_pulse(users=[CUST4])
    click_score(sandbox, slack, CUST4, 2)  # live: the alert is raised on its delivery
    _import(services, [
        (CUST1, start - 2 * DAY, "nps", 3), (CUST1, start - 2 * DAY, "csat", 1),
        (CUST2, start - 2 * DAY, "nps", 3), (CUST2, start - 2 * DAY, "csat", 2),
        (CUST3, start - 2 * DAY, "nps", 4), (CUST3, start - 2 * DAY, "csat", 1),
    ])

    opened = slack.slash_command(STAFF, "plan followup at_risk").json()["text"]
    assert opened.startswith("Opened 3 follow-ups for at risk (0 already open)")
    rows = _follow_ups(engine)
    assert len(rows) == 4
    assert all(r.response_id is not None for r in rows)
    assert [r.delivery_id is None for r in rows] == [False, True, True, True]
    sweep_follow_ups(services, create_web_client(services.settings))  # posts the three alerts

    clock.now = start + 3 * DAY
    _submit(sandbox, slack, CUST1, ids.FOLLOW_UP_REPLY_ACTION, "Sorry, we are on it")
    _submit(sandbox, slack, CUST3, ids.FOLLOW_UP_RESOLVE_ACTION, "Called them")
    _submit(sandbox, slack, CUST4, ids.FOLLOW_UP_REPLY_ACTION, "Sorry, we are on it")

    clock.now = start + 30 * DAY
    _import(services, [
        (CUST1, start + 20 * DAY, "nps", 9), (CUST2, start + 20 * DAY, "nps", 8),
        (CUST3, start + 20 * DAY, "nps", 5), (CUST4, start + 20 * DAY, "nps", 8),
    ])

    with session_scope(engine) as session:
        effect = build_loop_effect(session=session, team_id="T0SANDBOX",
                                   period=PeriodSpec(days=90).resolve(clock.now),
                                   minimum=1).effect
    assert (effect.followed_up.n, effect.followed_up.recovered) == (3, 2)
    assert effect.followed_up.mean_change == pytest.approx(13 / 3)
    assert (effect.not_followed_up.n, effect.not_followed_up.recovered) == (1, 1)
    assert effect.not_followed_up.mean_change == pytest.approx(5.0)
    assert effect.waiting == 1  # CUST3's 5, a detractor answer itself, with none after yet

    shown = str(slack.slash_command(STAFF, "followups effect").json()["blocks"])
    assert "*Followed up*: 2 of 3 recovered (*67%*" in shown
