"""The text after /engagement: each domain parses its own subcommands; the rest is a query.

    /engagement [overview|nps|csat|trend [weekly|monthly]|segment ATTRIBUTE|
                 comments [positive|negative|neutral] [THEME]|themes|followups|help]
                [7d|30d|90d|quarter|year|since YYYY-MM-DD] [share]
    /engagement pulse list|new|send NAME|pause NAME|resume NAME|delete NAME
    /engagement digest subscribe [weekly|monthly] [HH:MM] [TIME/ZONE] [pulse:NAME |
                                 segment:KEY=VALUE ...] | list | stop N
    /engagement set industry|target ... , /engagement benchmark add|list|remove ...
"""

from __future__ import annotations

from bot.benchmarks.grammar import SettingsCommand, is_settings_command, parse_settings
from bot.digests.grammar import DigestCommand, parse_digest
from bot.pulses.grammar import PulseCommand, parse_pulse
from bot.reporting.grammar import EngagementQuery, parse_query


def parse_engagement(
    text: str,
) -> EngagementQuery | PulseCommand | DigestCommand | SettingsCommand:
    words = text.strip().split()
    if words and words[0].lower() == "pulse":
        return parse_pulse(words[1:])
    if words and words[0].lower() == "digest":
        return parse_digest(words[1:])
    if is_settings_command(words):
        return parse_settings(words)
    return parse_query(text)
