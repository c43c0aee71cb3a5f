"""HTTP serving: /slack/events dispatched off the event loop, GET /healthz, and in OAuth mode
the install pages (GET /slack/install and /slack/oauth_redirect)."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from slack_bolt import App, BoltResponse
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from sqlalchemy import Engine, text
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from storage.engine import outage_reason

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
TIMESTAMP_HEADER = "x-slack-request-timestamp"
# Slack requests dispatched at once; beyond it a request is answered 503 at once, unread. Without
# a bound, clicks arriving faster than they are served piled up (body, parsed payload, a thread
# each): every one was answered after Slack's 3 s and the process grew to gigabytes. Below the
# database pool (storage.engine.POOL_CONNECTIONS), so an admitted click never waits for a
# connection, with room left for the worker and the health check.
MAX_IN_FLIGHT = 8
BUSY_RETRY_AFTER_SECONDS = "1"


def create_asgi_app(
    bolt_app: App, engine: Engine, *, max_in_flight: int = MAX_IN_FLIGHT
) -> Starlette:
    """Bolt's own Starlette adapter runs the sync app inside `async def`, blocking the loop;
    this one dispatches in a worker thread so a slow request never holds up the others.

    At most `max_in_flight` Slack requests are dispatched at once; the rest are refused (503)
    before anything is read or stored, which Slack treats as a failed delivery: it retries an
    event, and shows the person who clicked an error, so they click again. A refused click was
    never acknowledged and nothing of it was stored.
    """
    in_flight = 0  # only touched on the event loop: no lock needed

    def dispatch(request: Request, body: bytes) -> BoltResponse:
        # Parsed here, in the worker thread, not on the event loop: under a burst the loop
        # parsed every arriving payload (a whole message's blocks, many times its bytes) while
        # the threads doing the work waited for the GIL, and every request queued for a thread
        # held its parsed copy. Queued requests now hold only their bytes.
        try:
            bolt_request = to_bolt_request(request, body)
        except (TypeError, AttributeError, ValueError, KeyError):
            # Bolt reads ids out of the payload before anything else and assumes Slack's shapes
            # ("user" an object...); a payload that is not one is refused, not a 500.
            logger.warning("refused a request whose payload is not shaped like Slack's")
            return BoltResponse(status=400, body="malformed Slack payload")
        return bolt_app.dispatch(bolt_request)

    async def slack_events(request: Request) -> Response:
        nonlocal in_flight
        if in_flight >= max_in_flight:
            return Response("busy, try again", status_code=503, media_type="text/plain",
                            headers={"retry-after": BUSY_RETRY_AFTER_SECONDS})
        in_flight += 1
        try:
            body = await request.body()
            stamp = request.headers.get(TIMESTAMP_HEADER)
            if stamp is not None and not (stamp.isascii() and stamp.isdigit()):
                # slack_sdk's verifier calls int() on it and raised (a 500) for "" or "1.5".
                return Response("invalid request timestamp", status_code=401,
                                media_type="text/plain")
            return to_starlette_response(await run_in_threadpool(dispatch, request, body))
        finally:
            in_flight -= 1

    oauth_routes: list[Route] = []
    if (flow := bolt_app.oauth_flow) is not None:
        # The install page and Slack's redirect back: browser GETs, not signed Slack requests,
        # so they go to Bolt's OAuth flow rather than through dispatch (as Bolt's adapters do).
        async def install(request: Request) -> Response:
            bolt_request = to_bolt_request(request, b"")
            return to_starlette_response(
                await run_in_threadpool(flow.handle_installation, bolt_request))

        async def oauth_redirect(request: Request) -> Response:
            bolt_request = to_bolt_request(request, b"")
            return to_starlette_response(
                await run_in_threadpool(flow.handle_callback, bolt_request))

        oauth_routes = [Route(flow.install_path, install, methods=["GET"]),
                        Route(flow.redirect_uri_path, oauth_redirect, methods=["GET"])]

    def database_ok() -> bool:
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as error:  # any failure means "not healthy"; the reason goes to the log
            # One line: a load balancer probes every few seconds for as long as it lasts.
            logger.warning("health check: database unreachable (%s)", outage_reason(error))
            return False
        return True

    async def healthz(_request: Request) -> Response:
        ok = await run_in_threadpool(database_ok)
        return JSONResponse({"ok": ok, "database": "ok" if ok else "unreachable"},
                            status_code=200 if ok else 503)

    return Starlette(
        routes=[
            Route(EVENTS_PATH, slack_events, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            *oauth_routes,
        ]
    )


def uvicorn_server(asgi_app: Starlette, *, log_level: str = "info") -> uvicorn.Server:
    return uvicorn.Server(
        uvicorn.Config(asgi_app, log_level=log_level.lower(), access_log=False, lifespan="off")
    )


def bind(host: str, port: int) -> socket.socket:
    """A listening socket; port 0 picks a free one (tests, the demo)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


@contextmanager
def serve_in_background(asgi_app: Starlette, *, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve on a free port in a thread (demo and tests); yields the base URL.

    The socket is listening before the thread starts, so callers can connect at once: the
    kernel queues connections until uvicorn accepts them.
    """
    sock = bind(host, 0)
    server = uvicorn_server(asgi_app, log_level="warning")
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
