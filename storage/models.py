"""All tables. Unique keys here are what make Slack's retries and our own re-runs idempotent."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

from storage import kinds
from storage.types import UTCDateTime

# The kinds are re-exported: callers import every table and kind from here. Enums are stored as
# their plain string values: no PostgreSQL ENUM types to migrate by hand.
DeliveryStatus = kinds.DeliveryStatus
DigestCadence = kinds.DigestCadence
DigestStatus = kinds.DigestStatus
DriftAlertStatus = kinds.DriftAlertStatus
Metric = kinds.Metric
OutcomeKind = kinds.OutcomeKind
PulseMetric = kinds.PulseMetric
PulseStatus = kinds.PulseStatus
ReminderState = kinds.ReminderState


def _utc(**kwargs: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kwargs)


class Workspace(SQLModel, table=True):
    team_id: str = Field(primary_key=True, max_length=32)
    name: str = Field(default="", max_length=255)
    created_at: datetime = _utc()


class Respondent(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("team_id", "user_id", name="uq_respondent_team_user"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(foreign_key="workspace.team_id", max_length=32)
    user_id: str = Field(max_length=32)
    account: str | None = Field(default=None, max_length=255)
    tz: str | None = Field(default=None, max_length=64)
    attributes: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    opted_out: bool = False
    deactivated: bool = False
    # Set by `customers import`: such respondents form the "customers" audience.
    imported_at: datetime | None = _utc(default=None)
    created_at: datetime = _utc()


class Pulse(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("team_id", "name", name="uq_pulse_team_name"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(foreign_key="workspace.team_id", max_length=32)
    name: str = Field(max_length=80)
    metric: PulseMetric = Field(sa_type=String(8))
    question: str = Field(max_length=300)
    # A pulse asking both metrics: the CSAT question under the NPS one.
    csat_question: str | None = Field(default=None, max_length=300)
    follow_up: str = Field(max_length=150)
    # Who receives it: these users, plus the human members of a channel, plus imported
    # customers whose attributes match the segment ({} = all of them; None = none).
    audience: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    audience_channel: str | None = Field(default=None, max_length=32)
    audience_segment: dict[str, str] | None = Field(default=None, sa_column=Column(JSON))
    # Plus the members of a Slack user group ("S…"), listed afresh for every wave.
    audience_usergroup: str | None = Field(default=None, max_length=32)
    # Instead of DMs: one message in this channel (a shared customer channel, say), where
    # everyone who clicks answers once. Its wave has one delivery, addressed to the channel.
    post_channel: str | None = Field(default=None, max_length=32)
    status: PulseStatus = Field(default=PulseStatus.ACTIVE, sa_type=String(16))
    # A crontab line ("0 9 * * MON") read in `timezone`; None for pulses sent by hand only.
    schedule: str | None = Field(default=None, max_length=120)
    timezone: str = Field(default="UTC", max_length=64)
    # "HH:MM": each recipient gets the wave at this time of day in their own Slack time zone.
    local_time: str | None = Field(default=None, max_length=5)
    # Survey fatigue: nobody gets this pulse's metric again within this many days.
    min_interval_days: int = 0
    # Answers are stored with no link to the person (see storage.responses.AnswerKey).
    anonymous: bool = False
    # No default here: SQLAlchemy would write its column default over an explicit None.
    remind_after_hours: int | None = None
    close_after_days: int = 7
    created_at: datetime = _utc()


class Wave(SQLModel, table=True):
    # One wave per pulse and scheduled time: a repeated fire or `pulse send` finds the same wave.
    __table_args__ = (UniqueConstraint("pulse_id", "scheduled_for", name="uq_wave_pulse_time"),)

    id: int | None = Field(default=None, primary_key=True)
    pulse_id: int = Field(foreign_key="pulse.id", index=True)
    scheduled_for: datetime = _utc()
    created_at: datetime = _utc()
    closes_at: datetime | None = _utc(default=None)
    closed_at: datetime | None = _utc(default=None)


class Delivery(SQLModel, table=True):
    """The outbox: one row per wave and respondent, so nobody is messaged twice for a wave."""

    __table_args__ = (
        UniqueConstraint("wave_id", "respondent_id", name="uq_delivery_wave_respondent"),
        Index("ix_delivery_due", "status", "next_attempt_at"),
        Index("ix_delivery_sent_at", "sent_at"),  # response rates by period
        # Response rates read from the index alone, per wave of the team, over the period.
        Index("ix_delivery_report", "wave_id", "status", "sent_at", "answered_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    wave_id: int = Field(foreign_key="wave.id", index=True)
    respondent_id: int = Field(foreign_key="respondent.id", index=True)
    status: DeliveryStatus = Field(default=DeliveryStatus.PENDING, sa_type=String(16))
    attempts: int = 0
    next_attempt_at: datetime = _utc()
    channel_id: str | None = Field(default=None, max_length=32)
    message_ts: str | None = Field(default=None, max_length=32)
    error: str | None = Field(default=None, max_length=255)
    # When the current sender claimed it, and which (Sender.id). A SENDING row whose sender
    # stopped is free again at once if it was never tried (post_started_at unset), and settled
    # against Slack if it may have been posted; one older than the lease is settled whoever
    # holds it. A SENDING row with neither claimed_by nor post_started_at was claimed by a
    # sender that names none (an earlier version): only the lease settles it.
    claimed_at: datetime | None = _utc(default=None)
    claimed_by: str | None = Field(default=None, max_length=32)
    # When its sender began the latest attempt to post it: from then on Slack may hold it.
    post_started_at: datetime | None = _utc(default=None)
    sent_at: datetime | None = _utc(default=None)
    answered_at: datetime | None = _utc(default=None)
    reminder: ReminderState = Field(default=ReminderState.NONE, sa_type=String(16))
    reminded_at: datetime | None = _utc(default=None)
    # Set once the message has been edited to say the survey closed (so it happens once).
    closed_shown_at: datetime | None = _utc(default=None)
    # Set on the delivery created for someone who answered a channel post: the post's delivery.
    # It carries no message of its own, so closing and reminders leave it alone.
    post_delivery_id: int | None = Field(default=None, foreign_key="delivery.id")


class Sender(SQLModel, table=True):
    """A process sending deliveries, proving it is alive by beating its row every few seconds.

    Deliveries it claimed name it (Delivery.claimed_by). Another process judges it stopped when
    its beats stop, or at once when it runs on the same machine and its process is gone; the
    claims of a stopped sender are freed or settled against Slack then, not after the lease.
    """

    id: str = Field(primary_key=True, max_length=32)
    host: str = Field(max_length=255)
    pid: int
    # The process table `pid` belongs to (kernel boot and pid namespace) and when the process
    # started in it; None where the system does not say (not Linux).
    machine: str | None = Field(default=None, max_length=128)
    process_start: str | None = Field(default=None, max_length=32)
    started_at: datetime = _utc()
    beat_at: datetime = _utc()


class TokenRefusal(SQLModel, table=True):
    """A bot token Slack refused (revoked, invalid, inactive, app uninstalled): the workspace
    that uses it sends nothing while it is the token in use.

    Keyed by a fingerprint of the token (a SHA-256 prefix: it tells tokens apart and reveals
    nothing), so a reinstall or a new SLACK_BOT_TOKEN, a different token, sends again.
    """

    token_fingerprint: str = Field(primary_key=True, max_length=16)
    # The workspace, when known (a bot-token deployment's refusal may be met before its id is).
    team_id: str | None = Field(default=None, max_length=32)
    error: str = Field(max_length=64)
    refused_at: datetime = _utc()
    # When Slack was last asked whether the token works again (auth.test).
    checked_at: datetime = _utc()


class PostRate(SQLModel, table=True):
    """A workspace's chat.postMessage rate, shared by every process that posts to it.

    Senders take send slots from it a few at a time (storage.post_rates): the slots handed out
    are spaced at SLACK_POST_RATE whatever the number of replicas, and a Retry-After from Slack
    moves the next slot past the pause for all of them.
    """

    # The workspace's team id; "" for a bot-token deployment's one workspace.
    key: str = Field(primary_key=True, max_length=32)
    # The earliest moment (seconds since the epoch, every host's clock in sync) of the next slot.
    next_slot: float


class TokenRefreshClaim(SQLModel, table=True):
    """Who is refreshing a workspace's rotating token: one process at a time, so its refresh
    token is spent once and everyone goes on with the token that refresh bought."""

    key: str = Field(primary_key=True, max_length=160)
    holder: str = Field(max_length=32)
    expires_at: datetime = _utc()


class Response(SQLModel, table=True):
    """One answer per delivery and metric; team, metric and time are copied here for fast reports.

    A CHECK keeps every score on the widest scale (0-10) whatever the request said.
    """

    __table_args__ = (
        UniqueConstraint("delivery_id", "metric", name="uq_response_delivery_metric"),
        UniqueConstraint("anonymous_key", "metric", name="uq_response_anonymous_metric"),
        # Covers the reports' counts, the segment breakdown's per-customer reading and (on
        # PostgreSQL) the engagement map's.
        Index("ix_response_report", "team_id", "metric", "answered_at", "score", "respondent_id",
              "respondent_seq", "previous_score"),
        # The engagement map on SQLite reads each customer's answers of a period from here, in
        # customer order (storage.engagement_counts).
        Index("ix_response_customer", "respondent_id", "answered_at", "metric", "respondent_seq",
              "score", "previous_score"),
        # The newest comments first, without scanning every answer.
        Index("ix_response_comments", "team_id", "commented_at"),
        CheckConstraint("score BETWEEN 0 AND 10", name="ck_response_score_range"),
        # An imported answer's key (storage of `responses import`): the same row imported
        # twice is found again instead of counted twice. NULL for answers given in Slack.
        UniqueConstraint("team_id", "import_key", name="uq_response_import"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # Exactly one of these two is set while the wave is open; an anonymous pulse's answers keep
    # neither once it closes.
    delivery_id: int | None = Field(default=None, foreign_key="delivery.id")
    anonymous_key: str | None = Field(default=None, max_length=64)
    wave_id: int | None = Field(default=None, foreign_key="wave.id", index=True)
    # The delivery's respondent, copied here so per-customer reports need no join; None for
    # anonymous answers. With the next two it is kept by storage.answer_order.
    respondent_id: int | None = Field(default=None, foreign_key="respondent.id")
    # This answer's place (1, 2, ...) among the respondent's answers of its metric, oldest
    # first by (answered_at, id), and the score of the one before it.
    respondent_seq: int | None = None
    previous_score: int | None = None
    team_id: str = Field(max_length=32)
    metric: Metric = Field(sa_type=String(8))
    score: int
    # Slack's action_ts of the click that set the score: a late redelivery of an older click
    # must not overwrite a newer answer. Fixed-width "seconds.micros" strings compare in order.
    action_ts: str = Field(max_length=32)
    answered_at: datetime = _utc()
    changed_at: datetime | None = _utc(default=None)
    comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    commented_at: datetime | None = _utc(default=None)
    sentiment_polarity: float | None = None
    sentiment_subjectivity: float | None = None
    # positive / neutral / negative, or "unscored" (with no polarity) for a comment in a
    # language the scorer does not read; `comment_language` says which (ISO 639-1).
    sentiment_label: str | None = Field(default=None, max_length=16)
    comment_language: str | None = Field(default=None, max_length=8)
    # Set only on answers brought in by `responses import` (they have no delivery or wave).
    import_key: str | None = Field(default=None, max_length=64)
    # The `pulse` an imported row named (the survey it came from in the other tool): kept as
    # its provenance, for the export; it links to no pulse here.
    import_pulse: str | None = Field(default=None, max_length=80)


class DailyScoreCount(SQLModel, table=True):
    """How many answers of each score each day (UTC, by first answer time) brought: the reports
    read closed stretches of time here instead of counting a million responses.

    Kept exact in the transaction that writes the answer (storage.rollups explains why); a
    day's count is the sum over its shards (storage.counter_shards).
    """

    team_id: str = Field(primary_key=True, max_length=32)
    metric: Metric = Field(primary_key=True, sa_type=String(8))
    day: date = Field(primary_key=True)
    score: int = Field(primary_key=True)
    shard: int = Field(default=0, primary_key=True, sa_type=SmallInteger,
                       sa_column_kwargs={"server_default": "0"})
    answers: int


class DailyDeliveryCount(SQLModel, table=True):
    """Deliveries sent each day (UTC, by sent_at) and how many of them have been answered: the
    response rate's two terms, kept exact by every write that changes either
    (storage.delivery_rollup); a day's figures are the sums over its shards
    (storage.counter_shards)."""

    team_id: str = Field(primary_key=True, max_length=32)
    day: date = Field(primary_key=True)
    shard: int = Field(default=0, primary_key=True, sa_type=SmallInteger,
                       sa_column_kwargs={"server_default": "0"})
    delivered: int
    answered: int


class ProcessedEvent(SQLModel, table=True):
    """Events API deliveries already handled: Slack retries an event until it gets a fast 200."""

    event_id: str = Field(primary_key=True, max_length=64)
    team_id: str | None = Field(default=None, max_length=32)
    received_at: datetime = _utc()


class DigestSubscription(SQLModel, table=True):
    """A channel that gets the digest: when, in which time zone, and about what.

    One active subscription per workspace, channel, cadence and scope (the partial unique
    index): a replayed or repeated `digest subscribe` adds none, and a stopped one leaves room
    for a new one.
    """

    __table_args__ = (
        Index("uq_digestsubscription_active_scope", "team_id", "channel_id", "cadence",
              "scope_key", unique=True, sqlite_where=text("active"),
              postgresql_where=text("active")),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(foreign_key="workspace.team_id", max_length=32, index=True)
    channel_id: str = Field(max_length=32)
    cadence: DigestCadence = Field(default=DigestCadence.WEEKLY, sa_type=String(16))
    send_time: str = Field(default="09:00", max_length=5)  # HH:MM in `timezone`
    timezone: str = Field(default="UTC", max_length=64)
    # Scope: everything (both None), one pulse, or imported customers matching a segment.
    pulse_id: int | None = Field(default=None, foreign_key="pulse.id")
    segment: dict[str, str] | None = Field(default=None, sa_column=Column(JSON))
    # The scope as one comparable value, for the unique index: "all", "pulse:<id>", or
    # "segment:" and a hash of the normalised segment (storage.digests.scope_key).
    scope_key: str = Field(default="all", max_length=80)
    created_by: str | None = Field(default=None, max_length=32)
    created_at: datetime = _utc()
    active: bool = True


class DigestPost(SQLModel, table=True):
    """One digest per subscription and scheduled time: a restart or a second replica finds the
    row and never posts it twice."""

    __table_args__ = (
        UniqueConstraint("subscription_id", "scheduled_for", name="uq_digest_post_time"),
    )

    id: int | None = Field(default=None, primary_key=True)
    subscription_id: int = Field(foreign_key="digestsubscription.id", index=True)
    scheduled_for: datetime = _utc()
    status: DigestStatus = Field(default=DigestStatus.POSTING, sa_type=String(16))
    claimed_at: datetime | None = _utc(default=None)
    attempts: int = 0
    channel_id: str | None = Field(default=None, max_length=32)
    message_ts: str | None = Field(default=None, max_length=32)
    posted_at: datetime | None = _utc(default=None)
    # The chart goes into the post's thread once the post is recorded; kept apart so a failed
    # upload is retried without posting the digest again.
    chart_file_id: str | None = Field(default=None, max_length=32)
    error: str | None = Field(default=None, max_length=255)


class FollowUp(SQLModel, table=True):
    """Closing the loop on one unhappy answer: the alert, its owner and its outcome.

    One row per delivery (the unique key), so a double click, a redelivery or a changed answer
    can never raise a second alert; and one per answer (`response_id`, the answer it was raised
    on), which is what links an imported answer, which has no delivery, to its follow-up.
    Anonymous pulses raise none. Both links stay nullable: a follow-up raised on an imported
    answer has no delivery, and one raised before answers were linked may name none.
    """

    __tablename__ = "follow_up"
    __table_args__ = (
        UniqueConstraint("delivery_id", name="uq_follow_up_delivery"),
        UniqueConstraint("response_id", name="uq_follow_up_response"),
        Index("ix_follow_up_open", "team_id", "resolved_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    delivery_id: int | None = Field(default=None, foreign_key="delivery.id")
    response_id: int | None = Field(default=None, foreign_key="response.id")
    respondent_id: int | None = Field(default=None, foreign_key="respondent.id")
    metric: Metric = Field(sa_type=String(8))
    raised_score: int  # what the alert was raised for; `score` follows later changes
    score: int
    comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    raised_at: datetime = _utc()
    # The alert message shows `revision`; it is posted or edited until alert_revision catches up.
    revision: int = 1
    alert_revision: int = 0
    alert_channel_id: str | None = Field(default=None, max_length=32)
    alert_ts: str | None = Field(default=None, max_length=32)
    # Who is posting the alert now: a second poster waits out this lease rather than post twice.
    alert_claimed_at: datetime | None = _utc(default=None)
    owner_user_id: str | None = Field(default=None, max_length=32)
    previous_owner_user_id: str | None = Field(default=None, max_length=32)
    owned_at: datetime | None = _utc(default=None)
    first_response_at: datetime | None = _utc(default=None)
    resolved_at: datetime | None = _utc(default=None)
    resolved_by: str | None = Field(default=None, max_length=32)
    resolution_note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # Last time staff acted on it (raised, owned, replied): reminders count from here.
    touched_at: datetime = _utc()
    last_reminded_at: datetime | None = _utc(default=None)


class DataRequest(SQLModel, table=True):
    """Audit trail of privacy requests (a person forgotten): who asked, when, what went.

    The subject is kept only as a keyed hash, so the record proves the request was carried out
    without itself keeping the identifier it was asked to erase.
    """

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32, index=True)
    kind: str = Field(max_length=16)
    subject_hash: str = Field(max_length=64, index=True)
    requested_by: str = Field(max_length=255)
    requested_at: datetime = _utc()
    # Rows removed (or changed) per table, e.g. {"response": 3, "delivery": 4}.
    counts: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class SurveySuppression(SQLModel, table=True):
    """People forgotten after opting out: never surveyed again, known only by a keyed hash."""

    __table_args__ = (
        UniqueConstraint("team_id", "subject_hash", name="uq_suppression_team_subject"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    subject_hash: str = Field(max_length=64)
    created_at: datetime = _utc()


class WorkspaceSetting(SQLModel, table=True):
    """One row per workspace: choices its admins make once (the industry to compare with, who
    is staff, where alerts go). None means not chosen: the single-workspace setting, if any."""

    team_id: str = Field(primary_key=True, foreign_key="workspace.team_id", max_length=32)
    # A shipped industry key (bot.benchmarks.published.industries); None means cross-industry.
    industry: str | None = Field(default=None, max_length=64)
    # The Slack user group (S…) whose members are staff; None: STAFF_USERGROUP_ID, if any.
    staff_usergroup_id: str | None = Field(default=None, max_length=32)
    # The channel (C…/G…) follow-up alerts go to; None: ALERT_CHANNEL_ID, if any.
    alert_channel_id: str | None = Field(default=None, max_length=32)
    # ISO 4217 code of the amounts `outcomes import` brings (revenue at risk is in it); None:
    # amounts are shown without a currency.
    currency: str | None = Field(default=None, max_length=3)
    # False: `/engagement set drift off`, no drift warnings; None (not chosen) or True: on.
    drift_alerts: bool | None = None
    updated_by: str | None = Field(default=None, max_length=32)  # Slack user; None from the CLI
    updated_at: datetime = _utc()


class WorkspaceAdmin(SQLModel, table=True):
    """Someone a workspace's admins made an admin of the bot there, beyond Slack's own admins
    and owners. Per workspace: being listed in one gives nothing in another."""

    team_id: str = Field(primary_key=True, foreign_key="workspace.team_id", max_length=32)
    user_id: str = Field(primary_key=True, max_length=32)
    added_by: str | None = Field(default=None, max_length=32)  # Slack user; None from the CLI
    added_at: datetime = _utc()


class CustomBenchmark(SQLModel, table=True):
    """A figure an admin entered (a competitor's NPS); shown as custom, never as published.

    One figure per workspace, metric and name: adding "Acme" again (or Slack retrying the
    command) replaces its value instead of listing Acme twice.
    """

    __table_args__ = (
        UniqueConstraint("team_id", "metric", "name", name="uq_custombenchmark_team_metric_name"),
        CheckConstraint("value BETWEEN -100 AND 100", name="ck_custombenchmark_value_range"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(foreign_key="workspace.team_id", max_length=32, index=True)
    metric: Metric = Field(sa_type=String(8))
    value: float
    name: str = Field(max_length=80)
    year: int | None = None
    source: str | None = Field(default=None, max_length=200)
    added_by: str | None = Field(default=None, max_length=32)  # Slack user; None from the CLI
    added_at: datetime = _utc()


class Target(SQLModel, table=True):
    """The figure a workspace aims for, per metric (NPS, or CSAT percent)."""

    __table_args__ = (
        UniqueConstraint("team_id", "metric", name="uq_target_team_metric"),
        CheckConstraint("value BETWEEN -100 AND 100", name="ck_target_value_range"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(foreign_key="workspace.team_id", max_length=32)
    metric: Metric = Field(sa_type=String(8))
    value: float
    set_by: str | None = Field(default=None, max_length=32)  # Slack user; None from the CLI
    set_at: datetime = _utc()



class ReportSnapshot(SQLModel, table=True):
    """An /engagement breakdown as computed at `computed_at`, served while fresh.

    Only for the answers whose cost follows the customers in the period (the engagement map and
    segments; bot.reporting.snapshots says when one is served and labelled "as of"). The leader
    recomputes the ones people read; a snapshot is never the only copy of anything.
    """

    team_id: str = Field(primary_key=True, max_length=32)
    view: str = Field(primary_key=True, max_length=16)  # "map" or "segment"
    key: str = Field(primary_key=True, max_length=80)  # the period asked for, and the attribute
    period_start: datetime = _utc()
    period_end: datetime = _utc()
    computed_at: datetime = _utc()
    compute_ms: float
    read_at: datetime = _utc()
    payload: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )


class OutcomeEvent(SQLModel, table=True):
    """Something a customer did (renewed, churned, bought more, referred someone…) on a day, as
    imported from billing or CRM: revealed loyalty beside what they said.

    One row per customer, event and day, so importing the same file twice adds nothing.
    """

    __tablename__ = "outcome_event"
    __table_args__ = (
        UniqueConstraint("team_id", "respondent_id", "event", "occurred_on",
                         name="uq_outcome_event"),
        Index("ix_outcome_event_team_day", "team_id", "occurred_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(foreign_key="workspace.team_id", max_length=32)
    respondent_id: int = Field(foreign_key="respondent.id", index=True)
    event: OutcomeKind = Field(sa_type=String(16))
    occurred_on: date
    # Annual revenue after the event, in the workspace's currency; None when not given.
    amount: float | None = None
    imported_at: datetime = _utc()


class PlanStep(SQLModel, table=True):
    """The next step a workspace's staff chose for one place of the engagement map (at risk,
    engaged advocate…): what the team does with the customers there. No row: the default."""

    __tablename__ = "plan_step"

    team_id: str = Field(primary_key=True, foreign_key="workspace.team_id", max_length=32)
    place: str = Field(primary_key=True, max_length=32)  # bot.insights.engagement.Segment
    next_step: str = Field(max_length=200)
    set_by: str | None = Field(default=None, max_length=32)  # Slack user; None from the CLI
    set_at: datetime = _utc()


class DriftAlert(SQLModel, table=True):
    """A segment's NPS or CSAT fell beyond its margin: one warning per segment, metric and
    period, claimed here before it is posted, so two replicas or two hourly checks never post
    it twice (bot.reporting.drift.alerts).

    `period_start` is the start of the fixed block of DRIFT_PERIOD_DAYS the warning was raised
    in; the figures are those of the rolling windows that raised it, kept so that a warning
    posted again after a crash says exactly what the first attempt would have.
    """

    __tablename__ = "drift_alert"
    __table_args__ = (
        UniqueConstraint("team_id", "segment", "metric", "period_start",
                         name="uq_drift_alert_period"),
        Index("ix_drift_alert_team_raised", "team_id", "raised_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(foreign_key="workspace.team_id", max_length=32)
    # "all", or "ATTRIBUTE=VALUE" (an attribute name is at most 40 characters and a value 255).
    segment: str = Field(max_length=300)
    metric: Metric = Field(sa_type=String(8))
    period_start: datetime = _utc()
    # The current window is [current_start, raised_at]; the previous one, as long, ends where
    # it starts.
    current_start: datetime = _utc()
    raised_at: datetime = _utc()
    previous_score: float
    current_score: float
    n_previous: int
    n_current: int
    previous_low: float
    previous_high: float
    current_low: float
    current_high: float
    fall_low: float
    status: DriftAlertStatus = Field(default=DriftAlertStatus.POSTING, sa_type=String(16))
    claimed_at: datetime | None = _utc(default=None)
    attempts: int = 0
    channel_id: str | None = Field(default=None, max_length=32)
    message_ts: str | None = Field(default=None, max_length=32)
    posted_at: datetime | None = _utc(default=None)
    error: str | None = Field(default=None, max_length=255)


# slack-sdk's OAuth tables live in the same database and the same migrations (see the module).
import storage.oauth_tables  # noqa: E402, F401
