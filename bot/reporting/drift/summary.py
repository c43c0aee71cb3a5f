"""Drift warnings as one section of a digest or of App Home, read from the warnings raised."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlmodel import Session

from bot.reporting.drift.blocks import drift_lines
from bot.reporting.drift.check import ALL
from storage.drift import drift_alerts_raised
from storage.models import DriftAlert


def _in_segment(alert: DriftAlert, segment: Mapping[str, str]) -> bool:
    """A segment-scoped digest shows the warnings about its own segment (matched as audiences
    match customers, ignoring case)."""
    if alert.segment == ALL:
        return False
    attribute, _, value = alert.segment.partition("=")
    return any(attribute == key and value.casefold() == wanted.casefold()
               for key, wanted in segment.items())


def drift_section(
    session: Session, *, team_id: str, since: datetime, until: datetime,
    segment: Mapping[str, str] | None = None, heading: str = "Drift",
) -> str | None:
    """The warnings raised in [since, until] (of one segment, when given), or None."""
    alerts = drift_alerts_raised(session=session, team_id=team_id, since=since, until=until)
    if segment is not None:
        alerts = [a for a in alerts if _in_segment(a, segment)]
    return drift_lines(alerts, heading=heading)
