"""Slack's side of OAuth v2 for the sandbox: several teams, each with its own bot token.

What Bolt's install flow calls is here: the authorize page (which, as a user who clicked
"Allow", answers with a redirect carrying a one-time code and the bot's `state`), the code
exchange `oauth.v2.access`, and with token rotation on, the refresh (grant_type=refresh_token)
that returns a new access/refresh pair. A rotated-away token answers `token_expired`, stricter
than Slack (which honours it until it expires), so a test proves the bot moved to the new one.
Callers hold the sandbox's lock; nothing here is thread-safe on its own.
"""

from __future__ import annotations

import secrets
from base64 import b64decode
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit


class OAuthRefusal(Exception):
    """An `ok: false` answer with Slack's error code."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


@dataclass(frozen=True)
class SandboxTeam:
    team_id: str
    name: str
    bot_user_id: str
    bot_id: str
    installer: str  # the user who clicks "Allow" on the authorize page
    # The Enterprise Grid org the workspace belongs to; its installs, requests and auth.test
    # name it, as Slack's do (an install into one workspace, not the whole org).
    enterprise_id: str | None = None

    @property
    def domain(self) -> str:
        return "-".join(self.name.lower().split())


@dataclass
class SandboxOAuth:
    app_id: str
    client_id: str | None = None
    client_secret: str | None = None
    redirect_url: str | None = None
    # Seconds an issued bot token lives; None = token rotation off (tokens never expire).
    token_expires_in: int | None = None
    teams: dict[str, SandboxTeam] = field(default_factory=dict)
    _tokens: dict[str, str] = field(default_factory=dict)  # access token -> team id
    _retired: dict[str, str] = field(default_factory=dict)  # token -> the error it now gets
    _refused: dict[str, str] = field(default_factory=dict)  # token -> team, until restored
    _refresh: dict[str, str] = field(default_factory=dict)  # refresh token -> team id
    _codes: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # -> team, redirect

    def register_app(self, *, client_id: str, client_secret: str, redirect_url: str) -> None:
        self.client_id, self.client_secret = client_id, client_secret
        self.redirect_url = redirect_url

    def add_team(self, team: SandboxTeam, *, token: str | None = None) -> None:
        """A team; `token` is a bot token it already has (the single-workspace set-up)."""
        self.teams[team.team_id] = team
        if token is not None:
            self._tokens[token] = team.team_id

    def team_of(self, token: str) -> str:
        if token in self._retired:
            raise OAuthRefusal(self._retired[token])
        if token not in self._tokens:
            raise OAuthRefusal("invalid_auth")
        return self._tokens[token]

    def revoke_team(self, team_id: str) -> None:
        """The app was uninstalled from the team: every token it held stops working."""
        for token, owner in list(self._tokens.items()):
            if owner == team_id:
                del self._tokens[token]
                self._retired[token] = "token_revoked"
        for token, owner in list(self._refresh.items()):
            if owner == team_id:
                del self._refresh[token]

    def refuse(self, team_id: str, error: str) -> None:
        """The team's current tokens answer `error` (invalid_auth, account_inactive...) until
        `restore`: a token revoked by an admin, a workspace deleted, or a Slack incident."""
        for token in self.tokens_of(team_id):
            del self._tokens[token]
            self._retired[token] = error
            self._refused[token] = team_id

    def restore(self, team_id: str) -> None:
        for token, owner in list(self._refused.items()):
            if owner == team_id:
                del self._refused[token]
                del self._retired[token]
                self._tokens[token] = owner

    def tokens_of(self, team_id: str) -> list[str]:
        return [token for token, owner in self._tokens.items() if owner == team_id]

    # -- the authorize page ----------------------------------------------------------------

    def authorize(self, query: dict[str, str]) -> str:
        """The URL the browser is sent back to after the installer clicks "Allow"."""
        if not self.client_id or query.get("client_id") != self.client_id:
            raise OAuthRefusal("invalid_client_id")
        team_id = query.get("team") or ""
        if team_id not in self.teams:
            raise OAuthRefusal("team_not_found")
        redirect = query.get("redirect_uri") or self.redirect_url
        if not redirect or (self.redirect_url and redirect != self.redirect_url):
            raise OAuthRefusal("bad_redirect_uri")
        code = f"{secrets.randbelow(10**12)}.{secrets.token_hex(16)}"
        self._codes[code] = (team_id, query.get("redirect_uri"))
        separator = "&" if urlsplit(redirect).query else "?"
        return redirect + separator + urlencode({"code": code, "state": query.get("state", "")})

    # -- oauth.v2.access -------------------------------------------------------------------

    def access(self, args: dict[str, Any], authorization: str) -> dict[str, Any]:
        client_id, client_secret = _client_credentials(args, authorization)
        if client_id != self.client_id or client_secret != self.client_secret:
            raise OAuthRefusal("invalid_client_id" if client_id != self.client_id
                               else "bad_client_secret")
        if args.get("grant_type") == "refresh_token":
            team_id = self._refresh.pop(str(args.get("refresh_token") or ""), None)
            if team_id is None:
                raise OAuthRefusal("invalid_refresh_token")
            for token in self.tokens_of(team_id):  # the old token stops at once (see above)
                del self._tokens[token]
                self._retired[token] = "token_expired"
        else:
            code = str(args.get("code") or "")
            if code not in self._codes:
                raise OAuthRefusal("invalid_code")
            team_id, redirect = self._codes.pop(code)  # a code works once
            if redirect is not None and args.get("redirect_uri") != redirect:
                raise OAuthRefusal("bad_redirect_uri")
        return self._grant(self.teams[team_id])

    def _grant(self, team: SandboxTeam) -> dict[str, Any]:
        rotating = self.token_expires_in is not None
        token = ("xoxe.xoxb-" if rotating else "xoxb-") + f"{team.team_id}-{secrets.token_hex(12)}"
        self._tokens[token] = team.team_id
        answer: dict[str, Any] = {
            "access_token": token, "token_type": "bot", "scope": "chat:write,commands",
            "bot_user_id": team.bot_user_id, "app_id": self.app_id,
            "team": {"id": team.team_id, "name": team.name},
            "enterprise": (None if team.enterprise_id is None
                           else {"id": team.enterprise_id, "name": f"{team.name} Org"}),
            "is_enterprise_install": False, "authed_user": {"id": team.installer},
        }
        if rotating:
            refresh = f"xoxe-1-{team.team_id}-{secrets.token_hex(12)}"
            self._refresh[refresh] = team.team_id
            answer |= {"refresh_token": refresh, "expires_in": self.token_expires_in}
        return answer


def _client_credentials(args: dict[str, Any], authorization: str) -> tuple[str, str]:
    """slack_sdk sends HTTP Basic auth; Slack also takes client_id/client_secret as fields."""
    if authorization.startswith("Basic "):
        try:
            decoded = b64decode(authorization.removeprefix("Basic ")).decode()
        except ValueError:
            raise OAuthRefusal("invalid_client_id") from None
        client_id, _, secret = decoded.partition(":")
        return client_id, secret
    return str(args.get("client_id") or ""), str(args.get("client_secret") or "")
