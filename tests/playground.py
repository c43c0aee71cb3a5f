"""The playground served on a free port, and the page's JSON API as a browser calls it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.request import Request, urlopen

from bot.app.server import serve_in_background
from bot.playground.session import Playground
from bot.playground.startup import running_playground
from bot.playground.web import create_playground_app


@dataclass(frozen=True)
class ServedPlayground:
    url: str  # the page, ending in "/"
    playground: Playground


@contextmanager
def served_playground(workdir: Path) -> Iterator[ServedPlayground]:
    with (running_playground(workdir) as playground,
          serve_in_background(create_playground_app(playground)) as base_url):
        yield ServedPlayground(base_url + "/", playground)


@dataclass(frozen=True)
class PageReply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def call(url: str, path: str, body: dict[str, Any] | bytes | None = None, *,
         content_type: str = "application/json") -> PageReply:
    """GET `path` (no body) or POST `body` (JSON unless bytes are given) to the playground."""
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    request = Request(url.rstrip("/") + path, data=data,  # noqa: S310 (a local server)
                      headers={"Content-Type": content_type} if data is not None else {},
                      method="GET" if data is None else "POST")
    try:
        with urlopen(request, timeout=30) as answer:  # noqa: S310 (a local server)
            return PageReply(answer.status, _lower(answer.headers.items()), answer.read())
    except HTTPError as error:
        with error:
            return PageReply(error.code, _lower(error.headers.items()), error.read())


def _lower(items: Any) -> dict[str, str]:
    return {str(name).lower(): str(value) for name, value in items}
