"""HTTP serving: /slack/events dispatched off the event loop, GET /healthz, and in OAuth mode
the install pages (GET /slack/install and /slack/oauth_redirect)."""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qs

import uvicorn
from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import Engine, text
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.slack.payload import form_payload_json
from storage.engine import outage_reason

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
TIMESTAMP_HEADER = "x-slack-request-timestamp"
SIGNATURE_HEADER = "x-slack-signature"
# Slack requests dispatched at once; beyond it a request is answered 503 at once. Without a
# bound, clicks arriving faster than they are served piled up (body, parsed payload, a thread
# each): every one was answered after Slack's 3 s and the process grew to gigabytes. Below the
# database pool (storage.engine.POOL_CONNECTIONS), so an admitted click never waits for a
# connection, with room left for the worker and the health check.
MAX_IN_FLIGHT = 8
BUSY_RETRY_AFTER_SECONDS = "1"
# With every slot taken, this many more signed requests wait for one, each for at most
# ADMISSION_WAIT_SECONDS; beyond either they are refused (503). Refusing at once turned every
# passing burst (a GC pause, a slow commit) into errors on people's buttons: at 200 clicks a
# second the slots filled for a few milliseconds many times a minute. A waiting request holds
# only its body, and still has two of Slack's 3 s to be served once admitted. Room for a
# second of clicks at 200 a second: the bot stopped for 0.3-0.4 s now and then at that rate
# (it was waiting, not computing), and with room for 64 the clicks arriving meanwhile were
# refused; the wait's 1 s limit, not this room, is what keeps an answer within Slack's 3 s.
MAX_WAITING = 200
ADMISSION_WAIT_SECONDS = 1.0
# A body is read whole, under this deadline, before the request may take one of those slots:
# a client that sent its headers and then a byte at a time held a slot for as long as it liked,
# and eight of them made every signed request answer 503. Slack sends its few kilobytes at
# once, so 10 s is generous to it and short for anyone holding a connection open (408).
BODY_DEADLINE_SECONDS = 10.0
# Slack's largest payloads (a view submission, a message's blocks) are tens of kilobytes. Before
# this limit a 400 MiB unsigned body was read, decoded and parsed before anyone checked its
# signature, and the process grew to 1.3-1.7 GiB; now it is refused (413) from its
# Content-Length, or once it passes the limit while it streams in.
MAX_BODY_BYTES = 1024 * 1024
# Exceptions that mean a signed payload is not shaped as Slack's are: Bolt reads ids and types
# out of it (body["view"]["type"], body["actions"][0], "user" an object) before and while
# dispatching, and json/urllib refuse what does not decode or nests too deep.
MALFORMED_PAYLOAD = (TypeError, AttributeError, ValueError, KeyError, IndexError,
                     RecursionError)
# Refusals whose body may not have been read: the connection is closed after them, rather than
# left open for the rest of a body nobody will read.
_CLOSE = {"connection": "close"}


def _plain(text: str, status: int, headers: dict[str, str] | None = None) -> Response:
    return Response(text, status_code=status, media_type="text/plain", headers=headers)


def _signing_secret(bolt_app: App) -> str:
    # Bolt keeps the secret it was given (create_app passes Settings' one) but has no public
    # accessor; reading it here keeps create_asgi_app's callers unchanged.
    return str(bolt_app._signing_secret)


def create_asgi_app(
    bolt_app: App, engine: Engine, *, max_in_flight: int = MAX_IN_FLIGHT,
    max_waiting: int = MAX_WAITING, admission_wait_seconds: float = ADMISSION_WAIT_SECONDS,
    body_deadline_seconds: float = BODY_DEADLINE_SECONDS, max_body_bytes: int = MAX_BODY_BYTES,
) -> Starlette:
    """Bolt's own Starlette adapter runs the sync app inside `async def`, blocking the loop;
    this one dispatches in a worker thread so a slow request never holds up the others.

    Each Slack request is read whole (at most `max_body_bytes`, within
    `body_deadline_seconds`) and its signature checked over the raw bytes before anything
    parses it or it takes one of `max_in_flight` dispatch slots. With every slot taken it
    waits for one, behind at most `max_waiting` others and for at most
    `admission_wait_seconds`; beyond either it is refused (503) before anything is stored,
    which Slack treats as a failed delivery: it retries an event, and shows the person who
    clicked an error, so they click again. A refused click was never acknowledged and nothing
    of it was stored. /healthz answers 503 while every slot is taken, so a load balancer sees
    the saturation.
    """
    waiting = 0  # only touched on the event loop: no lock needed
    # The dispatch slots. Created outside any event loop; it binds to uvicorn's loop at its
    # first use.
    slots = asyncio.Semaphore(max_in_flight)
    verifier = SignatureVerifier(_signing_secret(bolt_app))

    def full() -> bool:
        """Every slot taken and the waiting room full too: refuse without reading."""
        return slots.locked() and waiting >= max_waiting

    async def take_slot() -> bool:
        nonlocal waiting
        if not slots.locked():
            await slots.acquire()  # free: returns at once
            return True
        if waiting >= max_waiting:
            return False
        waiting += 1
        try:
            async with asyncio.timeout(admission_wait_seconds):
                await slots.acquire()
        except TimeoutError:
            return False
        finally:
            waiting -= 1
        return True

    def saturated() -> bool:
        # Every slot held by a request being dispatched (a bot admitting none, as tests
        # build, holds none: its health is the database's).
        return max_in_flight > 0 and slots.locked()

    def busy() -> Response:
        return _plain("busy, try again", 503, {"retry-after": BUSY_RETRY_AFTER_SECONDS})

    def dispatch(request: Request, body: bytes) -> BoltResponse:
        # Parsed here, in the worker thread, not on the event loop: under a burst the loop
        # parsed every arriving payload (a whole message's blocks, many times its bytes) while
        # the threads doing the work waited for the GIL, and every request queued for a thread
        # held its parsed copy. Queued requests now hold only their bytes.
        try:
            bolt_request = _bolt_request(request, body)
            # Bolt reads ids out of the payload before anything else and assumes Slack's
            # shapes ("user" an object...); its error handler reads them again to build its
            # arguments, so a payload it cannot read escapes dispatch instead of reaching a
            # listener. Either way it is the payload, not the bot: refused, not a 500.
            return bolt_app.dispatch(bolt_request)
        except MALFORMED_PAYLOAD as error:
            return _malformed(error, request, len(body))

    async def read_body(request: Request) -> bytes | Response:
        """The whole body, or the answer refusing it: too large (413) or too slow (408)."""
        declared = request.headers.get("content-length", "")
        # (int() refuses over 4,300 digits, and isdigit() takes "²": both checked first.)
        if declared.isascii() and declared.isdigit() and (
                len(declared) > 15 or int(declared) > max_body_bytes):
            logger.warning("refused a request body declared at %s bytes (over %d)",
                           declared[:16], max_body_bytes)
            return _plain("request body too large", 413, _CLOSE)
        chunks: list[bytes] = []
        size = 0
        try:
            async with asyncio.timeout(body_deadline_seconds):
                async for chunk in request.stream():  # chunked bodies declare no length
                    size += len(chunk)
                    if size > max_body_bytes:
                        logger.warning("refused a request body passing %d bytes as it came in",
                                       max_body_bytes)
                        return _plain("request body too large", 413, _CLOSE)
                    chunks.append(chunk)
        except TimeoutError:
            logger.warning("refused a request body not sent within %gs (%d bytes came)",
                           body_deadline_seconds, size)
            return _plain("request body not sent in time", 408, _CLOSE)
        except ClientDisconnect:
            return _plain("client went away", 400, _CLOSE)  # nobody left to read it
        return b"".join(chunks)

    def signed(request: Request, body: bytes) -> bool:
        stamp = request.headers.get(TIMESTAMP_HEADER)
        signature = request.headers.get(SIGNATURE_HEADER)
        if stamp is None or signature is None:
            return False
        # slack_sdk calls int() on the stamp ("" or "1.5" raised) and hmac.compare_digest on
        # the signature, which raises for anything not ASCII.
        if not (stamp.isascii() and stamp.isdigit() and signature.isascii()):
            return False
        try:
            return verifier.is_valid(body=body, timestamp=stamp, signature=signature)
        except UnicodeDecodeError:  # it signs the body decoded as UTF-8, as Slack sends it
            return False

    async def slack_events(request: Request) -> Response:
        if full():
            return busy()  # at once, unread: nothing of it is held while others are served
        body = await read_body(request)
        if isinstance(body, Response):
            return body
        if not signed(request, body):
            if _is_ssl_check(request, body):
                # Slack's certificate check comes unsigned (Bolt answers it before verifying).
                return Response(status_code=200)
            # Bolt logged the whole body here; this says only that it happened.
            logger.info("refused a request with a missing, stale or wrong Slack signature")
            return JSONResponse({"error": "invalid request"}, status_code=401)
        if not await take_slot():  # slots may have filled while the body came in
            return busy()
        try:
            return to_starlette_response(await run_in_threadpool(dispatch, request, body))
        finally:
            slots.release()

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
        database = await run_in_threadpool(database_ok)
        full_now = saturated()
        answer: dict[str, object] = {"ok": database and not full_now,
                                     "database": "ok" if database else "unreachable"}
        if full_now:
            # Every slot taken means the next Slack request is refused: a load balancer should
            # send it elsewhere, as it would if the database were gone.
            answer["slack_requests"] = (f"saturated: all {max_in_flight} slots in use, "
                                        f"{waiting} waiting")
        return JSONResponse(answer, status_code=200 if answer["ok"] else 503)

    return Starlette(
        routes=[
            Route(EVENTS_PATH, slack_events, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            *oauth_routes,
        ]
    )


def _bolt_request(request: Request, body: bytes) -> BoltRequest:
    """The request as Bolt's Starlette adapter builds it, but an interaction's form body is
    handed over as its JSON, decoded here by bot.slack.payload (Bolt's own decoding was 5-8% of
    a click's CPU); Bolt parses JSON as it comes. Its signature was checked over the raw bytes
    before this (create_asgi_app), so Bolt does not check it again (bot.app.wiring)."""
    text = body.decode("utf-8")
    return BoltRequest(body=form_payload_json(text) or text,
                       query=request.query_params,  # type: ignore[arg-type]
                       headers=request.headers)  # type: ignore[arg-type]


def _is_ssl_check(request: Request, body: bytes) -> bool:
    """Slack's unsigned certificate check: a small form body saying ssl_check=1."""
    if len(body) > 1024 or not request.headers.get("content-type", "").startswith(
            "application/x-www-form-urlencoded"):
        return False
    return parse_qs(body.decode("latin-1")).get("ssl_check") == ["1"]


def _malformed(error: BaseException, request: Request, size: int) -> BoltResponse:
    # One line, naming the kind of fault only: neither the body nor the exception's message
    # (which can quote a value from it) is logged, and no traceback.
    logger.warning("refused a signed request whose payload is not shaped like Slack's "
                   "(%s; %s, %d bytes)", type(error).__name__,
                   request.headers.get("content-type", "no content type")[:60], size)
    return BoltResponse(status=400, body="malformed Slack payload")


def uvicorn_server(asgi_app: Starlette, *, log_level: str = "info") -> uvicorn.Server:
    return uvicorn.Server(
        uvicorn.Config(asgi_app, log_level=log_level.lower(), access_log=False, lifespan="off")
    )


def bind(host: str, port: int) -> socket.socket:
    """A listening socket; port 0 picks a free one (tests, the demo)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()  # a port in use: the caller reports it, with nothing left open
        raise
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
