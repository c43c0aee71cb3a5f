"""`/engagement set drift on|off`: whether this workspace gets drift warnings (admins only).

Off, the leader neither checks the workspace's segments nor raises a warning; warnings already
raised stay where they were posted. On is the default.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.services import Services
from bot.core.text import plural
from bot.core.usage import UsageError
from bot.slack.message import ReportMessage
from storage.drift import set_drift_alerts
from storage.engine import session_scope
from storage.followups import workspace_alert_channel


@dataclass(frozen=True)
class SetDrift:
    on: bool


def parse_set_drift(words: list[str]) -> SetDrift:
    """What follows `set drift`."""
    said = words[0].lower() if len(words) == 1 else ""
    if said not in ("on", "off"):
        raise UsageError("write set drift off, or set drift on", " ".join(words[:1]) or "drift")
    return SetDrift(on=said == "on")


def run_drift_command(
    services: Services, *, team_id: str, user_id: str, command: SetDrift
) -> ReportMessage:
    days = services.settings.drift_period_days
    with session_scope(services.engine) as session:
        set_drift_alerts(session=session, team_id=team_id, on=command.on, user_id=user_id,
                         now=services.clock())
        chosen = workspace_alert_channel(session=session, team_id=team_id)
    if not command.on:
        return ReportMessage(text=(
            "Drift warnings are off for this workspace: no segment is checked and nothing is "
            "posted. `/engagement set drift on` turns them back on."), blocks=[])
    channel = services.settings.default_alert_channel_id if chosen is None else chosen or None
    where = (f"posts one warning to <#{channel}>" if channel else
             "shows it in App Home and the digest (no alert channel is set: "
             "`/engagement set alerts #channel` to have warnings posted)")
    return ReportMessage(text=(
        f"Drift warnings are on: every hour each segment's NPS and CSAT over the last "
        f"{plural(days, 'day')} is compared with the {plural(days, 'day')} before, and when one "
        "falls beyond its margin "
        f"the bot {where}, once per segment and metric per period."), blocks=[])
