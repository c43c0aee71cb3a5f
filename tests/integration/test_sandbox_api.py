"""The Slack sandbox as the bot sees it: slack_sdk's real WebClient against its Web API."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime
from types import SimpleNamespace
from typing import Any
from urllib.request import Request, urlopen
from zoneinfo import ZoneInfo

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import builtin_handlers
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.webhook import WebhookClient

from bot.sandbox.slack_api import SlackSandbox

ANN, BOB, GONE = "U0ANN", "U0BOB", "U0GONE"
CHANNEL = "C0TEAM"


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def button(action_id: str, label: str = "Go") -> dict[str, Any]:
    return {"type": "button", "action_id": action_id, "value": action_id,
            "text": {"type": "plain_text", "text": label}}


@pytest.fixture
def sandbox() -> Iterator[SlackSandbox]:
    with SlackSandbox() as sandbox:
        sandbox.add_user(ANN, name="ann", real_name="Ann Archer", email="Ann@Example.com")
        sandbox.add_user(BOB, name="bob", tz="America/New_York")
        sandbox.add_user(GONE, name="gone", deleted=True)
        sandbox.add_channel(CHANNEL, name="team", members=[ANN, BOB, sandbox.bot_user_id])
        yield sandbox


@pytest.fixture
def web(sandbox: SlackSandbox) -> WebClient:
    return WebClient(token=sandbox.bot_token, base_url=sandbox.api_url)


def error_of(call: Any, **kwargs: Any) -> str:
    with pytest.raises(SlackApiError) as raised:
        call(**kwargs)
    return str(raised.value.response["error"])


def test_update_replaces_the_stored_message_in_place(
    sandbox: SlackSandbox, web: WebClient
) -> None:
    first = web.chat_postMessage(channel=CHANNEL, text="v1", blocks=[section("one")])
    second = web.chat_postMessage(channel=CHANNEL, text="next", metadata={
        "event_type": "pulse", "event_payload": {"id": 1}})
    web.chat_update(channel=CHANNEL, ts=first["ts"], text="v2", blocks=[section("two")])

    stored = sandbox.messages(CHANNEL)
    assert [m["text"] for m in stored] == ["v2", "next"]
    assert stored[0]["blocks"] == [section("two")]
    assert stored[0]["user"] == sandbox.bot_user_id
    assert stored[1]["metadata"]["event_payload"] == {"id": 1}
    assert float(second["ts"]) > float(first["ts"])
    assert sandbox.message(CHANNEL, first["ts"])["ts"] == first["ts"]


def test_posting_to_a_user_id_lands_in_their_dm(sandbox: SlackSandbox, web: WebClient) -> None:
    opened = web.conversations_open(users=ANN)
    posted = web.chat_postMessage(channel=ANN, text="hello")
    web.chat_postMessage(channel=posted["channel"], text="in thread", thread_ts=posted["ts"])

    assert opened["channel"]["id"] == posted["channel"] == sandbox.dm_channel(ANN)
    assert [m["text"] for m in sandbox.messages(sandbox.dm_channel(ANN))] == ["hello",
                                                                           "in thread"]
    assert sandbox.messages(sandbox.dm_channel(ANN))[1]["thread_ts"] == posted["ts"]


def test_unknown_targets_get_slacks_errors(sandbox: SlackSandbox, web: WebClient) -> None:
    assert error_of(web.chat_postMessage, channel="C0NOPE", text="x") == "channel_not_found"
    assert error_of(web.chat_update, channel=CHANNEL, ts="1.000001", text="x") == (
        "message_not_found")
    assert error_of(web.conversations_open, users="U0NOPE") == "user_not_found"
    assert error_of(web.conversations_open, users=GONE) == "user_disabled"
    assert error_of(web.conversations_open, users=sandbox.bot_user_id) == "cannot_dm_bot"
    assert error_of(web.users_info, user="U0NOPE") == "user_not_found"
    assert error_of(web.api_call, api_method="chat.teleport") == "unknown_method"
    assert [c.response["ok"] for c in sandbox.calls()] == [False] * 7
    assert sandbox.messages(CHANNEL) == []


def test_a_429_is_retried_after_retry_after_by_slack_sdk(
    sandbox: SlackSandbox, web: WebClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []
    # slack_sdk sleeps Retry-After (plus jitter) between attempts; record instead of waiting.
    monkeypatch.setattr(builtin_handlers, "time", SimpleNamespace(sleep=waits.append))
    web.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))
    sandbox.rate_limit("chat.postMessage", retry_after=7, times=2)

    web.chat_postMessage(channel=CHANNEL, text="eventually")

    assert [c.status for c in sandbox.calls("chat.postMessage")] == [429, 429, 200]
    assert len(waits) == 2
    assert all(7 <= wait < 8 for wait in waits)
    assert [m["text"] for m in sandbox.messages(CHANNEL)] == ["eventually"]


def test_a_429_carries_retry_after(sandbox: SlackSandbox, web: WebClient) -> None:
    sandbox.rate_limit("users.info", retry_after=3)

    with pytest.raises(SlackApiError) as raised:
        web.users_info(user=ANN)

    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "3"
    assert raised.value.response["error"] == "ratelimited"
    assert web.users_info(user=ANN)["user"]["id"] == ANN  # only `times` calls are limited


def test_server_errors_are_answered_then_recover(sandbox: SlackSandbox, web: WebClient) -> None:
    sandbox.fail("chat.postMessage", status=503, times=2)

    statuses = []
    for _ in range(3):
        try:
            statuses.append(web.chat_postMessage(channel=CHANNEL, text="x").status_code)
        except SlackApiError as exc:
            statuses.append(exc.response.status_code)

    assert statuses == [503, 503, 200]
    assert len(sandbox.messages(CHANNEL)) == 1


def test_respond_error_can_target_one_user(sandbox: SlackSandbox, web: WebClient) -> None:
    sandbox.respond_error("chat.postMessage", "is_archived", user=BOB)

    web.chat_postMessage(channel=ANN, text="fine")
    refused = error_of(web.chat_postMessage, channel=sandbox.dm_channel(BOB), text="no")
    web.chat_postMessage(channel=BOB, text="once only")

    assert refused == "is_archived"
    assert sandbox.messages(sandbox.dm_channel(BOB))[0]["text"] == "once only"
    assert [c.status for c in sandbox.calls("chat.postMessage")] == [200, 200, 200]


def test_users_and_members_paginate_with_slack_sdk_iterators(
    sandbox: SlackSandbox, web: WebClient
) -> None:
    for n in range(5):
        sandbox.add_user(f"U0EXTRA{n}", name=f"extra{n}")
    sandbox.add_channel("C0BIG", name="big", members=[f"U0EXTRA{n}" for n in range(5)])

    user_pages = [page["members"] for page in web.users_list(limit=3)]
    member_pages = [page["members"] for page in web.conversations_members(
        channel="C0BIG", limit=2)]

    assert [len(p) for p in user_pages] == [3, 3, 3]  # bot + 3 people + 5 extras
    assert [u["id"] for p in user_pages for u in p][-5:] == [f"U0EXTRA{n}" for n in range(5)]
    assert member_pages == [["U0EXTRA0", "U0EXTRA1"], ["U0EXTRA2", "U0EXTRA3"], ["U0EXTRA4"]]
    last = sandbox.calls("conversations.members")[-1]
    assert last.response["response_metadata"]["next_cursor"] == ""


def test_user_lookups(sandbox: SlackSandbox, web: WebClient) -> None:
    found = web.users_lookupByEmail(email="ann@example.COM")["user"]
    bob = web.users_info(user=BOB)["user"]

    assert found["id"] == ANN
    assert found["profile"]["email"] == "Ann@Example.com"
    assert found["real_name"] == "Ann Archer"
    offset = datetime.now(ZoneInfo("America/New_York")).utcoffset()
    assert offset is not None
    assert bob["tz_offset"] == int(offset.total_seconds())
    assert web.users_info(user=GONE)["user"]["deleted"] is True
    assert error_of(web.users_lookupByEmail, email="nobody@example.com") == "users_not_found"


MODAL = {"type": "modal", "callback_id": "comment", "private_metadata": "42",
         "title": {"type": "plain_text", "text": "Comment"},
         "submit": {"type": "plain_text", "text": "Send"},
         "blocks": [{"type": "input", "block_id": "b", "label":
                     {"type": "plain_text", "text": "Why?"},
                     "element": {"type": "plain_text_input", "action_id": "a"}}]}


def test_views_open_takes_only_issued_unused_triggers(
    sandbox: SlackSandbox, web: WebClient
) -> None:
    trigger = sandbox.issue_trigger_id()

    forged = error_of(web.views_open, trigger_id="1.2.3", view=MODAL)
    opened = web.views_open(trigger_id=trigger, view=MODAL)["view"]
    reused = error_of(web.views_open, trigger_id=trigger, view=MODAL)

    assert (forged, reused) == ("invalid_trigger_id", "invalid_trigger_id")
    assert opened["id"].startswith("V")
    assert opened["hash"]
    assert opened["state"] == {"values": {}}
    assert sandbox.views() == {opened["id"]: opened}


def test_views_update_and_publish(sandbox: SlackSandbox, web: WebClient) -> None:
    opened = web.views_open(trigger_id=sandbox.issue_trigger_id(), view=MODAL)["view"]
    thanks = {**MODAL, "title": {"type": "plain_text", "text": "Thanks"}, "blocks": []}
    home = {"type": "home", "blocks": [section("Customer engagement")]}

    web.views_update(view_id=opened["id"], hash=opened["hash"], view=thanks)
    stale = error_of(web.views_update, view_id=opened["id"], hash=opened["hash"], view=thanks)
    missing = error_of(web.views_update, view_id="V0NOPE", view=thanks)
    first = web.views_publish(user_id=ANN, view=home)["view"]
    again = web.views_publish(user_id=ANN, view={**home, "blocks": [section("v2")]})["view"]

    assert sandbox.views()[opened["id"]]["title"]["text"] == "Thanks"
    assert (stale, missing) == ("hash_conflict", "not_found")
    assert first["id"] == again["id"]
    assert sandbox.home_view(ANN) == again
    assert sandbox.home_view(BOB) is None


def test_files_upload_v2_round_trip(sandbox: SlackSandbox, web: WebClient) -> None:
    content = b"score,count\n10,4\n"

    done = web.files_upload_v2(channel=CHANNEL, content=content, filename="nps.csv",
                               title="NPS", initial_comment="This week's scores")

    [upload] = sandbox.calls("upload")
    assert sandbox.uploads == {done["file"]["id"]: content}
    assert upload.args["size"] == len(content)
    [message] = sandbox.messages(CHANNEL)
    assert message["text"] == "This week's scores"
    assert [(f["id"], f["title"], f["name"]) for f in message["files"]] == [
        (done["file"]["id"], "NPS", "nps.csv")]
    assert error_of(web.files_completeUploadExternal, files=[{"id": "F0NOPE"}]) == (
        "file_not_found")


def test_a_multipart_upload_stores_the_file_part(sandbox: SlackSandbox, web: WebClient) -> None:
    upload = web.files_getUploadURLExternal(filename="a.bin", length=4)
    # The file's own bytes end in CRLF, which must survive the part's delimiter being removed.
    body = (b"--XyZ\r\nContent-Disposition: form-data; name=\"filename\"\r\n\r\na.bin\r\n"
            b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n"
            b"Content-Type: application/octet-stream\r\n\r\n\x00\x01\r\n\r\n--XyZ--\r\n")
    headers = {"Content-Type": "multipart/form-data; boundary=XyZ"}
    request = Request(upload["upload_url"], body, headers, method="POST")  # noqa: S310

    with urlopen(request, timeout=5) as answer:  # noqa: S310 (the local sandbox)
        reply = answer.read()

    assert reply == b"OK - 4"
    assert sandbox.uploads == {upload["file_id"]: b"\x00\x01\r\n"}


def test_blocks_without_text_pass_with_slacks_warning_and_a_problem(
    sandbox: SlackSandbox, web: WebClient
) -> None:
    with pytest.warns(UserWarning, match="top-level `text` argument is missing"):
        answer = web.chat_postMessage(channel=CHANNEL, blocks=[section("no fallback")])

    assert answer["warning"] == "missing_text_in_request"
    assert len(sandbox.messages(CHANNEL)) == 1
    assert len(sandbox.problems) == 1
    assert "text fallback" in sandbox.problems[0]


@pytest.mark.parametrize(
    ("blocks", "expected"),
    [
        ([section(str(n)) for n in range(51)], "51 blocks in a message"),
        ([{"type": "actions", "elements": [button("a", "x" * 76)]}], "button text is 76"),
        ([section("x" * 3001)], "section text is 3001"),
        ([{"type": "section", "fields": [{"type": "mrkdwn", "text": "y" * 2001}]}], "field is"),
        ([{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}], "header"),
        ([{"type": "actions", "elements": [button("a")]}, section("s") | {
            "accessory": button("a")}], "duplicate action_id 'a'"),
    ],
    ids=["51-blocks", "long-button", "long-section", "long-field", "long-header", "dup-action"],
)
def test_blocks_over_slacks_limits_are_refused(
    sandbox: SlackSandbox, web: WebClient, blocks: list[dict[str, Any]], expected: str
) -> None:
    error = error_of(web.chat_postMessage, channel=CHANNEL, text="t", blocks=blocks)

    assert error == "invalid_blocks"
    assert sandbox.messages(CHANNEL) == []
    assert any(expected in problem for problem in sandbox.problems), sandbox.problems


def test_modal_limits_are_refused(sandbox: SlackSandbox, web: WebClient) -> None:
    long_title = {**MODAL, "title": {"type": "plain_text", "text": "t" * 25}}
    huge_input = {**MODAL, "blocks": [{**MODAL["blocks"][0], "element": {  # type: ignore[index]
        "type": "plain_text_input", "action_id": "a", "max_length": 3001}}]}

    errors = [error_of(web.views_open, trigger_id=sandbox.issue_trigger_id(), view=view)
              for view in (long_title, huge_input)]

    assert errors == ["invalid_arguments", "invalid_arguments"]
    assert sandbox.views() == {}
    assert "modal title is 25 characters" in sandbox.problems[0]
    assert "max_length is 3001" in sandbox.problems[1]


def test_bad_or_missing_tokens_are_refused_and_recorded(sandbox: SlackSandbox) -> None:
    wrong = WebClient(token="xoxb-wrong", base_url=sandbox.api_url)
    anonymous = WebClient(base_url=sandbox.api_url)

    assert error_of(wrong.chat_postMessage, channel=CHANNEL, text="x") == "invalid_auth"
    assert error_of(anonymous.auth_test) == "not_authed"
    assert [(c.method, c.status) for c in sandbox.calls()] == [
        ("chat.postMessage", 200), ("auth.test", 200)]
    assert sandbox.messages(CHANNEL) == []


def test_ephemeral_messages_go_only_to_channel_members(
    sandbox: SlackSandbox, web: WebClient
) -> None:
    sandbox.add_user("U0OUT", name="outsider")

    answer = web.chat_postEphemeral(channel=CHANNEL, user=ANN, text="psst")
    outsider = error_of(web.chat_postEphemeral, channel=CHANNEL, user="U0OUT", text="psst")

    assert answer["message_ts"]
    assert outsider == "user_not_in_channel"
    assert sandbox.messages(CHANNEL) == []  # ephemeral messages are not channel history
    [shown] = sandbox.ephemeral_messages(ANN)
    assert (shown["channel"], shown["ts"], shown["text"]) == (CHANNEL, answer["message_ts"],
                                                              "psst")
    assert sandbox.ephemeral_messages(BOB) == []


def test_an_ephemeral_reply_is_kept_for_the_person_who_acted_and_replaced_in_place(
    sandbox: SlackSandbox,
) -> None:
    # A reply to Ann's command; then a click on a button in it, whose reply replaces it.
    WebhookClient(sandbox.new_response_url(channel=CHANNEL, user=ANN)).send(
        text="Your figures", blocks=[section("NPS +40")])
    [reply] = sandbox.ephemeral_messages(ANN)
    WebhookClient(sandbox.new_response_url(channel=CHANNEL, ts=reply["ts"], user=ANN)).send(
        text="All figures", blocks=[section("NPS +40, CSAT 80%")], replace_original=True)
    # Nobody's in particular (as before users were named): nothing kept, nothing posted.
    WebhookClient(sandbox.new_response_url(channel=CHANNEL)).send(text="lost")

    [replaced] = sandbox.ephemeral_messages(ANN)
    assert (replaced["ts"], replaced["text"]) == (reply["ts"], "All figures")
    assert replaced["blocks"] == [section("NPS +40, CSAT 80%")]
    assert replaced["is_ephemeral"] is True
    assert sandbox.ephemeral_messages(BOB) == []
    assert sandbox.messages(CHANNEL) == []


def test_response_urls_replace_the_original_and_record_the_reply(
    sandbox: SlackSandbox, web: WebClient
) -> None:
    posted = web.chat_postMessage(channel=CHANNEL, text="Pick one", blocks=[section("?")])
    # Bolt's respond() posts to response_urls with slack_sdk's WebhookClient, as here.
    webhook = WebhookClient(sandbox.new_response_url(channel=CHANNEL, ts=posted["ts"]))

    ephemeral = webhook.send(text="only you")
    replaced = webhook.send(text="Picked", blocks=[section("!")], replace_original=True)

    assert (ephemeral.status_code, replaced.status_code) == (200, 200)
    replies = sandbox.calls("response_url")
    assert [r.args["text"] for r in replies] == ["only you", "Picked"]
    assert [r.response for r in replies] == [{"ok": True}, {"ok": True}]
    assert sandbox.messages(CHANNEL)[0]["blocks"] == [section("!")]
    assert len(sandbox.messages(CHANNEL)) == 1


def test_wait_for_wakes_on_a_call_from_another_thread(
    sandbox: SlackSandbox, web: WebClient
) -> None:
    poster = threading.Thread(target=web.chat_postMessage, kwargs={
        "channel": CHANNEL, "text": "from elsewhere"})
    poster.start()

    [call] = sandbox.wait_for("chat.postMessage", where=lambda c: c.args["channel"] == CHANNEL)
    poster.join()

    assert call.response["ok"] is True
    assert call.args["text"] == "from elsewhere"


def test_wait_for_times_out_naming_what_was_seen(sandbox: SlackSandbox, web: WebClient) -> None:
    web.auth_test()
    web.auth_test()

    with pytest.raises(TimeoutError, match=r"saw 0; calls so far: auth\.test x2"):
        sandbox.wait_for("chat.update", timeout=0.01)
