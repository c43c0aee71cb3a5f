"""Parses `/engagement set alerts #channel|off`: where this workspace's follow-up alerts go."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.usage import UsageError
from bot.slack.mentions import channel_id_in

OFF_WORDS = ("off", "clear", "none")


@dataclass(frozen=True)
class SetAlerts:
    channel_id: str | None  # None: no alerts in this workspace


def parse_set_alerts(words: list[str]) -> SetAlerts:
    """What follows `set alerts`."""
    if len(words) != 1:
        raise UsageError("name one channel, e.g. set alerts #cx-alerts, or set alerts off",
                         "alerts")
    if words[0].lower() in OFF_WORDS:
        return SetAlerts(None)
    return SetAlerts(channel_id_in(words[0]))
