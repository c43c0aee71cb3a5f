"""The sandbox's Slack-like rate limits, seen through slack_sdk's WebClient.

The limiter's clock is a fake that moves only when a test (or slack_sdk's retry sleep) says so,
so budgets refill without real waiting.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import builtin_handlers
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from sqlalchemy import Engine

from bot.core.services import Services
from bot.pulses.dispatch import deliver_due
from bot.pulses.pacing import SharedPacer
from bot.pulses.post_rate import shared_pacer
from bot.sandbox.rate_limits import RateLimitCounts
from bot.sandbox.slack_api import SlackSandbox
from bot.slack.client import create_web_client
from storage.models import DeliveryStatus
from tests.conftest import CUSTOMERS, STAFF
from tests.integration.helpers import deliveries
from tests.integration.running_bots import open_wave

ANN, BOB = "U0ANN", "U0BOB"
CHANNEL = "C0TEAM"
POST = "chat.postMessage"


class SteppedClock:
    """A monotonic clock for the limiter that advances only when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def rate_clock() -> SteppedClock:
    return SteppedClock()


@pytest.fixture
def limited(rate_clock: SteppedClock) -> Iterator[SlackSandbox]:
    with SlackSandbox(rate_clock=rate_clock) as sandbox:
        sandbox.add_user(ANN, name="ann")
        sandbox.add_user(BOB, name="bob")
        sandbox.add_channel(CHANNEL, name="team", members=[ANN, BOB, sandbox.bot_user_id])
        yield sandbox


@pytest.fixture
def web(limited: SlackSandbox) -> WebClient:
    # No rate-limit retry handler: each test sees the 429s itself unless it adds one.
    return WebClient(token=limited.bot_token, base_url=limited.api_url)


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch, rate_clock: SteppedClock) -> list[float]:
    """slack_sdk's Retry-After sleeps, taken on the limiter's clock instead of the wall's."""
    taken: list[float] = []

    def sleep(seconds: float) -> None:
        taken.append(seconds)
        rate_clock.advance(seconds)

    monkeypatch.setattr(builtin_handlers, "time", SimpleNamespace(sleep=sleep))
    return taken


def refused(call: Any, **kwargs: Any) -> SlackApiError:
    with pytest.raises(SlackApiError) as raised:
        call(**kwargs)
    return raised.value


def statuses(sandbox: SlackSandbox, method: str = POST) -> list[int]:
    return [c.status for c in sandbox.calls(method)]


def test_calls_over_budget_get_429_ratelimited_with_retry_after(
    limited: SlackSandbox, web: WebClient
) -> None:
    limited.limit_rate(POST, per_second=1, burst=2)

    web.chat_postMessage(channel=CHANNEL, text="one")
    web.chat_postMessage(channel=CHANNEL, text="two")
    error = refused(web.chat_postMessage, channel=CHANNEL, text="three")

    assert error.response.status_code == 429
    assert error.response["error"] == "ratelimited"
    assert error.response.headers["Retry-After"] == "1"
    assert statuses(limited) == [200, 200, 429]
    assert limited.rate_limit_counts(POST) == RateLimitCounts(accepted=2, limited=1)
    assert limited.rate_limited_count(POST) == 1
    assert limited.calls(POST)[-1].response == {"ok": False, "error": "ratelimited"}


@pytest.mark.parametrize(("per_second", "elapsed", "retry_after"), [
    (0.4, 0.0, "3"),  # 2.5 s to the next token: rounded up to whole seconds
    (0.4, 2.4, "1"),  # 0.1 s left: never less than 1
    (2.0, 0.0, "1"),  # 0.5 s left
    (0.01, 0.0, "100"),
])
def test_retry_after_is_the_wait_rounded_up_to_whole_seconds(
    limited: SlackSandbox, web: WebClient, rate_clock: SteppedClock,
    per_second: float, elapsed: float, retry_after: str,
) -> None:
    limited.limit_rate("users.info", per_second=per_second)
    web.users_info(user=ANN)
    rate_clock.advance(elapsed)

    assert refused(web.users_info, user=ANN).response.headers["Retry-After"] == retry_after


def test_the_budget_refills_at_the_rate_and_never_beyond_the_burst(
    limited: SlackSandbox, web: WebClient, rate_clock: SteppedClock
) -> None:
    limited.limit_rate(POST, per_second=2, burst=3)
    for _ in range(3):
        web.chat_postMessage(channel=CHANNEL, text="burst")
    refused(web.chat_postMessage, channel=CHANNEL, text="over")

    rate_clock.advance(0.5)  # one token back
    web.chat_postMessage(channel=CHANNEL, text="refilled")
    refused(web.chat_postMessage, channel=CHANNEL, text="over again")
    rate_clock.advance(60)  # a long pause buys no more than the burst
    for _ in range(3):
        web.chat_postMessage(channel=CHANNEL, text="burst again")
    refused(web.chat_postMessage, channel=CHANNEL, text="over once more")

    assert limited.rate_limit_counts(POST) == RateLimitCounts(accepted=7, limited=3)
    assert len(limited.messages(CHANNEL)) == 7


def test_per_channel_budgets_are_independent(limited: SlackSandbox, web: WebClient) -> None:
    limited.limit_rate(POST, per_second=1, per_channel=True)

    web.chat_postMessage(channel=ANN, text="to ann")
    web.chat_postMessage(channel=BOB, text="to bob")
    web.chat_postMessage(channel=CHANNEL, text="to the team")
    again = refused(web.chat_postMessage, channel=ANN, text="ann again")
    # Ann's user id and her DM's id name one conversation, so they share its budget.
    dm = refused(web.chat_postMessage, channel=limited.dm_channel(ANN), text="ann's DM")

    assert again.response.headers["Retry-After"] == dm.response.headers["Retry-After"] == "1"
    assert statuses(limited) == [200, 200, 200, 429, 429]
    assert [m["text"] for m in limited.messages(limited.dm_channel(ANN))] == ["to ann"]


def test_a_call_refused_by_its_channel_spends_none_of_the_method_wide_budget(
    limited: SlackSandbox, web: WebClient
) -> None:
    limited.limit_rate(POST, per_second=10, burst=2)
    limited.limit_rate(POST, per_second=1, per_channel=True)

    web.chat_postMessage(channel=ANN, text="first")
    refused(web.chat_postMessage, channel=ANN, text="same channel, too soon")
    web.chat_postMessage(channel=BOB, text="second")  # the method-wide token Ann's refusal kept
    method_wide = refused(web.chat_postMessage, channel=CHANNEL, text="workspace budget spent")

    assert method_wide.response.headers["Retry-After"] == "1"
    assert limited.rate_limit_counts(POST) == RateLimitCounts(accepted=2, limited=2)


def test_a_client_honouring_retry_after_eventually_succeeds(
    limited: SlackSandbox, web: WebClient, sleeps: list[float]
) -> None:
    web.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))
    limited.limit_rate(POST, per_second=0.5)

    web.chat_postMessage(channel=CHANNEL, text="first")
    second = web.chat_postMessage(channel=CHANNEL, text="second")

    assert second["ok"]
    assert statuses(limited) == [200, 429, 200]
    assert len(sleeps) == 1
    assert 2 <= sleeps[0] < 3  # Retry-After 2 plus slack_sdk's jitter
    assert [m["text"] for m in limited.messages(CHANNEL)] == ["first", "second"]


def test_limited_calls_change_no_state(limited: SlackSandbox, web: WebClient) -> None:
    kept = web.chat_postMessage(channel=CHANNEL, text="keep me")["ts"]
    spare = web.chat_postMessage(channel=CHANNEL, text="spare")["ts"]
    for method in (POST, "chat.update", "chat.delete"):
        limited.limit_rate(method, per_second=0.1)
    web.chat_postMessage(channel=CHANNEL, text="last allowed")
    web.chat_update(channel=CHANNEL, ts=kept, text="updated")
    web.chat_delete(channel=CHANNEL, ts=spare)

    refused(web.chat_postMessage, channel=CHANNEL, text="never posted")
    refused(web.chat_update, channel=CHANNEL, ts=kept, text="never updated")
    refused(web.chat_delete, channel=CHANNEL, ts=kept)

    assert [m["text"] for m in limited.messages(CHANNEL)] == ["updated", "last allowed"]
    for method in (POST, "chat.update", "chat.delete"):
        assert limited.rate_limited_count(method) == 1


def test_scripted_faults_answer_first_and_spend_no_budget(
    limited: SlackSandbox, web: WebClient
) -> None:
    limited.limit_rate(POST, per_second=0.1)
    limited.rate_limit(POST, retry_after=9)

    scripted = refused(web.chat_postMessage, channel=CHANNEL, text="scripted 429")
    web.chat_postMessage(channel=CHANNEL, text="budget intact")

    assert scripted.response.headers["Retry-After"] == "9"
    assert limited.rate_limit_counts(POST) == RateLimitCounts(accepted=1, limited=0)


def test_clearing_lifts_the_limits_and_resets_the_counts(
    limited: SlackSandbox, web: WebClient
) -> None:
    limited.limit_rate(POST, per_second=0.1)
    web.chat_postMessage(channel=CHANNEL, text="one")
    refused(web.chat_postMessage, channel=CHANNEL, text="limited")

    limited.clear_rate_limits()
    for _ in range(5):
        web.chat_postMessage(channel=CHANNEL, text="free again")

    assert limited.rate_limit_counts(POST) == RateLimitCounts()
    assert len(limited.messages(CHANNEL)) == 6


def test_unlimited_methods_are_untouched(limited: SlackSandbox, web: WebClient) -> None:
    limited.limit_rate(POST, per_second=0.1)
    for _ in range(5):
        web.users_info(user=ANN)

    assert statuses(limited, "users.info") == [200] * 5
    assert limited.rate_limit_counts("users.info") == RateLimitCounts()


@pytest.mark.parametrize(("per_second", "burst"), [(0, 1), (-1, 1), (1, 0)])
def test_a_budget_must_allow_something(
    limited: SlackSandbox, per_second: float, burst: int
) -> None:
    with pytest.raises(ValueError, match=r"per_second|burst"):
        limited.limit_rate(POST, per_second=per_second, burst=burst)


def test_the_default_clock_is_the_wall_clock() -> None:
    with SlackSandbox() as sandbox:
        web = WebClient(token=sandbox.bot_token, base_url=sandbox.api_url)
        sandbox.limit_rate("auth.test", per_second=0.01)  # a token per 100 s: no test waits
        web.auth_test()
        error = refused(web.auth_test)

    assert error.response.headers["Retry-After"] == "100"


# -- the dispatcher against a Slack-like limit ---------------------------------------------


@pytest.fixture
def sandbox(rate_clock: SteppedClock) -> Iterator[SlackSandbox]:
    """conftest's sandbox (staff and customers), with the limiter on the stepped clock."""
    with SlackSandbox(rate_clock=rate_clock) as sandbox:
        sandbox.add_user(STAFF, name="staff", real_name="Sam Staff")
        for number, user_id in enumerate(CUSTOMERS, start=1):
            sandbox.add_user(user_id, name=f"customer{number}")
        yield sandbox
        assert sandbox.problems == [], sandbox.problems


class CountedPauses:
    """The dispatcher's pacer, counting the Retry-After pauses it is asked for."""

    def __init__(self, pacer: SharedPacer) -> None:
        self.pacer = pacer
        self.pauses: list[float] = []

    def wait(self) -> float:
        return self.pacer.wait()

    def pause(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.pacer.pause(seconds)


def test_the_dispatcher_backs_off_and_messages_everyone_exactly_once(
    sandbox: SlackSandbox, services: Services, engine: Engine, rate_clock: SteppedClock
) -> None:
    # Five customers against a budget of two at once, then one a second, while the bot posts
    # 20 a second: its senders meet 429s, wait out Retry-After (on the stepped clock, which
    # is also the pacer's), and send again.
    wave_id = open_wave(services, list(CUSTOMERS))
    sandbox.limit_rate(POST, per_second=1, burst=2)
    sandbox.limit_rate(POST, per_second=1, per_channel=True)
    pacer = CountedPauses(shared_pacer(services, None, clock=rate_clock,
                                       sleep=rate_clock.advance))

    deliver_due(services, create_web_client(services.settings), wave_id=wave_id, pacer=pacer)

    assert sandbox.rate_limited_count(POST) == len(pacer.pauses) >= 2
    assert pacer.pauses == [1.0] * len(pacer.pauses)  # the limiter's Retry-After
    assert {d.status for d in deliveries(engine)} == {DeliveryStatus.SENT}
    for user_id in CUSTOMERS:
        assert len(sandbox.messages(sandbox.dm_channel(user_id))) == 1
