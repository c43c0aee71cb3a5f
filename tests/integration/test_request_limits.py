"""Bodies that are too slow or too large: refused before they can hold a slot or memory.

Slow and large senders are played over raw sockets (a client library would send the whole
body at once): headers first, then a body a byte at a time, or never, or without end.
"""

from __future__ import annotations

import select
import socket
from collections.abc import Callable, Iterator
from contextlib import ExitStack, closing
from typing import Any
from urllib.parse import urlsplit

import pytest

from bot.app.server import (
    EVENTS_PATH,
    MAX_IN_FLIGHT,
    create_asgi_app,
    serve_in_background,
)
from bot.app.wiring import create_app
from bot.core.services import Services
from bot.sandbox.client import SignedSlackClient
from bot.sandbox.slack_api import SlackSandbox
from bot.slack.client import create_web_client
from tests.conftest import SIGNING_SECRET, STAFF

ONE_MIB = 1024 * 1024  # the promised limit (docs/RELIABILITY.md)
ANSWER_TIMEOUT = 10.0  # seconds a test waits for an answer that should come at once


@pytest.fixture
def serve(services: Services) -> Iterator[Callable[..., str]]:
    """Start a bot with create_asgi_app's keywords (a short body deadline...); its base URL."""
    with ExitStack() as bots:

        def start(**limits: Any) -> str:
            app = create_app(services, create_web_client(services.settings))
            return bots.enter_context(
                serve_in_background(create_asgi_app(app, services.engine, **limits)))

        yield start


def _connect(base_url: str) -> socket.socket:
    parts = urlsplit(base_url)
    return socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 80),
                                    timeout=ANSWER_TIMEOUT)


def _start_post(base_url: str, headers: dict[str, str]) -> socket.socket:
    """A POST to /slack/events with its headers sent and none of its body."""
    sock = _connect(base_url)
    lines = [f"POST {EVENTS_PATH} HTTP/1.1", f"Host: {urlsplit(base_url).netloc}",
             "Content-Type: application/x-www-form-urlencoded",
             *(f"{name}: {value}" for name, value in headers.items())]
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    return sock


def _read_head(sock: socket.socket) -> bytes:
    """One response head (status line and headers), read a byte at a time so nothing after it
    is consumed."""
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        byte = sock.recv(1)
        if not byte:
            raise AssertionError(f"connection closed after {head!r}")
        head += byte
    return head


def _status(head: bytes) -> int:
    return int(head.split(b" ", 2)[1])


def _trickling(base_url: str) -> socket.socket:
    """A request that promises 4 KiB, is let in by the server, and sends one byte of it.

    `Expect: 100-continue` makes the server say when the application starts reading the body:
    from then on the request is inside it, no sleeping needed to be sure."""
    sock = _start_post(base_url, {"Content-Length": "4096", "Expect": "100-continue"})
    assert _status(_read_head(sock)) == 100
    sock.sendall(b"p")
    return sock


def test_connections_trickling_their_bodies_do_not_stop_signed_requests(
    serve: Callable[..., str], sandbox: SlackSandbox,
) -> None:
    """As many connections as the server dispatches at once, each holding its body back:
    they used to take every slot, and every signed request was answered 503."""
    url = serve(body_deadline_seconds=60)  # longer than the test: they stay open throughout
    slack = SignedSlackClient(bot_url=url + EVENTS_PATH, signing_secret=SIGNING_SECRET,
                              sandbox=sandbox)
    with ExitStack() as held:
        for _ in range(MAX_IN_FLIGHT):
            held.enter_context(closing(_trickling(url)))

        assert slack.slash_command(STAFF, "help").status == 200
        assert slack.slash_command(STAFF, "help").status == 200


def test_a_body_not_sent_within_the_deadline_is_answered_408_and_closed(
    serve: Callable[..., str],
) -> None:
    url = serve(body_deadline_seconds=0.3)

    with closing(_trickling(url)) as sock:
        assert _status(_read_head(sock)) == 408
        sock.settimeout(ANSWER_TIMEOUT)
        while sock.recv(4096):  # the rest of the answer, then the server closes
            pass


def test_a_body_declared_over_1_mib_is_refused_413_before_any_of_it_is_sent(
    serve: Callable[..., str],
) -> None:
    url = serve()

    with closing(_start_post(url, {"Content-Length": str(400 * 1024 * 1024)})) as sock:
        assert _status(_read_head(sock)) == 413


def test_a_chunked_body_is_refused_413_once_it_passes_1_mib(serve: Callable[..., str]) -> None:
    """No Content-Length to go by: counted as it streams in, and refused while it still does.

    It offers 64 MiB; the answer has to come long before, or the server read it all."""
    url = serve()
    chunk = b"%x\r\n%s\r\n" % (64 * 1024, b"a" * 64 * 1024)
    offered = 64 * 1024 * 1024
    sent = 0
    with closing(_start_post(url, {"Transfer-Encoding": "chunked"})) as sock:
        sock.setblocking(False)
        while sent < offered:
            readable, writable, _ = select.select([sock], [sock], [], ANSWER_TIMEOUT)
            if readable or not writable:
                break
            try:
                sent += sock.send(chunk)  # may take part of it; what counts is the total
            except (BrokenPipeError, ConnectionResetError):
                break
        sock.setblocking(True)
        assert sent < offered, "the server read 64 MiB without answering"
        assert _status(_read_head(sock)) == 413
    # What the kernel's buffers held, beyond the 1 MiB read, is all it took.
    assert sent < ONE_MIB + 16 * 1024 * 1024


def test_a_body_of_exactly_1_mib_is_read_and_one_byte_more_is_not(
    slack: SignedSlackClient, serve: Callable[..., str],
) -> None:
    """The limit is 1 MiB itself: a body of that size reaches the signature check; one byte
    more is refused from its Content-Length. That answer comes before the body is read, so it
    is read here before any body is sent: a client still sending would meet a closed socket."""
    padded = b"text=" + b"a" * (ONE_MIB - len(b"text="))

    assert slack.post_raw(padded, sign=False).status == 401
    with closing(_start_post(serve(), {"Content-Length": str(ONE_MIB + 1)})) as sock:
        assert _status(_read_head(sock)) == 413
