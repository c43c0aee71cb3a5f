"""The one "did Slack already post it?" lookup, against the sandbox's conversations.history."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.sandbox.settings import sandbox_settings
from bot.sandbox.slack_api import SlackSandbox
from bot.slack.client import create_web_client
from bot.slack.lookup import (
    DIGEST,
    FOLLOW_UP_ALERT,
    FOLLOW_UP_REPLY,
    PULSE,
    PULSE_REMINDER,
    PostUnconfirmed,
    find_posted,
    post_once,
)
from tests.conftest import SIGNING_SECRET

CHANNEL = "C0LOOKUP"


def create_web_client_for(sandbox: SlackSandbox) -> WebClient:
    """The bot's usual client, with its retries: post_once must not inherit the blind ones."""
    return create_web_client(sandbox_settings(sandbox, signing_secret=SIGNING_SECRET,
                                              database_url="sqlite://"))


def test_a_post_is_found_by_its_kind_and_record_id_and_nothing_else(
    sandbox: SlackSandbox,
) -> None:
    sandbox.add_channel(CHANNEL, name="lookup", members=["U0STAFF"])
    client = WebClient(token=sandbox.bot_token, base_url=sandbox.api_url)
    client.chat_postMessage(channel=CHANNEL, text="other kind", metadata=DIGEST.metadata(7))
    client.chat_postMessage(channel=CHANNEL, text="other id", metadata=PULSE.metadata(8))
    client.chat_postMessage(channel=CHANNEL, text="no metadata")
    wanted = client.chat_postMessage(channel=CHANNEL, text="it", metadata=PULSE.metadata(7))

    assert find_posted(client, channel=CHANNEL, kind=PULSE, record_id=7) == wanted["ts"]
    assert find_posted(client, channel=CHANNEL, kind=PULSE, record_id=9) is None
    assert find_posted(client, channel=CHANNEL, kind=FOLLOW_UP_ALERT, record_id=7) is None


def test_only_posts_after_since_and_within_the_depth_count(sandbox: SlackSandbox) -> None:
    sandbox.add_channel(CHANNEL, name="lookup", members=["U0STAFF"])
    client = WebClient(token=sandbox.bot_token, base_url=sandbox.api_url)
    posted = client.chat_postMessage(channel=CHANNEL, text="it", metadata=DIGEST.metadata(3))
    at = datetime.fromtimestamp(float(posted["ts"]), UTC)
    for n in range(3):
        client.chat_postMessage(channel=CHANNEL, text=f"newer {n}")

    assert find_posted(client, channel=CHANNEL, kind=DIGEST, record_id=3, since=at) is not None
    later = datetime.fromtimestamp(float(posted["ts"]) + 1, UTC)
    assert find_posted(client, channel=CHANNEL, kind=DIGEST, record_id=3, since=later) is None
    # The three newer messages fill a depth of 3: the post lies beyond what is read.
    assert find_posted(client, channel=CHANNEL, kind=DIGEST, record_id=3, depth=3) is None
    assert find_posted(client, channel=CHANNEL, kind=DIGEST, record_id=3, depth=4) is not None


def test_post_once_settles_an_unclear_answer_by_looking_and_never_posts_twice(
    sandbox: SlackSandbox,
) -> None:
    client = create_web_client_for(sandbox)
    dm = sandbox.dm_channel("U0STAFF")

    def posted() -> list[str]:
        return [m["text"] for m in sandbox.messages(dm)]

    # Posted, then a 503: found in the DM (the user's DM, opened to look), posted once.
    sandbox.fail_share("chat.postMessage", every=1, status=503, applied=True)
    channel, ts = post_once(client, kind=FOLLOW_UP_REPLY, record_id="a1", channel="U0STAFF",
                            text="one")
    assert (channel, posted()) == (dm, ["one"])
    assert sandbox.messages(dm)[0]["ts"] == ts
    sandbox.clear_faults()
    # A 503 before anything was posted: Slack's error, after looking.
    sandbox.fail_share("chat.postMessage", every=1, status=503)
    with pytest.raises(SlackApiError):
        post_once(client, kind=FOLLOW_UP_REPLY, record_id="b2", channel="U0STAFF", text="two")
    sandbox.clear_faults()
    # Posted, then a 503, and Slack cannot be asked: unconfirmed, not posted again.
    sandbox.fail_share("chat.postMessage", every=1, status=503, applied=True)
    sandbox.fail("conversations.history", status=500, times=3)
    with pytest.raises(PostUnconfirmed):
        post_once(client, kind=PULSE_REMINDER, record_id=4, channel=dm, text="three")
    assert posted() == ["one", "three"]
    # A refusal is raised as it is, without looking.
    sandbox.clear_faults()
    sandbox.respond_error("chat.postMessage", "channel_not_found")
    looked = len(sandbox.calls("conversations.history"))
    with pytest.raises(SlackApiError, match="channel_not_found"):
        post_once(client, kind=PULSE_REMINDER, record_id=5, channel="C0GONE", text="four")
    assert len(sandbox.calls("conversations.history")) == looked
