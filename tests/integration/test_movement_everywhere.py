"""The movement and loop-effect lines in the weekly digest and on App Home's staff view."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from bot.core.services import Services
from bot.digests.poster import post_due_digests
from bot.digests.subscriptions import DigestRequest, subscribe
from bot.sandbox.client import SignedSlackClient
from bot.sandbox.slack_api import SlackSandbox
from bot.slack.client import create_web_client
from tests.conftest import STAFF, FakeClock
from tests.history_builder import History

TEAM_CHANNEL = "C0TEAM"
MONDAY = datetime(2026, 11, 23, 9, 5, tzinfo=UTC)  # the digest covers 16–22 November
LAST_WEEK, THIS_WEEK = datetime(2026, 11, 10, tzinfo=UTC), datetime(2026, 11, 17, tzinfo=UTC)
SEP = datetime(2026, 9, 1, tzinfo=UTC)


def _written(history: History) -> None:
    # Between the two weeks: three detractors became promoters (up), a promoter a passive
    # (down): 3 up, 1 down, net +2.
    for user in ("U0M1", "U0M2", "U0M3"):
        history.answer(user, 6, LAST_WEEK)
        history.answer(user, 9, THIS_WEEK)
    history.answer("U0M4", 10, LAST_WEEK)
    history.answer("U0M4", 7, THIS_WEEK)
    # Ten detractors on 1 September, five followed up within the hour, all answering again a
    # month later: followed up 9, 9, 9, 9, 4 (4 of 5 recovered), the others 7, 3, 3, 3, 3
    # (1 of 5). With the three 6 → 9 above (not followed up, recovered): 80% of 5 against
    # 4 of 8 = 50%, +30 points.
    for n, (followed, following) in enumerate([(True, 9)] * 4 + [(True, 4), (False, 7)]
                                              + [(False, 3)] * 4):
        delivery = history.answer(f"U0D{n}", 2, SEP)
        if followed:
            history.follow_up(delivery, 2, raised=SEP, replied=SEP + timedelta(hours=1))
        history.answer(f"U0D{n}", following, SEP + timedelta(days=30))


def test_the_weekly_digest_says_who_moved_and_what_following_up_did(
    services: Services, sandbox: SlackSandbox, clock: FakeClock, engine: Engine,
) -> None:
    sandbox.add_channel(TEAM_CHANNEL, name="cx-team", members=[STAFF])
    _written(History(engine, team_id=sandbox.team_id))
    client = create_web_client(services.settings)
    subscribe(services, client, team_id=sandbox.team_id,
              request=DigestRequest(channel_id=TEAM_CHANNEL), created_by=STAFF)

    clock.now = MONDAY
    assert post_due_digests(services, client) == 1

    [digest] = [m for m in sandbox.messages(TEAM_CHANNEL) if not m.get("thread_ts")]
    shown = str(digest["blocks"])
    assert "*Movement*: 3 moved up, 1 down since last week: net +2" in shown
    assert ("*Loop effect* (detractor answers, last 90 days): 80% of followed-up detractors "
            "recovered (n=5) against 50% of the others (n=8): +30 points") in shown
    assert "U0M" not in shown  # a channel post names nobody


def test_app_home_shows_both_to_staff(
    sandbox: SlackSandbox, slack: SignedSlackClient, clock: FakeClock, engine: Engine,
) -> None:
    _written(History(engine, team_id=sandbox.team_id))
    clock.now = MONDAY

    slack.event({"type": "app_home_opened", "tab": "home", "channel": "D0HOME", "user": STAFF})

    [published] = sandbox.calls("views.publish")
    shown = str(published.args["view"]["blocks"])
    # 90 days against the 90 before: every customer here answered only in the last 90 days.
    assert "*Movement*: 0 moved up, 0 down against the 90 days before: net 0" in shown
    assert "80% of followed-up detractors recovered (n=5)" in shown
