"""The one "did Slack already post it?" lookup, against the sandbox's conversations.history."""

from __future__ import annotations

from datetime import UTC, datetime

from slack_sdk import WebClient

from bot.sandbox.slack_api import SlackSandbox
from bot.slack.lookup import DIGEST, FOLLOW_UP_ALERT, PULSE, find_posted

CHANNEL = "C0LOOKUP"


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
