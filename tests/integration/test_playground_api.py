"""The playground's server without a browser: only what a person may do in Slack is offered,
every action reaches the bot signed, and the page never learns the signing secret."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.playground.cast import ALERTS, CUSTOMERS, GENERAL, STAFF
from tests.integration.cli_runner import run_cli
from tests.playground import ServedPlayground, call, served_playground

DANA = STAFF[0]
GRACE = CUSTOMERS[3]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedPlayground]:
    with served_playground(tmp_path_factory.mktemp("playground")) as running:
        yield running


def test_the_page_starts_on_the_history_with_a_pulse_an_alert_and_a_digest(
    served: ServedPlayground,
) -> None:
    state = call(served.url, f"/api/state?user={DANA.user_id}").json()

    assert state["history"].startswith("200 customers in three plans and two regions")
    names = [c["name"] for c in state["conversations"]]
    assert names == ["general", "cx-team", "cx-alerts", "Engagement"]
    [alert] = state["messages"][ALERTS.channel_id]
    assert "Follow-up" in alert["text"]
    [digest, chart] = state["messages"]["C0PLAYCXTEAM"]
    assert chart["thread_ts"] == digest["ts"]
    [image] = chart["files"]
    picture = call(served.url, image["url"])
    assert (picture.status, picture.headers["content-type"]) == (200, "image/png")
    customer = call(served.url, f"/api/state?user={GRACE.user_id}").json()
    assert [c["name"] for c in customer["conversations"]] == ["general", "Engagement"]
    [pulse] = customer["messages"][f"D{GRACE.user_id}"]
    assert "How likely are you to recommend us" in str(pulse["blocks"])


def test_a_command_reaches_the_bot_signed_and_its_answer_stays_private(
    served: ServedPlayground,
) -> None:
    reply = call(served.url, "/api/command", {"user": DANA.user_id,
                                              "channel": GENERAL.channel_id,
                                              "text": "/engagement help"})

    assert reply.json() == {"ok": True}
    [shown] = call(served.url, f"/api/state?user={DANA.user_id}").json()["messages"][
        GENERAL.channel_id]
    assert shown["ephemeral"] is True
    assert "/engagement" in str(shown["blocks"]) + shown["text"]
    others = call(served.url, f"/api/state?user={GRACE.user_id}").json()
    assert others["messages"][GENERAL.channel_id] == []


@pytest.mark.parametrize(("body", "refusal"), [
    ({"user": "U0NOBODY", "channel": GENERAL.channel_id, "text": "/engagement"},
     "Nobody in this workspace has the id 'U0NOBODY'"),
    ({"user": GRACE.user_id, "channel": ALERTS.channel_id, "text": "/engagement"},
     "Grace Kim is not in that conversation"),
    ({"user": DANA.user_id, "channel": GENERAL.channel_id, "text": "/giphy cats"},
     "/giphy is not a command of this app: try /engagement help"),
    ({"user": DANA.user_id, "channel": GENERAL.channel_id, "text": "/engagement " + "x" * 4001},
     "A command is at most 4000 characters"),
])
def test_what_slack_would_not_let_a_person_do_is_refused_in_one_line(
    served: ServedPlayground, body: dict[str, str], refusal: str,
) -> None:
    commands = len(served.playground.sandbox.calls("response_url"))

    reply = call(served.url, "/api/command", body)

    assert (reply.status, reply.json()) == (422, {"error": refusal})
    assert len(served.playground.sandbox.calls("response_url")) == commands


def test_a_form_posted_by_another_site_is_refused_before_it_acts(
    served: ServedPlayground,
) -> None:
    # A cross-site <form> can send text/plain without asking; it cannot send JSON.
    reply = call(served.url, "/api/command",
                 b'{"user": "U0PLAYDANA", "channel": "C0PLAYGENERAL", "text": "/engagement"}',
                 content_type="text/plain")

    assert reply.status == 415
    assert served.playground.sandbox.messages(GENERAL.channel_id) == []


def test_the_page_never_holds_the_signing_secret_and_runs_only_its_own_script(
    served: ServedPlayground,
) -> None:
    secret = served.playground.slack._verifier.signing_secret
    page = call(served.url, "/")
    state = call(served.url, f"/api/state?user={DANA.user_id}")
    script = call(served.url, "/playground.js")

    assert page.status == script.status == 200
    for answer in (page, state, script):
        assert secret.encode() not in answer.body
        assert "script-src 'self'" in answer.headers["content-security-policy"]
    assert b"innerHTML" not in script.body


def test_a_port_in_use_is_one_line_before_anything_starts(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        result = run_cli({}, tmp_path, "playground", "--port", str(port))

    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"error: cannot listen on 127.0.0.1:{port} (Address already in use): "
        "choose another with --port"]
    assert not (tmp_path / "playground-output").exists()
