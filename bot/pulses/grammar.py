"""`/engagement pulse list|new|send NAME|pause NAME|resume NAME|delete NAME`, parsed."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.core.usage import UsageError


class PulseAction(StrEnum):
    LIST = "list"
    NEW = "new"
    SEND = "send"
    PAUSE = "pause"
    RESUME = "resume"
    DELETE = "delete"


NAMED_ACTIONS = frozenset(
    {PulseAction.SEND, PulseAction.PAUSE, PulseAction.RESUME, PulseAction.DELETE}
)


@dataclass(frozen=True)
class PulseCommand:
    """An admin subcommand: `/engagement pulse ACTION [NAME]`."""

    action: PulseAction
    name: str | None = None


def parse_pulse(words: list[str]) -> PulseCommand:
    if not words:
        raise UsageError("say what to do with pulses", "pulse")
    try:
        action = PulseAction(words[0].lower())
    except ValueError:
        raise UsageError(f"pulses can't “{words[0]}”", words[0]) from None
    name = " ".join(words[1:]) or None
    if action in NAMED_ACTIONS and name is None:
        raise UsageError(f"name the pulse to {action.value}", action.value)
    if action not in NAMED_ACTIONS and name is not None:
        raise UsageError(f"“pulse {action.value}” takes no name", name)
    return PulseCommand(action=action, name=name)
