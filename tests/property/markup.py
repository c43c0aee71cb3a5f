"""What Slack would make of text the bot sends: live mentions, links and unescaped characters.

Slack parses `<…>` in mrkdwn text (and in a message's top-level text) as a mention, a special
mention (`<!channel>`, `<!here>`), a channel or a link, and `&` as the start of an entity. Plain
text objects are shown as typed, so only mrkdwn is checked here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

# What the bot itself may write: a user or channel it knows, a link it built, a date.
_REFERENCE = re.compile(r"<([^<>]*)>")
_ENTITY = re.compile(r"&(amp|lt|gt);")
_OWN_REFERENCE = re.compile(r"^(@U[A-Z0-9]+|#C[A-Z0-9]+(\|[^|]*)?|https?://[^\s|]+(\|[^|]*)?)$")


def mrkdwn_texts(payload: Any, *, top_level: bool = True) -> Iterator[str]:
    """Every string Slack would parse as mrkdwn in a message, a view or an ack body."""
    if isinstance(payload, list):
        for item in payload:
            yield from mrkdwn_texts(item, top_level=False)
        return
    if not isinstance(payload, dict):
        return
    if payload.get("type") == "mrkdwn" and isinstance(payload.get("text"), str):
        yield payload["text"]
    elif top_level and isinstance(payload.get("text"), str) and payload.get("mrkdwn") is not False:
        yield payload["text"]  # a message's fallback text is mrkdwn too
    for key, value in payload.items():
        if isinstance(value, dict | list) and key != "private_metadata":
            yield from mrkdwn_texts(value, top_level=False)


def markup_problems(texts: Iterable[str], *, user_texts: Iterable[str] = (),
                    known_ids: Iterable[str] = ()) -> list[str]:
    """Why any of `texts` is unsafe: a reference the bot did not make, a stray `<`, `>` or `&`.

    A reference is the bot's own when it names an id in `known_ids` (or a link) and does not
    appear verbatim in what users typed (`user_texts`): a link or mention copied from a comment is
    an injection even when it names someone real.
    """
    typed = [text for text in user_texts if text]
    known = set(known_ids)
    problems: list[str] = []
    for text in texts:
        rest = []
        position = 0
        for match in _REFERENCE.finditer(text):
            inner = match.group(1)
            rest.append(text[position:match.start()])
            position = match.end()
            target = inner.split("|")[0]
            own = bool(_OWN_REFERENCE.match(inner)) and (
                target.startswith("http") or target[1:] in known)
            if not own or any(match.group(0) in typed_text for typed_text in typed):
                problems.append(f"live reference {match.group(0)!r} in {text[:200]!r}")
        rest.append(text[position:])
        for part in rest:
            if "<" in part:
                problems.append(f"unescaped '<' in {text[:200]!r}")
            # A '>' opening a line is a blockquote the bot wrote; anywhere else it was not escaped.
            if any(">" in line[1:] or (line.startswith(">") and not line.startswith("> "))
                   for line in part.split("\n")):
                problems.append(f"unescaped '>' in {text[:200]!r}")
            stray = [m.start() for m in re.finditer("&", part)
                     if not _ENTITY.match(part, m.start())]
            if stray:
                problems.append(f"unescaped '&' in {text[:200]!r}")
    return problems
