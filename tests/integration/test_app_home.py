"""app_home_opened publishes the Home; Slack's retries of the same event do nothing more."""

from __future__ import annotations

from bot.sandbox.client import SignedSlackClient
from bot.sandbox.slack_api import SlackSandbox
from tests.conftest import CUSTOMERS, STAFF, SendPulse

HOME_OPENED = {"type": "app_home_opened", "tab": "home", "channel": "D0HOME"}


def test_staff_home_shows_the_figures(sandbox: SlackSandbox, slack: SignedSlackClient) -> None:
    reply = slack.event({**HOME_OPENED, "user": STAFF})

    [published] = sandbox.wait_for("views.publish")
    assert reply.status == 200
    assert published.args["user_id"] == STAFF
    assert "Customer engagement" in str(published.args["view"]["blocks"])
    assert sandbox.problems == []


def test_customer_home_shows_no_figures(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient
) -> None:
    send_pulse()
    slack.event({**HOME_OPENED, "user": CUSTOMERS[0]})

    [published] = sandbox.wait_for("views.publish")
    assert "Thanks for helping us improve" in str(published.args["view"]["blocks"])
    assert "NPS" not in str(published.args["view"]["blocks"])


def test_a_retried_event_is_handled_once(
    sandbox: SlackSandbox, slack: SignedSlackClient
) -> None:
    first = slack.event({**HOME_OPENED, "user": STAFF}, event_id="Ev0RETRY")
    sandbox.wait_for("views.publish")
    retries = [
        slack.event({**HOME_OPENED, "user": STAFF}, event_id="Ev0RETRY", retry_num=n)
        for n in (1, 2)
    ]
    other = slack.event({**HOME_OPENED, "user": STAFF}, event_id="Ev0OTHER")
    sandbox.wait_for("views.publish", count=2)

    assert [r.status for r in (first, *retries, other)] == [200, 200, 200, 200]
    assert len(sandbox.calls("views.publish")) == 2
