"""app_home_opened publishes the Home; Slack's retries of the same event do nothing more."""

from __future__ import annotations

from bot.core.services import Services
from bot.pulses.definition import define_pulse
from bot.sandbox.client import SignedSlackClient, SlackClient
from bot.sandbox.slack_api import SlackSandbox
from bot.slack.client import create_web_client
from storage.models import Metric
from tests.conftest import BOTH_TRANSPORTS, CUSTOMERS, STAFF, SendPulse
from tests.integration.helpers import click_score

HOME_OPENED = {"type": "app_home_opened", "tab": "home", "channel": "D0HOME"}


@BOTH_TRANSPORTS
def test_staff_home_shows_the_figures(sandbox: SlackSandbox, slack: SlackClient) -> None:
    reply = slack.event({**HOME_OPENED, "user": STAFF})

    [published] = sandbox.calls("views.publish")
    assert reply.status == 200
    assert published.args["user_id"] == STAFF
    assert "Customer engagement" in str(published.args["view"]["blocks"])
    assert sandbox.problems == []


def test_customer_home_shows_no_figures(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient
) -> None:
    send_pulse()
    slack.event({**HOME_OPENED, "user": CUSTOMERS[0]})

    [published] = sandbox.calls("views.publish")
    assert "Thanks for helping us improve" in str(published.args["view"]["blocks"])
    assert "NPS" not in str(published.args["view"]["blocks"])


@BOTH_TRANSPORTS
def test_a_retried_event_is_handled_once(
    sandbox: SlackSandbox, slack: SlackClient
) -> None:
    first = slack.event({**HOME_OPENED, "user": STAFF}, event_id="Ev0RETRY")
    retries = [
        slack.event({**HOME_OPENED, "user": STAFF}, event_id="Ev0RETRY", retry_num=n)
        for n in (1, 2)
    ]
    other = slack.event({**HOME_OPENED, "user": STAFF}, event_id="Ev0OTHER")

    # Each request returned once its listeners had finished: every publish there will be is in.
    assert [r.status for r in (first, *retries, other)] == [200, 200, 200, 200]
    assert len(sandbox.calls("views.publish")) == 2


def test_the_staff_dashboard_shows_trend_benchmark_map_and_pulses_within_100_blocks(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient, services: Services,
) -> None:
    send_pulse(name="weekly-nps", schedule="weekly")
    for user_id, score in zip(CUSTOMERS, (10, 9, 8, 4, 10), strict=True):
        click_score(sandbox, slack, user_id, score)
    client = create_web_client(services.settings)
    for n in range(40):  # more pulses than the Home shows
        define_pulse(services, client, name=f"z-extra-{n:02}", metric=Metric.CSAT,
                     user_ids=[CUSTOMERS[0]])

    slack.event({**HOME_OPENED, "user": STAFF})

    [published] = sandbox.calls("views.publish")
    blocks = published.args["view"]["blocks"]
    shown = str(blocks)
    assert len(blocks) <= 100
    assert "*NPS trend* `" in shown
    assert "Against the best" in shown
    assert "Engagement map" in shown
    assert "*weekly-nps* · NPS · active · weekly · next wave" in shown
    assert "last wave 5 answers of 5 sent" in shown
    assert "26 more: `/engagement pulse list`" in shown
    assert sandbox.problems == []


def test_a_customers_home_lists_the_surveys_they_had(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient
) -> None:
    send_pulse(name="q4-nps")
    click_score(sandbox, slack, CUSTOMERS[0], 9)

    slack.event({**HOME_OPENED, "user": CUSTOMERS[0]})

    [published] = sandbox.calls("views.publish")
    shown = str(published.args["view"]["blocks"])
    assert "*Your surveys*" in shown
    assert "q4-nps · answered" in shown
    assert "Stop these surveys" in shown


def test_home_says_when_the_last_answer_came_rather_than_none_yet_beside_a_trend(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient, clock,
) -> None:
    from datetime import timedelta

    clock.now -= timedelta(days=100)
    send_pulse(min_interval_days=0)
    for user_id in CUSTOMERS:
        click_score(sandbox, slack, user_id, 10)
    answered = clock.now
    clock.now += timedelta(days=100)
    send_pulse(name="csat", metric=Metric.CSAT, min_interval_days=0)
    click_score(sandbox, slack, CUSTOMERS[0], 5, metric="csat")

    slack.event({**HOME_OPENED, "user": STAFF})

    [published] = sandbox.calls("views.publish")
    shown = str(published.args["view"]["blocks"])
    # The earlier answers are on the trend beside the figures, with their interval: 5
    # promoters, adjusted p = 5.75/8, d = 0.75/8, centre .625, margin
    # 1.96·√((.8125 − .390625)/8) = .450 → +17 to +100 (clipped).
    assert f"*NPS trend* `█` {answered:%b} +100 (+17 to +100)" in shown
    assert "No answers yet" not in shown
    assert f"No answers in the last 90 days; the last on {answered:%-d %b %Y}" in shown
    assert "*100%* satisfied  (1 answer)" in shown


def test_home_of_a_workspace_never_answered_says_no_answers_yet(
    sandbox: SlackSandbox, slack: SignedSlackClient
) -> None:
    slack.event({**HOME_OPENED, "user": STAFF})

    [published] = sandbox.calls("views.publish")
    shown = str(published.args["view"]["blocks"])
    assert "*NPS*\\nNo answers yet" in shown
    assert "*CSAT*\\nNo answers yet" in shown
