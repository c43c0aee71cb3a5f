"""COMMENT_RETENTION_DAYS: only comments older than the period lose their text."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.core import ids
from bot.core.config import Settings
from bot.core.services import Services
from bot.followups.alerts import sweep_follow_ups
from bot.privacy.retention import purge_old_comments
from bot.sandbox.client import SignedSlackClient
from bot.sandbox.slack_api import SlackSandbox
from bot.slack.client import create_web_client
from bot.worker.leader import PulseWorker
from storage.engine import session_scope
from storage.models import FollowUp, Response
from storage.retention import purge_expired_comments
from tests.conftest import CUSTOMERS, STAFF, FakeClock, SendPulse, sandbox_settings
from tests.integration.answer_history import seed_answer_history
from tests.integration.helpers import click_score, comment
from tests.integration.running_bots import wait_until

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
ALERTS = "C0ALERTS"


@pytest.fixture
def settings(sandbox: SlackSandbox, database_url: str) -> Settings:
    """Follow-up alerts on, so detractors' comments are copied into follow-ups."""
    sandbox.add_channel(ALERTS, name="cx-alerts", members=[STAFF, sandbox.bot_user_id])
    return sandbox_settings(sandbox, database_url, alert_channel_id=ALERTS)


def _answers(engine: Engine) -> list[tuple[int, str | None, str | None, float | None]]:
    with Session(engine) as session:
        rows = session.exec(select(Response).order_by(col(Response.id))).all()
        return [(r.score, r.comment, r.sentiment_label, r.sentiment_polarity) for r in rows]


def test_only_old_comments_are_blanked_and_scores_and_sentiment_stay(engine: Engine) -> None:
    seed_answer_history(engine)
    before = _answers(engine)

    with session_scope(engine) as session:
        # 30 days back from 20 Nov: the answers of 1 Sep and 1 Oct go, those of 31 Oct stay.
        purged = purge_expired_comments(session=session, now=NOW, days=30)
    with session_scope(engine) as session:
        again = purge_expired_comments(session=session, now=NOW, days=30)

    after = _answers(engine)
    # Every workspace's: "Love it", "-slow exports", "@here nobody answered", "elsewhere".
    assert purged == 4
    assert again == 0
    assert [(s, label, polarity) for s, _, label, polarity in after] == [
        (s, label, polarity) for s, _, label, polarity in before
    ]
    assert {c for _, c, _, _ in after if c is not None} == {"anonymous praise"}


def test_a_period_below_a_day_is_refused(engine: Engine) -> None:
    with session_scope(engine) as session, pytest.raises(ValueError, match="at least one day"):
        purge_expired_comments(session=session, now=NOW, days=0)


def test_the_leaders_maintenance_applies_the_setting(
    services: Services, clock: FakeClock
) -> None:
    seed_answer_history(services.engine)
    clock.now = NOW
    keep_forever = PulseWorker(services, create_web_client(services.settings), scheduler_name="k")
    keep_forever.run_once()
    keep_forever.stop()
    assert sum(c is not None for _, c, _, _ in _answers(services.engine)) == 5

    settings = services.settings.model_copy(update={"comment_retention_days": 30})
    limited = dataclasses.replace(services, settings=settings)
    worker = PulseWorker(limited, create_web_client(settings), scheduler_name="r")
    worker.run_once()
    clock.now += timedelta(minutes=1)
    worker.run_once()  # within the hour: no second sweep needed, nothing breaks
    worker.stop()

    assert sum(c is not None for _, c, _, _ in _answers(services.engine)) == 1


def _follow_ups(engine: Engine) -> dict[int, FollowUp]:
    """By score: each customer below gives their own."""
    with Session(engine) as session:
        return {row.score: row for row in session.exec(select(FollowUp)).all()}


def _published(sandbox: SlackSandbox, engine: Engine, count: int) -> None:
    """Until `count` alerts are posted and recorded, so moving the clock fakes no dead poster."""
    sandbox.wait_for("chat.postMessage", count=count,
                     where=lambda call: call.args.get("channel") == ALERTS)
    wait_until(lambda: all(r.alert_revision >= r.revision for r in _follow_ups(engine).values()),
               timeout=10, what="every alert to be recorded")


def _detractor(sandbox: SlackSandbox, slack: SignedSlackClient, user_id: str, score: int,
               words: str) -> None:
    click_score(sandbox, slack, user_id, score)
    assert comment(sandbox, slack, user_id, words).status == 200


def _resolve(sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine, score: int,
             note: str) -> None:
    """Resolve the follow-up raised for `score` from its alert, with `note`."""
    follow_up_id = _follow_ups(engine)[score].id
    [alert] = [m for m in sandbox.messages(ALERTS)
               if (m.get("metadata") or {}).get("event_payload", {}).get("follow_up_id")
               == follow_up_id]
    opened = len(sandbox.calls("views.open"))
    assert slack.click(STAFF, alert, ids.FOLLOW_UP_RESOLVE_ACTION).status == 200
    view = sandbox.wait_for("views.open", count=opened + 1)[-1].response["view"]
    reply = slack.submit_view(STAFF, view,
                              {ids.FOLLOW_UP_TEXT_BLOCK: {ids.FOLLOW_UP_TEXT_INPUT: note}})
    assert (reply.status, reply.body.strip()) == (200, b"")


def test_a_follow_ups_copy_of_a_comment_goes_with_the_answers_at_the_same_cut_off(
    services: Services, sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine,
    clock: FakeClock, send_pulse: SendPulse,
) -> None:
    old, new = CUSTOMERS[:2], CUSTOMERS[2:4]
    answered_old = clock.now
    send_pulse(name="old", users=old)
    _detractor(sandbox, slack, old[0], 1, "Old: exports keep failing")
    _detractor(sandbox, slack, old[1], 2, "Old: the invoices were wrong")
    _published(sandbox, engine, 2)
    _resolve(sandbox, slack, engine, 2, "Refunded: invoices were wrong")
    clock.now += timedelta(days=2)
    send_pulse(name="new", users=new)
    _detractor(sandbox, slack, new[0], 3, "New: the app is slow")
    _detractor(sandbox, slack, new[1], 4, "New: nobody answered")
    _published(sandbox, engine, 4)
    _resolve(sandbox, slack, engine, 4, "Called them back: nobody had answered")

    # 30 days: the cut-off falls one day after the old answers and one day before the new.
    clock.now = answered_old + timedelta(days=31)
    settings = services.settings.model_copy(update={"comment_retention_days": 30})
    purge_old_comments(dataclasses.replace(services, settings=settings))

    rows = _follow_ups(engine)
    assert {score: (row.comment, row.resolution_note) for score, row in rows.items()} == {
        1: (None, None),
        2: (None, None),
        3: ("New: the app is slow", None),
        4: ("New: nobody answered", "Called them back: nobody had answered"),
    }
    listed = str(slack.slash_command(STAFF, "followups").json()["blocks"])
    assert "New: the app is slow" in listed
    assert "Old:" not in listed
    # The alerts in Slack are edited to drop the old words too.
    sweep_follow_ups(services, create_web_client(services.settings))
    alerts = str(sandbox.messages(ALERTS))
    assert "Old:" not in alerts
    assert "invoices were wrong" not in alerts
    assert "New: nobody answered" in alerts
