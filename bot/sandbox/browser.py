"""The installer's browser in an OAuth install: the bot's install page, Slack's authorize page
(the sandbox's, which approves at once), and the redirect back to the bot with code and state.

Each step is its own function so a test can tamper between them: change the state, drop the
state cookie, replay a code.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.error import HTTPError
from urllib.parse import parse_qs, urlencode, urlsplit
from urllib.request import HTTPRedirectHandler, Request, build_opener

_LINK = re.compile(r'<a href="([^"]+)"')


@dataclass(frozen=True)
class BrowserReply:
    """An HTTP answer, redirects not followed; header names are lower-cased."""

    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")


@dataclass(frozen=True)
class InstallStart:
    authorize_url: str  # the "Add to Slack" link on the bot's install page
    cookie: str  # the state cookie the install page set, as the browser sends it back

    @property
    def state(self) -> str:
        return parse_qs(urlsplit(self.authorize_url).query)["state"][0]


class _NoRedirects(HTTPRedirectHandler):
    def redirect_request(self, *_args: object, **_kwargs: object) -> None:
        return None  # the 302 comes back as an HTTPError, to be looked at


def get(url: str, *, cookie: str | None = None, timeout: float = 10.0) -> BrowserReply:
    headers = {"User-Agent": "Mozilla/5.0 (sandbox browser)"}
    if cookie:
        headers["Cookie"] = cookie
    request = Request(url, headers=headers, method="GET")  # noqa: S310 (local servers only)
    try:
        with build_opener(_NoRedirects).open(request, timeout=timeout) as answer:
            return BrowserReply(answer.status, _lower(answer.headers.items()), answer.read())
    except HTTPError as error:  # 3xx and 4xx are answers to assert on
        with error:
            return BrowserReply(error.code, _lower(error.headers.items()), error.read())


def start_install(install_url: str, team_id: str) -> InstallStart:
    """Open the bot's install page for `team_id`; its link and the state cookie it set."""
    page = get(f"{install_url}?{urlencode({'team': team_id})}")
    if page.status != 200:
        raise RuntimeError(f"install page answered {page.status}: {page.text[:200]}")
    link = _LINK.search(page.text)
    if link is None:
        raise RuntimeError("install page has no Add to Slack link")
    cookie = page.headers.get("set-cookie", "").split(";")[0]
    return InstallStart(authorize_url=html.unescape(link.group(1)), cookie=cookie)


def approve(authorize_url: str) -> str:
    """Slack's authorize page: the installer clicks Allow; where Slack sends the browser next."""
    answer = get(authorize_url)
    if answer.status != 302:
        raise RuntimeError(f"authorize page answered {answer.status}: {answer.text[:200]}")
    return answer.headers["location"]


def with_state(redirect_url: str, state: str) -> str:
    """The redirect URL with its state replaced (a forged or replayed one)."""
    parts = urlsplit(redirect_url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()} | {"state": state}
    return parts._replace(query=urlencode(query)).geturl()


def _lower(items: object) -> dict[str, str]:
    return {str(name).lower(): str(value) for name, value in items}  # type: ignore[attr-defined]
