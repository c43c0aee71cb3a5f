"""Admins set the industry, their own benchmarks and targets from Slack; nobody else can."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.sandbox.client import SignedSlackClient
from bot.sandbox.slack_api import SlackSandbox
from storage.models import CustomBenchmark, Target, WorkspaceSetting
from tests.conftest import CUSTOMERS, STAFF, SendPulse
from tests.integration.helpers import click_all_benchmarks, click_score

ADMIN = "U0ADMIN"


@pytest.fixture(autouse=True)
def _admin(sandbox: SlackSandbox) -> None:
    sandbox.add_user(ADMIN, name="admin", real_name="Ada Admin", is_admin=True)


def _stored(engine: Engine) -> tuple[list[WorkspaceSetting], list[CustomBenchmark], list[Target]]:
    with Session(engine) as session:
        return (list(session.exec(select(WorkspaceSetting)).all()),
                list(session.exec(select(CustomBenchmark)).all()),
                list(session.exec(select(Target)).all()))


@pytest.mark.parametrize(
    "text",
    ["set industry insurance", "benchmark add nps 62 Acme", "benchmark remove 1",
     "benchmark list", "target nps 50", "target clear nps"],
)
def test_people_who_are_not_admins_change_nothing(
    slack: SignedSlackClient, engine: Engine, text: str
) -> None:
    reply = slack.slash_command(STAFF, text).json()

    assert "Only admins can change benchmarks, targets and the industry" in reply["text"]
    assert reply["response_type"] == "ephemeral"
    assert _stored(engine) == ([], [], [])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("set industry fintech", "Choose one of: automotive, "),
        ("benchmark add nps 120 Acme", "NPS runs from -100 to 100"),
        ("benchmark add csat -5 Acme", "CSAT % runs from 0 to 100"),
        ("benchmark add nps 62 " + "x" * 81, "at most 80 characters"),
        ("benchmark add nps 62 Acme year:1066", "a year runs from 1990"),
        ("benchmark add ces 62 Acme", "choose nps or csat"),
        ("target csat 101", "CSAT % runs from 0 to 100"),
        ("benchmark remove 99", "There is no custom benchmark #99"),
    ],
)
def test_bad_input_says_why_and_stores_nothing(
    slack: SignedSlackClient, engine: Engine, text: str, message: str
) -> None:
    reply = slack.slash_command(ADMIN, text).json()

    assert message in reply["text"]
    assert _stored(engine)[1:] == ([], [])
    assert all(row.industry is None for row in _stored(engine)[0])


def test_an_admins_benchmark_and_target_show_in_the_comparison(
    send_pulse: SendPulse, sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine
) -> None:
    send_pulse()
    for user_id, score in zip(CUSTOMERS, [10, 9, 8, 3, 10], strict=True):  # NPS +40
        click_score(sandbox, slack, user_id, score)

    added = slack.slash_command(
        ADMIN, "benchmark add nps 62 <!channel> Acme (competitor) year:2026 source:their report"
    ).json()
    again = slack.slash_command(ADMIN, "benchmark add nps 64 <!channel> Acme (competitor)")
    industry = slack.slash_command(ADMIN, "set industry b2b_saas_software").json()
    target = slack.slash_command(ADMIN, "target nps 50").json()
    answer = slack.slash_command(STAFF, "benchmark").json()
    headline = str(answer["blocks"])
    shown = str(click_all_benchmarks(sandbox, slack, STAFF, answer)["blocks"])
    overview = str(slack.slash_command(STAFF, "").json()["blocks"])

    assert "&lt;!channel&gt; Acme (competitor)" in added["text"]
    assert "<!channel>" not in added["text"]
    assert again.status == 200
    [figure] = _stored(engine)[1]
    assert (figure.value, figure.name, figure.added_by) == (64, "<!channel> Acme (competitor)",
                                                            ADMIN)
    assert "Software &amp; SaaS" in industry["text"]
    assert "Target set: NPS +50" in target["text"]
    assert "Benchmarks · Software &amp; SaaS" not in headline  # a header is plain text
    assert "Benchmarks · Software & SaaS" in headline
    assert "b2b_saas_software" not in headline.replace('"', "")  # the label, never the key
    assert "*NPS +40*: 24 points below &lt;!channel&gt; Acme (competitor)" in headline
    assert "<!channel>" not in headline
    assert "All benchmarks · Software & SaaS" in shown
    assert "*64* &lt;!channel&gt; Acme (competitor) (custom, not published)" in shown
    assert "added by <@U0ADMIN>" in shown
    assert "custom figure (not published)" in shown
    assert "<!channel>" not in shown
    assert "*Target NPS +50*: 10 points below our target (50)" in shown
    assert "margin of error" in shown
    assert "reaching 50 takes" in shown
    assert "*Target NPS +50*" in overview


def test_clearing_and_removing_undo_the_settings(
    slack: SignedSlackClient, engine: Engine
) -> None:
    slack.slash_command(ADMIN, "benchmark add csat 91 Best Co")
    slack.slash_command(ADMIN, "target csat 85")
    slack.slash_command(ADMIN, "set industry insurance")
    [figure] = _stored(engine)[1]

    listed = str(slack.slash_command(ADMIN, "benchmark list").json()["blocks"])
    removed = slack.slash_command(ADMIN, f"benchmark remove {figure.id}").json()
    cleared = slack.slash_command(ADMIN, "target clear csat").json()
    slack.slash_command(ADMIN, "set industry clear")
    shown = str(slack.slash_command(STAFF, "benchmark").json()["blocks"])

    assert f"`#{figure.id}` CSAT 91% — *Best Co*" in listed
    assert f"#{figure.id} removed" in removed["text"]
    assert "cleared" in cleared["text"]
    settings, figures, targets = _stored(engine)
    assert (figures, targets, settings[0].industry) == ([], [], None)
    assert "No industry set" in shown
    assert "Best Co" not in shown
