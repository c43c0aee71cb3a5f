"""The Web API clients: one that retries transient errors, one for posts that must not double.

Every client made here talks to Slack over one pool of keep-alive connections (urllib3's
`PoolManager`, thread-safe), owned by the root client the composition root builds and shared by
every client derived from it: the posting client, and one client per workspace token
(`SlackConnections.client_for`). slack_sdk's own `WebClient` opens a new connection (DNS lookup,
TCP and TLS handshake) for every call and closes it after: at 200 score clicks a second, the
click's `chat.update` alone spent about half of the bot's CPU connecting.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from collections.abc import Callable
from http.client import HTTPMessage, RemoteDisconnected
from ssl import SSLContext
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.request import Request

import urllib3
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from urllib3.exceptions import (
    ConnectTimeoutError,
    ProtocolError,
    ReadTimeoutError,
)
from urllib3.exceptions import HTTPError as Urllib3Error

from bot.core.config import Settings

# Connections kept open per Slack host. Bolt's 40 listener threads and the four senders can
# each be in a call at once; a call finding every kept connection busy opens one more and closes
# it afterwards (block=False), so this bounds what stays open, never what may run.
CONNECTIONS_PER_HOST = 16
# Workspace tokens whose client is kept; a rotated token's old client falls out of use and
# then out of this many.
CLIENTS_KEPT = 1_000


class SlackConnections:
    """Keep-alive HTTP connections to Slack's hosts, and one Web API client per token.

    Safe across threads: urllib3 hands each request a connection of its own from the pool and
    takes it back once the answer is read; the clients kept per token share the pool and hold
    no per-call state.
    """

    def __init__(self, *, ssl: SSLContext | None = None,
                 connections_per_host: int = CONNECTIONS_PER_HOST) -> None:
        # retries=False: urllib3 neither retries nor follows redirects, so a post is sent once;
        # retrying is the Web API client's job (its handlers), and a posting client has none
        # for a dropped connection (see posting_client).
        self.pool = urllib3.PoolManager(num_pools=4, maxsize=connections_per_host, block=False,
                                        ssl_context=ssl, retries=False)
        self._clients: OrderedDict[str, PooledWebClient] = OrderedDict()
        self._lock = threading.Lock()

    def client_for(self, token: str, *, like: WebClient) -> PooledWebClient:
        """The client for `token`, made once (as `like` is, with this token) and kept."""
        with self._lock:
            client = self._clients.get(token)
            if client is not None:
                self._clients.move_to_end(token)
                return client
        client = PooledWebClient(connections=self, token=token, base_url=like.base_url,
                                 timeout=like.timeout, ssl=like.ssl, proxy=like.proxy,
                                 headers=dict(like.headers), logger=like.logger,
                                 retry_handlers=list(like.retry_handlers))
        with self._lock:
            client = self._clients.setdefault(token, client)
            while len(self._clients) > CLIENTS_KEPT:
                self._clients.popitem(last=False)
        return client

    def opened(self) -> int:
        """Connections opened so far, over all hosts (kept or not)."""
        pools = self.pool.pools
        # urllib3's container refuses iteration (not thread-safe); keys() copies under its lock.
        return sum(pools[key].num_connections for key in pools.keys())  # noqa: SIM118

    def send(self, url: str, request: Request, *, timeout: float) -> dict[str, Any]:
        """POST `request` on a pooled connection, answering as slack_sdk's urllib call does:
        {status, headers, body} for a 2xx or 3xx, urllib's HTTPError for a 4xx or 5xx, and
        urllib's own exceptions for connection faults, so its retry handlers and our callers
        (who catch OSError) treat every outcome exactly as before."""
        headers = {name: str(value) for name, value in request.header_items()}
        body = request.data
        if body is not None and not isinstance(body, bytes):
            raise TypeError("slack_sdk sends its requests' bodies as bytes")
        try:
            answer = self.pool.request(
                "POST", url, body=body, headers=headers, redirect=False,
                timeout=urllib3.Timeout(connect=timeout, read=timeout))
        except ConnectTimeoutError as error:  # NewConnectionError too: nothing was sent
            raise URLError(error) from error
        except ReadTimeoutError as error:
            raise TimeoutError(str(error)) from error
        except ProtocolError as error:
            # The connection dropped mid-call: Slack may have acted on it. urllib raised the
            # socket's own error here (RemoteDisconnected, ConnectionResetError).
            cause = error.args[1] if len(error.args) > 1 else None
            raise (cause if isinstance(cause, OSError)
                   else RemoteDisconnected(str(error))) from error
        except Urllib3Error as error:  # anything else urllib3 refuses (a TLS fault...)
            raise URLError(error) from error
        if answer.status >= 400:
            message = HTTPMessage()
            for name, value in answer.headers.items():
                message[name] = value
            raise HTTPError(url, answer.status, answer.reason or "", message,
                            io.BytesIO(answer.data))
        content_type = answer.headers.get("content-type", "")
        if content_type.split(";")[0].strip() == "application/gzip":  # admin.analytics.getFile
            return {"status": answer.status, "headers": answer.headers, "body": answer.data}
        return {"status": answer.status, "headers": answer.headers,
                "body": answer.data.decode(_charset(content_type))}


def _charset(content_type: str) -> str:
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip('"')
    return "utf-8"


class PooledWebClient(WebClient):
    """slack_sdk's WebClient, every method and retry handler as it is, over SlackConnections."""

    def __init__(self, *, connections: SlackConnections | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.connections = connections or SlackConnections(ssl=self.ssl)

    def _perform_urllib_http_request_internal(self, url: str, req: Request) -> dict[str, Any]:
        # slack_sdk's one place that touches the network: below its retries, above urllib.
        if self.proxy is not None or not url.lower().startswith(("http://", "https://")):
            return super()._perform_urllib_http_request_internal(url, req)
        return self.connections.send(url, req, timeout=self.timeout)


def create_web_client(settings: Settings, *, token: str | None = None) -> PooledWebClient:
    """A Web API client on SLACK_API_URL that honours Retry-After and retries transient errors.

    Without `token`: the bot token in bot-token mode; in OAuth mode a client with no token,
    which Bolt copies with each workspace's token and uses itself for oauth.v2.access. It owns
    a new pool of connections: build it once (the composition root) and derive the rest from it.
    """
    if token is None and not settings.oauth_enabled:
        token, _ = settings.require_slack()
    return PooledWebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=10,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def token_client(client: WebClient, token: str) -> WebClient:
    """`client` with another workspace's token, on the same connections when it has them."""
    if isinstance(client, PooledWebClient):
        return client.connections.client_for(token, like=client)
    return WebClient(token=token, base_url=client.base_url, timeout=client.timeout,
                     ssl=client.ssl, proxy=client.proxy, headers=dict(client.headers),
                     logger=client.logger, retry_handlers=list(client.retry_handlers))


class RateLimitRetry(RateLimitErrorRetryHandler):
    """A 429 waited out for Retry-After (by `wait_out(seconds)` when given, else slept), then
    retried only if `before_retry()` returns (it raises to stop: the caller may no longer
    post)."""

    def __init__(self, before_retry: Callable[[], None], max_retry_count: int = 3,
                 wait_out: Callable[[float], None] | None = None) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self._before_retry = before_retry
        self._wait_out = wait_out

    def prepare_for_next_attempt(self, **kwargs: Any) -> None:
        response: HttpResponse | None = kwargs.get("response")
        if self._wait_out is None or response is None:
            super().prepare_for_next_attempt(**kwargs)
        else:
            state: RetryState = kwargs["state"]
            state.next_attempt_requested = True
            self._wait_out(retry_after(response))
            state.increment_current_attempt()
        self._before_retry()


def retry_after(response: HttpResponse) -> float:
    """The seconds a 429 asks for (1 when it does not say, as slack_sdk assumes)."""
    for name, values in response.headers.items():
        if name.lower() == "retry-after":
            value = values[0] if isinstance(values, list) and values else values
            try:
                return max(float(str(value)), 0.0)
            except ValueError:
                break
    return 1.0


def posting_client(
    client: WebClient, *, before_retry: Callable[[], None] | None = None,
    wait_out: Callable[[float], None] | None = None,
) -> WebClient:
    """`client` without its blind retries of 5xx answers and dropped connections, for posts.

    Slack may have posted a message whose answer was a 5xx (a gateway timing out) or never
    arrived; posting it again would post it twice. Only 429 is retried as it comes (Slack
    applies nothing it rate-limits); after any other failure the caller checks Slack (the
    message's metadata) before posting again. It shares `client`'s connections.
    `before_retry` runs before each 429 retry; `wait_out(seconds)` waits out its Retry-After.
    """
    rate_limits: list[RetryHandler] = [h for h in client.retry_handlers
                                        if isinstance(h, RateLimitErrorRetryHandler)]
    if before_retry is not None:
        rate_limits = [RateLimitRetry(before_retry, max_retry_count=h.max_retry_count,
                                      wait_out=wait_out)
                       for h in rate_limits]
    settings: dict[str, Any] = {
        "token": client.token, "base_url": client.base_url, "timeout": client.timeout,
        "ssl": client.ssl, "proxy": client.proxy, "headers": dict(client.headers),
        "logger": client.logger, "retry_handlers": rate_limits,
    }
    if isinstance(client, PooledWebClient):
        return PooledWebClient(connections=client.connections, **settings)
    return WebClient(**settings)
