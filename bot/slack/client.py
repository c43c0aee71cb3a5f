"""The Web API clients: one that retries transient errors, one for posts that must not double."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler

from bot.core.config import Settings


def create_web_client(settings: Settings, *, token: str | None = None) -> WebClient:
    """A Web API client on SLACK_API_URL that honours Retry-After and retries transient errors.

    Without `token`: the bot token in bot-token mode; in OAuth mode a client with no token,
    which Bolt copies with each workspace's token and uses itself for oauth.v2.access.
    """
    if token is None and not settings.oauth_enabled:
        token, _ = settings.require_slack()
    return WebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=10,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


class RateLimitRetry(RateLimitErrorRetryHandler):
    """A 429 waited out for Retry-After, then retried only if `before_retry()` returns (it
    raises to stop: the caller may no longer post)."""

    def __init__(self, before_retry: Callable[[], None], max_retry_count: int = 3) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self._before_retry = before_retry

    def prepare_for_next_attempt(self, **kwargs: Any) -> None:
        super().prepare_for_next_attempt(**kwargs)
        self._before_retry()


def posting_client(
    client: WebClient, *, before_retry: Callable[[], None] | None = None
) -> WebClient:
    """`client` without its blind retries of 5xx answers and dropped connections, for posts.

    Slack may have posted a message whose answer was a 5xx (a gateway timing out) or never
    arrived; posting it again would post it twice. Only 429 is retried as it comes (Slack
    applies nothing it rate-limits); after any other failure the caller checks Slack (the
    message's metadata) before posting again. `before_retry` runs before each 429 retry.
    """
    rate_limits: list[RetryHandler] = [h for h in client.retry_handlers
                                        if isinstance(h, RateLimitErrorRetryHandler)]
    if before_retry is not None:
        rate_limits = [RateLimitRetry(before_retry, max_retry_count=h.max_retry_count)
                       for h in rate_limits]
    return WebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=client.timeout,
        logger=client.logger,
        retry_handlers=rate_limits,
    )
