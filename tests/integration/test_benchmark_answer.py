"""`/engagement benchmark` over signed HTTP: one screen, its "All N benchmarks" button, the
five-year rule on the injected clock, the consumer caveat and labels."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.benchmarks.comparison_blocks import ONE_SCREEN
from bot.core import ids
from bot.sandbox.client import SignedSlackClient
from bot.sandbox.render import shown_text
from bot.sandbox.slack_api import SlackSandbox
from tests.conftest import CUSTOMERS, STAFF, FakeClock
from tests.integration.helpers import click_all_benchmarks

CAVEAT = "Consumer figures come from consumers rating companies they use"


def _button(answer: dict[str, Any]) -> dict[str, Any]:
    buttons: list[dict[str, Any]] = [
        element for block in answer["blocks"] if block["type"] == "actions"
        for element in block["elements"] if element["action_id"] == ids.ALL_BENCHMARKS_ACTION
    ]
    [button] = buttons
    return button


@pytest.mark.parametrize(("now", "leads"), [
    (datetime(2029, 1, 1, 12, tzinfo=UTC), True),  # the 2024 figure is exactly five years old
    (datetime(2029, 1, 2, 12, tzinfo=UTC), False),  # five years and a day: dated
])
def test_the_headline_drops_a_figure_the_day_it_is_dated(
    slack: SignedSlackClient, clock: FakeClock, now: datetime, leads: bool
) -> None:
    clock.now = now

    answer = slack.slash_command(STAFF, "benchmark ecommerce_retail").json()

    headline = shown_text(answer["blocks"])
    assert ("the Retail average (29)" in headline) is leads
    assert ("NPS: no published figure from the last 5 years" in headline) is not leads
    full = shown_text(click_all_benchmarks(slack.sandbox, slack, STAFF, answer)["blocks"])
    assert "2024, 5 years old" + ("" if leads else ", dated") in full


def test_the_answer_fits_one_screen_and_its_button_shows_every_figure(
    sandbox: SlackSandbox, slack: SignedSlackClient
) -> None:
    answer = slack.slash_command(STAFF, "benchmark").json()

    headline = shown_text(answer["blocks"])
    assert len(headline) <= ONE_SCREEN
    assert answer["response_type"] == "ephemeral"
    assert headline.count("• ") == 2  # no recent CSAT figure: two comparisons, not three
    assert "<https://www.clearlyrated.com/" in str(answer["blocks"])  # the source is a link
    assert "ClearlyRated, 2022 · 4 years old · grade A" in headline
    label = _button(answer)["text"]["text"]
    every = int(re.fullmatch(r"All (\d+) benchmarks", label).group(1))  # type: ignore[union-attr]

    full = click_all_benchmarks(sandbox, slack, STAFF, answer)

    shown = shown_text(full["blocks"])
    assert shown.startswith("All benchmarks · cross-industry")
    assert shown.count("• ") == every
    assert "SurveyMonkey" in shown
    assert "SurveyMonkey" not in headline
    assert "dated" in shown  # the 2012 and 2013 CSAT figures, shown but marked
    assert CAVEAT in shown  # XM Institute's consumer panel, beside a workspace of unknown kind


@pytest.mark.parametrize(("industry", "caveat"), [
    ("b2b_saas_software", True),  # no NPS of its own: the cross-industry list has a panel
    ("ecommerce_retail", False),  # consumer panels of its own industry, read by a retailer
])
def test_consumer_figures_carry_a_caveat_for_a_b2b_workspace_only(
    sandbox: SlackSandbox, slack: SignedSlackClient, industry: str, caveat: bool
) -> None:
    answer = slack.slash_command(STAFF, f"benchmark {industry}").json()

    full = shown_text(click_all_benchmarks(sandbox, slack, STAFF, answer)["blocks"])

    assert "consumer panel" in full
    assert (CAVEAT in full) is caveat


def test_software_says_it_has_no_published_nps_figure_and_shows_its_label(
    slack: SignedSlackClient,
) -> None:
    answer = slack.slash_command(STAFF, "benchmark b2b_saas_software").json()

    headline = shown_text(answer["blocks"])
    assert headline.startswith("Benchmarks · Software & SaaS · last 90 days")
    assert "No published NPS figure for Software & SaaS; showing cross-industry figures." \
        in headline
    assert "b2b_saas_software" not in headline


def test_a_customer_pressing_the_button_of_a_shared_answer_sees_no_figures(
    sandbox: SlackSandbox, slack: SignedSlackClient
) -> None:
    answer = slack.slash_command(STAFF, "benchmark share").json()
    assert answer["response_type"] == "in_channel"

    shown = {"channel": "C0GENERAL", "ts": "1700000000.000100", "text": answer["text"],
             "blocks": answer["blocks"], "is_ephemeral": True}
    reply = slack.click(CUSTOMERS[0], shown, ids.ALL_BENCHMARKS_ACTION)

    assert reply.status == 200
    [refusal] = sandbox.ephemeral_messages(CUSTOMERS[0])
    assert "for the team that runs these surveys" in refusal["text"]
    assert refusal["blocks"] == []


def test_a_button_value_the_bot_did_not_write_gets_one_line(
    sandbox: SlackSandbox, slack: SignedSlackClient
) -> None:
    answer = slack.slash_command(STAFF, "benchmark").json()
    forged = json.loads(json.dumps(answer))
    _button(forged)["value"] = '{"industry": 3, "days": "<!channel>"}'
    shown = {"channel": "C0GENERAL", "ts": "1700000000.000100", "text": answer["text"],
             "blocks": forged["blocks"], "is_ephemeral": True}

    slack.click(STAFF, shown, ids.ALL_BENCHMARKS_ACTION)

    [said] = sandbox.ephemeral_messages(STAFF)
    assert said["text"] == ("That button is from a message the bot cannot read back; "
                            "ask `/engagement benchmark` again.")


def test_the_button_answers_the_same_question(
    sandbox: SlackSandbox, slack: SignedSlackClient
) -> None:
    answer = slack.slash_command(STAFF, "benchmark insurance quarter").json()

    full = shown_text(click_all_benchmarks(sandbox, slack, STAFF, answer)["blocks"])

    assert full.splitlines()[0] == "All benchmarks · Insurance · Q4 2026 so far"


def test_app_home_names_the_industry_by_its_label_and_leads_with_no_dated_figure(
    sandbox: SlackSandbox, slack: SignedSlackClient
) -> None:
    sandbox.add_user("U0ADMIN", name="admin", real_name="Ada Admin", is_admin=True)
    assert "Software &amp; SaaS" in slack.slash_command(
        "U0ADMIN", "set industry b2b_saas_software").json()["text"]

    slack.event({"type": "app_home_opened", "tab": "home", "channel": "D0HOME", "user": STAFF})

    [published] = sandbox.calls("views.publish")
    home = shown_text(published.args["view"]["blocks"])
    assert "NPS: no answers yet to compare with the cross-industry excellent threshold (50)" \
        in home
    assert "ClearlyRated, 2022, 4 years old" in home
    assert "Zendesk" not in home  # the only Software CSAT figure is from 2012: dated
    assert "b2b_saas_software" not in home
