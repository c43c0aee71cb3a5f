"""The playground's web server: the page (static files shipped in this package) and the small
JSON API it calls. Only what a person may do in Slack is offered; the signing secret and the
bot token stay in this process."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bot.playground.session import Playground, PlaygroundError

# The page runs only its own script and shows only its own images: even a message that
# slipped past the renderer's escaping could not run code or load anything from elsewhere.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
MAX_BODY_BYTES = 64 * 1024


class _BadRequest(Exception):
    pass


class _Headers(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        if request.url.path.startswith("/api/"):
            response.headers["Cache-Control"] = "no-store"
        return response


def create_playground_app(playground: Playground) -> Starlette:
    """The page at `/`, its state at `GET /api/state?user=…`, and one POST per action."""

    async def people(_: Request) -> Response:
        return await _answer(playground.people)

    async def state(request: Request) -> Response:
        user = request.query_params.get("user", "")
        return await _answer(lambda: playground.state(user))

    async def command(request: Request) -> Response:
        return await _act(request, lambda body: playground.command(
            _text(body, "user"), _text(body, "channel"), _text(body, "text")))

    async def click(request: Request) -> Response:
        return await _act(request, lambda body: playground.click(
            _text(body, "user"), _text(body, "action_id"),
            channel_id=_optional(body, "channel"), ts=_optional(body, "ts"),
            view_id=_optional(body, "view_id"), option=_optional(body, "option")))

    async def submit(request: Request) -> Response:
        return await _act(request, lambda body: playground.submit(
            _text(body, "user"), _text(body, "view_id"), _values(body)))

    async def close(request: Request) -> Response:
        return await _act(request, lambda body: playground.close_modal(
            _text(body, "user"), _text(body, "view_id")))

    async def home(request: Request) -> Response:
        return await _act(request, lambda body: playground.open_home(_text(body, "user")))

    async def file(request: Request) -> Response:
        try:
            data, media_type = playground.file(str(request.path_params["file_id"]))
        except PlaygroundError as missing:
            return JSONResponse({"error": str(missing)}, status_code=404)
        return Response(data, media_type=media_type)

    return Starlette(
        routes=[
            Route("/api/people", people, methods=["GET"]),
            Route("/api/state", state, methods=["GET"]),
            Route("/api/command", command, methods=["POST"]),
            Route("/api/click", click, methods=["POST"]),
            Route("/api/submit", submit, methods=["POST"]),
            Route("/api/close", close, methods=["POST"]),
            Route("/api/home", home, methods=["POST"]),
            Route("/files/{file_id}", file, methods=["GET"]),
            Mount("/", StaticFiles(packages=[("bot.playground", "static")], html=True)),
        ],
        middleware=[Middleware(_Headers)],
    )


async def _act(request: Request, action: Callable[[dict[str, Any]], None]) -> Response:
    # A JSON body only: a form another site's page posts here is refused before it acts.
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        return JSONResponse({"error": "Send JSON"}, status_code=415)
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        return JSONResponse({"error": "Too long"}, status_code=413)
    try:
        body = _decode(raw)
    except _BadRequest as problem:
        return JSONResponse({"error": str(problem)}, status_code=400)

    def act() -> dict[str, Any]:
        action(body)
        return {"ok": True}

    return await _answer(act)


async def _answer(work: Callable[[], Any]) -> Response:
    try:
        result = await run_in_threadpool(work)
    except _BadRequest as problem:
        return JSONResponse({"error": str(problem)}, status_code=400)
    except PlaygroundError as refusal:
        return JSONResponse({"error": str(refusal)}, status_code=422)
    return JSONResponse(result)


def _decode(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw)
    except ValueError:
        raise _BadRequest("Not JSON") from None
    if not isinstance(body, dict):
        raise _BadRequest("Send a JSON object")
    return body


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str):
        raise _BadRequest(f"{key} is missing")
    return value


def _optional(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise _BadRequest(f"{key} must be text")
    return value


def _values(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    values = body.get("values")
    if not isinstance(values, dict) or not all(isinstance(v, dict) for v in values.values()):
        raise _BadRequest("values must map block ids to {action id: value}")
    return values
