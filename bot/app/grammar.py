"""The text after /engagement: each domain parses its own subcommands; the rest is a query.

    /engagement [overview|nps|csat|trend [weekly|monthly]|segment ATTRIBUTE|
                 comments [positive|negative|neutral] [THEME]|themes|followups [effect]|
                 movement|help]
                [7d|30d|90d|quarter|year|since YYYY-MM-DD] [share]
    /engagement pulse list|new|send NAME|pause NAME|resume NAME|delete NAME
    /engagement digest subscribe [weekly|monthly] [HH:MM] [TIME/ZONE] [pulse:NAME |
                                 segment:KEY=VALUE ...] | list | stop N
    /engagement set industry|target ... , /engagement benchmark add|list|remove ...
    /engagement set staff @group|clear , /engagement admin list|add|remove @person…
    /engagement set alerts #channel|off
    /engagement plan set PLACE "STEP" | reset PLACE | followup PLACE
    /engagement set currency EUR|off
    /engagement set drift on|off
"""

from __future__ import annotations

from bot.benchmarks.grammar import SettingsCommand, is_settings_command, parse_settings
from bot.core.usage import UsageError
from bot.digests.grammar import DigestCommand, parse_digest
from bot.followups.grammar import SetAlerts, parse_set_alerts
from bot.insights.engagement import PLACED_SEGMENTS
from bot.pulses.grammar import PulseCommand, parse_pulse
from bot.reporting.grammar import (
    EngagementQuery,
    PlanCommand,
    is_plan_command,
    parse_plan,
    parse_query,
)
from bot.workspaces.drift_switch import SetDrift, parse_set_drift
from bot.workspaces.grammar import (
    AccessCommand,
    SetCurrency,
    is_admin_command,
    parse_admin,
    parse_set_currency,
    parse_set_staff,
)

Parsed = (
    EngagementQuery | PulseCommand | DigestCommand | SettingsCommand | AccessCommand | SetAlerts
    | PlanCommand | SetCurrency | SetDrift
)


def parse_engagement(text: str) -> Parsed:
    words = text.strip().split()
    first = words[0].lower() if words else ""
    if first == "pulse":
        return parse_pulse(words[1:])
    if first == "digest":
        return parse_digest(words[1:])
    if first == "set":
        return _parse_set(words)
    if is_plan_command(words):
        return parse_plan(words, tuple(segment.value for segment in PLACED_SEGMENTS))
    if is_admin_command(words):
        return parse_admin(words)
    if is_settings_command(words):
        return parse_settings(words)
    return parse_query(text)


def _parse_set(
    words: list[str],
) -> SettingsCommand | AccessCommand | SetAlerts | SetCurrency | SetDrift:
    """`set WHAT …`: each WHAT belongs to its domain."""
    subject = words[1].lower() if len(words) > 1 else ""
    if subject == "staff":
        return parse_set_staff(words[2:])
    if subject == "alerts":
        return parse_set_alerts(words[2:])
    if subject == "industry":
        return parse_settings(words)
    if subject == "currency":
        return parse_set_currency(words[2:])
    if subject == "drift":
        return parse_set_drift(words[2:])
    raise UsageError("write set industry KEY, set staff @group, set alerts #channel, "
                     "set currency EUR or set drift off",
                     " ".join(words[1:2]) or "set")
