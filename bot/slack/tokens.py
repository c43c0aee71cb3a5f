"""Slack refusing a token itself, rather than one call: no retry will help until it changes."""

from __future__ import annotations

import hashlib

from slack_sdk.errors import SlackApiError

# What Slack answers when the token, not the request, is the problem: the app was removed or
# the token revoked (token_revoked, app_uninstalled), the token is not one Slack knows
# (invalid_auth), or the workspace or the token's user was deleted (account_inactive).
REFUSED_TOKEN_ERRORS = frozenset(
    {"token_revoked", "invalid_auth", "account_inactive", "app_uninstalled"})


def refused_token_error(error: BaseException) -> str | None:
    """Slack's error code when `error` is Slack refusing the token, else None."""
    if not isinstance(error, SlackApiError):
        return None
    code = error.response.get("error") if error.response is not None else None
    return str(code) if code in REFUSED_TOKEN_ERRORS else None


def token_fingerprint(token: str | None) -> str:
    """Tells two tokens apart without revealing either (a SHA-256 prefix of a random token)."""
    return hashlib.sha256((token or "").encode()).hexdigest()[:16]
