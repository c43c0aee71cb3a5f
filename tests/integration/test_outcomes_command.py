"""/engagement outcomes and drivers through signed slash commands: staff see names privately,
a shared answer and a non-staff member see none, customer text is escaped; App Home's line."""

from __future__ import annotations

from sqlalchemy import Engine

from bot.sandbox.client import SignedSlackClient
from bot.sandbox.slack_api import SlackSandbox
from storage.models import OutcomeKind
from tests.conftest import CUSTOMERS, STAFF
from tests.outcome_history import History, at

HOSTILE = "<!channel> Acme & Co"


def _history(engine: Engine, team_id: str) -> None:
    h = History(engine, team_id=team_id)
    h.currency("EUR")
    # A promoter who churned, with a hostile account name.
    h.customer(CUSTOMERS[0], HOSTILE)
    h.answer(CUSTOMERS[0], 10, at("2026-03-01"))
    h.event(CUSTOMERS[0], OutcomeKind.CHURNED, "2026-05-01")
    # A detractor who renewed, with no account: named by their Slack user.
    h.answer(CUSTOMERS[1], 2, at("2026-03-01"))
    h.event(CUSTOMERS[1], OutcomeKind.RENEWED, "2026-06-01", 18_500)
    # A detractor after renewing: 20,000 at risk, with Bobco's 18,500 renewed since its answer.
    h.customer(CUSTOMERS[2], "Cyan Ltd")
    h.event(CUSTOMERS[2], OutcomeKind.RENEWED, "2026-02-01", 20_000)
    h.answer(CUSTOMERS[2], 4, at("2026-04-01"))


def test_staff_see_who_privately(engine: Engine, sandbox: SlackSandbox,
                                 slack: SignedSlackClient) -> None:
    _history(engine, slack.team_id)

    reply = slack.slash_command(STAFF, "outcomes")

    body = reply.json()
    shown = str(body["blocks"])
    assert body["response_type"] == "ephemeral"
    assert "Revealed loyalty · last 365 days" in shown
    assert "Promoters who churned: *1* · &lt;!channel&gt; Acme &amp; Co" in shown
    assert "<!channel>" not in shown
    assert f"Detractors who renewed: *1* · <@{CUSTOMERS[1]}>" in shown
    assert "*Revenue at risk*: *EUR 20,000* from 1 customer" in shown
    assert "Cyan Ltd EUR 20,000 (NPS 4)" in shown
    assert "*0%* renewed (95% interval 0% to 79%)" in shown  # the one promoter churned
    assert "promoters renewed 0%" in body["text"]


def test_a_shared_answer_counts_without_naming(engine: Engine, sandbox: SlackSandbox,
                                              slack: SignedSlackClient) -> None:
    _history(engine, slack.team_id)

    body = slack.slash_command(STAFF, "outcomes share").json()

    shown = str(body["blocks"])
    assert body["response_type"] == "in_channel"
    assert "Promoters who churned: *1*" in shown
    assert "Detractors who renewed: *1*" in shown
    assert "Acme" not in shown
    assert CUSTOMERS[1] not in shown
    assert "Cyan" not in shown
    assert "*EUR 20,000* from 1 customer" in shown
    assert "Names are shown only in a private answer." in shown


def test_someone_not_on_staff_sees_nothing(engine: Engine, sandbox: SlackSandbox,
                                           slack: SignedSlackClient) -> None:
    _history(engine, slack.team_id)

    for text in ("outcomes", "drivers"):
        body = slack.slash_command(CUSTOMERS[3], text).json()

        assert "for the team that runs these surveys" in body["text"]
        assert "Acme" not in str(body)
        assert "Revealed" not in str(body)
        assert "Drivers" not in str(body)


def test_drivers_say_association_not_cause(engine: Engine, sandbox: SlackSandbox,
                                           slack: SignedSlackClient) -> None:
    _history(engine, slack.team_id)

    body = slack.slash_command(STAFF, "drivers 365d").json()

    shown = str(body["blocks"])
    assert "Drivers · last 365 days" in shown
    assert "*Association, not cause*" in shown
    assert "No theme is mentioned in 10 or more answers yet." in shown


def test_app_home_shows_the_revealed_loyalty_line(engine: Engine, sandbox: SlackSandbox,
                                                  slack: SignedSlackClient) -> None:
    _history(engine, slack.team_id)

    slack.event({"type": "app_home_opened", "tab": "home", "channel": "D0HOME", "user": STAFF})

    [published] = sandbox.calls("views.publish")
    shown = str(published.args["view"]["blocks"])
    # Wilson(0, 1) is 0% to 79.3%, Wilson(1, 1) 20.7% to 100% (tests/unit/test_metrics.py).
    assert "*Revealed loyalty* (last 365 days): renewal rate of promoters 0% (0% to 79%) · " \
           "detractors 100% (21% to 100%) · 1 promoter churned · revenue at risk EUR 20,000" \
           in shown
    assert "Acme" not in shown
