"""`/engagement digest subscribe [weekly|monthly] [HH:MM] [TIME/ZONE] [scope] | list | stop N`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.core.usage import UsageError

_TIME = re.compile(r"^\d{1,2}:\d{2}$")
# A digest number as `digest list` shows it: ASCII digits (str.isdigit() also takes "²", which
# int() refuses) and short enough for a database integer.
_NUMBER = re.compile(r"^#?([0-9]{1,9})$")

class DigestAction(StrEnum):
    SUBSCRIBE = "subscribe"
    LIST = "list"
    STOP = "stop"


@dataclass(frozen=True)
class DigestCommand:
    """An admin subcommand: `/engagement digest subscribe|list|stop` for the current channel."""

    action: DigestAction
    cadence: str = "weekly"
    send_time: str = "09:00"
    timezone: str = "UTC"
    number: int | None = None  # stop
    pulse: str | None = None  # scope: `pulse:NAME` ...
    segment: tuple[str, ...] = ()  # ... or `segment:plan=enterprise` (repeatable)


def parse_digest(words: list[str]) -> DigestCommand:
    if not words:
        raise UsageError("say what to do with the digest: subscribe, list or stop", "digest")
    try:
        action = DigestAction(words[0].lower())
    except ValueError:
        raise UsageError(f"the digest can't “{words[0]}”", words[0]) from None
    rest = words[1:]
    if action is DigestAction.LIST:
        if rest:
            raise UsageError("“digest list” takes nothing more", rest[0])
        return DigestCommand(action)
    if action is DigestAction.STOP:
        number = _NUMBER.match(rest[0]) if len(rest) == 1 else None
        if number is None:
            raise UsageError("say which digest to stop, by the number `digest list` shows",
                             " ".join(rest) or "stop")
        return DigestCommand(action, number=int(number.group(1)))
    settings: dict[str, str] = {}
    segment: list[str] = []
    for word in rest:
        if word.lower().startswith("segment:") and len(word) > 8:
            segment.append(word[8:])
            continue
        if word.lower().startswith("pulse:") and len(word) > 6 and "pulse" not in settings:
            settings["pulse"] = word[6:]
            continue
        key = ("cadence" if word.lower() in ("weekly", "monthly")
               else "send_time" if _TIME.match(word)
               else "timezone" if "/" in word or word.upper() == "UTC" else None)
        if key is None or key in settings:
            raise UsageError(f"I don't know “{word}” here", word)
        settings[key] = word.lower() if key == "cadence" else word
    return DigestCommand(
        action,
        cadence=settings.get("cadence", "weekly"),
        send_time=settings.get("send_time", "09:00"),
        timezone=settings.get("timezone", "UTC"),
        pulse=settings.get("pulse"),
        segment=tuple(segment),
    )
