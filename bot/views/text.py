"""Text for Slack mrkdwn: escaping customer text, truncation, and number formatting."""

from __future__ import annotations

MINUS = "\u2212"
DASH = "\u2013"


def escape_mrkdwn(text: str) -> str:
    """Slack's three control characters, so <!channel> or <@U…> typed by a customer is inert.

    '&' goes first, or the entities made for '<' and '>' would be escaped twice.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int, *, ellipsis: str = "…") -> str:
    if limit <= 0:
        return ""
    if len(text) <= limit:
        return text
    if limit <= len(ellipsis):
        return text[:limit]
    return text[: limit - len(ellipsis)] + ellipsis


def quote(text: str, limit: int = 2900) -> str:
    """Escaped and shown as a Slack blockquote, never longer than `limit`."""
    quoted = "\n".join("> " + line for line in escape_mrkdwn(text).splitlines() or [""])
    if len(quoted) <= limit:
        return quoted
    cut = truncate(quoted, limit)
    # Never end inside an entity such as "&amp;": a half entity would show as raw text.
    amp = cut.rfind("&", max(0, len(cut) - 6))
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp] + "…"
    return cut


def fmt_score(value: float | None, *, signed: bool = True, digits: int = 0) -> str:
    """NPS style: +25, −10 (a real minus sign), 0; an en dash when there is no value."""
    if value is None:
        return DASH
    text = f"{abs(value):.{digits}f}"
    if float(text) == 0:
        return text
    if value < 0:
        return MINUS + text
    return ("+" if signed else "") + text


def fmt_percent(value: float | None, digits: int = 0) -> str:
    return DASH if value is None else f"{value:.{digits}f}%"


def fmt_interval(
    low: float, high: float, digits: int = 0, *, signed: bool = False, percent: bool = False
) -> str:
    if percent:
        return f"{fmt_percent(low, digits)} to {fmt_percent(high, digits)}"
    return f"{fmt_score(low, signed=signed, digits=digits)} to " + fmt_score(
        high, signed=signed, digits=digits
    )


def plural(n: int, word: str, plural_word: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural_word or word + 's')}"
