"""The vocabulary the tables use: metrics, statuses and cadences, as plain enums.

Kept apart from the tables (models.py re-exports them) so the command line can name them in its
options without importing SQLModel.
"""

from __future__ import annotations

from enum import StrEnum


class Metric(StrEnum):
    """What one answer measures."""

    NPS = "nps"
    CSAT = "csat"


class PulseMetric(StrEnum):
    """What a pulse asks: one metric, or both in one message (NPS first, then CSAT)."""

    NPS = "nps"
    CSAT = "csat"
    BOTH = "both"

    @property
    def metrics(self) -> tuple[Metric, ...]:
        return (Metric.NPS, Metric.CSAT) if self is PulseMetric.BOTH else (Metric(self.value),)


class PulseStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    DELETED = "deleted"  # kept so its waves and answers still count in reports


class ReminderState(StrEnum):
    NONE = "none"
    SENDING = "sending"
    SENT = "sent"
    SKIPPED = "skipped"  # answered, failed or closed before the reminder was due


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class DigestCadence(StrEnum):
    WEEKLY = "weekly"  # Mondays, covering the 7 days before
    MONTHLY = "monthly"  # the 1st, covering the calendar month before


class DigestStatus(StrEnum):
    POSTING = "posting"  # claimed by a poster; if that poster died, reconciled from Slack
    POSTED = "posted"
    FAILED = "failed"  # Slack refused it for good (channel archived, bot removed)


class OutcomeKind(StrEnum):
    """What a customer did, as imported from billing or CRM (`outcomes import`).

    The first five are revealed loyalty (do they stay and buy more?); the last two revealed
    advocacy (do they recommend us where it costs them something?).
    """

    RENEWED = "renewed"
    CHURNED = "churned"
    EXPANDED = "expanded"
    CONTRACTED = "contracted"
    PURCHASED = "purchased"
    REFERRED = "referred"
    REVIEWED = "reviewed"


class DriftAlertStatus(StrEnum):
    POSTING = "posting"  # claimed by a poster; if that poster died, reconciled from Slack
    POSTED = "posted"
    FAILED = "failed"  # Slack refused it for good (channel archived, bot removed)
    NO_CHANNEL = "no_channel"  # the workspace has no alert channel: shown in Home and digests
