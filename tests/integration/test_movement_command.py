"""/engagement movement and followups effect through signed slash commands, on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine

from bot.sandbox.client import SignedSlackClient
from bot.sandbox.slack_api import SlackSandbox
from tests.conftest import CUSTOMERS, STAFF, FakeClock
from tests.db.movement_scenario import NOW, written
from tests.history_builder import History

# The sandbox's workspace: the scenario is written there so the bot finds it.
TEAM = "T0SANDBOX"


@pytest.fixture
def history(engine: Engine) -> History:
    return History(engine, team_id=TEAM)


def test_staff_see_the_table_and_who_fell_privately(
    slack: SignedSlackClient, clock: FakeClock, history: History
) -> None:
    clock.now = NOW
    written(history)

    reply = slack.slash_command(STAFF, "movement 30d")

    body = reply.json()
    assert reply.status == 200
    assert body["response_type"] == "ephemeral"
    shown = str(body["blocks"])
    assert "Movement · last 30 days against the 30 days before" in shown
    assert "*Net movement +1*: 4 customers moved up, 3 moved down" in shown
    assert "14 customers answered NPS in one period or both" in shown
    # The default minimum is 5, and every cell of this table holds 1 or 2: all hidden but
    # silent→passive (0) and silent→silent (nobody, by definition).
    assert "silent" in shown
    assert "moving from or to silent (no answer in that period) is neither" in shown
    assert "of fewer than 5 customers" in shown
    # Named, escaped (the account is "Bolt & <Co>"), with the scores before and now.
    assert "*Fell from promoter to detractor* (1): *Bolt &amp; &lt;Co&gt;* (<@U0B>) 9 → 3" \
        in shown
    assert "<Co>" not in shown
    assert "net +1, 4 up, 3 down" in body["text"]


def test_shared_in_the_channel_it_names_nobody(
    slack: SignedSlackClient, clock: FakeClock, history: History
) -> None:
    clock.now = NOW
    written(history)

    body = slack.slash_command(STAFF, "movement 30d share").json()

    shown = str(body["blocks"])
    assert body["response_type"] == "in_channel"
    assert "*Net movement +1*" in shown
    assert "U0B" not in shown
    assert "Bolt" not in shown
    assert "1 customer fell from promoter to detractor: ask privately" in shown


def test_a_customer_gets_no_figures_and_no_names(
    slack: SignedSlackClient, clock: FakeClock, history: History, sandbox: SlackSandbox
) -> None:
    clock.now = NOW
    written(history)

    for text in ("movement 30d", "followups effect"):
        body = slack.slash_command(CUSTOMERS[0], text).json()

        shown = str(body)
        assert "for the team that runs these surveys" in shown
        assert "Net movement" not in shown
        assert "U0B" not in shown
        assert "recovered" not in shown


def test_with_nobody_to_compare_it_says_so(slack: SignedSlackClient) -> None:
    shown = str(slack.slash_command(STAFF, "movement").json()["blocks"])

    assert "No customer answered NPS in the last 90 days or the 90 days before" in shown


def test_the_loop_effect_as_staff_see_it(
    slack: SignedSlackClient, clock: FakeClock, history: History
) -> None:
    clock.now = NOW
    start = NOW - timedelta(days=80)
    # Five detractors followed up within a day, five not; each answered again 30 days on.
    # Followed up: 9, 8, 7, 7, 4 → 4 of 5 recovered; not: 7, 6, 5, 3, 2 → 1 of 5.
    for n, (followed, following) in enumerate([(True, 9), (True, 8), (True, 7), (True, 7),
                                               (True, 4), (False, 7), (False, 6), (False, 5),
                                               (False, 3), (False, 2)]):
        user = f"U0D{n}"
        delivery = history.answer(user, 3, start)
        if followed:
            history.follow_up(delivery, 3, raised=start, replied=start + timedelta(hours=2))
        history.answer(user, following, start + timedelta(days=30))

    body = slack.slash_command(STAFF, "followups effect").json()

    shown = str(body["blocks"])
    assert "Closing the loop: the effect · detractor answers, last 90 days" in shown
    assert "*Followed up*: 4 of 5 recovered (*80%*" in shown
    assert "*Not followed up*: 1 of 5 recovered (*20%*" in shown
    assert "*Difference*: +60 points recovered" in shown
    assert "5 follow-ups raised on these answers: median 2 h to the first reply" in shown
    # `followups` alone still lists open follow-ups and response times.
    plain = str(slack.slash_command(STAFF, "followups").json()["blocks"])
    assert "Median time to first response" in plain
    assert "recovered" not in plain
