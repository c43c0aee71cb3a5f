"""The leader's drift duty: check each workspace's segments, and post each fall once.

A warning is claimed by inserting its row (unique per workspace, segment, metric and period)
before it is posted, and carries its row id in Slack message metadata. A poster that dies
between Slack accepting the message and our commit leaves the claim "posting"; once the lease
has run out, `settle_drift_alerts` takes it over and looks for the id in the channel before
posting, so a crash, a restart or a second replica never posts a warning twice.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.core.services import Services
from bot.followups.alerts import alert_channel
from bot.reporting.drift.blocks import drift_alert_message
from bot.reporting.drift.check import ALL, DriftWindows, SegmentDrift, check_segments
from bot.slack.lookup import DRIFT_ALERT, PERMANENT_ERRORS, PostUnconfirmed, find_posted, post_once
from storage.drift import (
    DriftRecord,
    abandoned_alerts,
    claim_drift_alert,
    drift_alerts_on,
    get_drift_alert,
    mark_drift_failed,
    mark_drift_posted,
    segment_comments,
)
from storage.engine import session_scope
from storage.followups import workspace_alert_channel
from storage.models import DriftAlert, Metric
from storage.scoped_reporting import people_answering
from storage.workspaces import list_workspaces

logger = logging.getLogger(__name__)

COMMENTS_SHOWN = 3
# The comments behind a fall are those of the answers that pull a score down: not promoters
# (NPS 9–10), not satisfied (CSAT 4–5).
COMMENTS_BELOW = {Metric.NPS: 9, Metric.CSAT: 4}
HISTORY_DEPTH = 200  # warnings are rare; the newest 200 messages reach back past any lease


def _record(found: SegmentDrift, metric: Metric) -> DriftRecord:
    drift = found.drift
    return DriftRecord(
        segment=found.segment, metric=metric, previous_score=drift.previous,
        current_score=drift.current, n_previous=drift.n_previous, n_current=drift.n_current,
        previous_low=drift.previous_ci95.low, previous_high=drift.previous_ci95.high,
        current_low=drift.current_ci95.low, current_high=drift.current_ci95.high,
        fall_low=drift.fall_low,
    )


def _teams(services: Services, team_id: str | None) -> list[str]:
    """The one workspace, or with a single bot token every workspace the database holds (as the
    other leader duties treat them)."""
    if team_id is not None:
        return [team_id]
    with session_scope(services.engine) as session:
        return [w.team_id for w in list_workspaces(session=session)]


def check_drift(services: Services, client: WebClient, *, team_id: str | None) -> int:
    """Check every segment of the workspace (each workspace when None); raise a warning for
    each that fell beyond its margin and was not warned about this period. Returns how many
    were posted."""
    posted = 0
    for team in _teams(services, team_id):
        posted += _check_team(services, client, team)
    return posted


def _check_team(services: Services, client: WebClient, team_id: str) -> int:
    settings, now = services.settings, services.clock()
    windows = DriftWindows.ending(now, settings.drift_period_days)
    with session_scope(services.engine) as session:
        if not drift_alerts_on(session=session, team_id=team_id):
            return 0
        fallen = [found for found in check_segments(
            session=session, team_id=team_id, windows=windows,
            anonymity_minimum=settings.anonymity_minimum) if found.drift.beyond_margin]
        channel = alert_channel(services,
                                workspace_alert_channel(session=session, team_id=team_id))
    posted = 0
    for found in fallen:
        with session_scope(services.engine) as session:
            alert_id = claim_drift_alert(
                session=session, team_id=team_id,
                record=_record(found, Metric(found.drift.metric)),
                period_start=windows.period_start, current_start=windows.current_start,
                now=now, quiet_since=now - timedelta(days=windows.days), channel_id=channel)
        if alert_id is None or channel is None:
            continue
        logger.info("drift: %s %s fell beyond its margin in team %s", found.drift.metric,
                    "overall" if found.segment == ALL else "in a segment", team_id)
        posted += _post(services, client, alert_id)
    return posted


def settle_drift_alerts(services: Services, client: WebClient, *, team_id: str | None) -> int:
    """Warnings whose poster died: found in the channel and recorded, or posted now."""
    now = services.clock()
    lease_before = now - timedelta(seconds=services.settings.delivery_lease_seconds)
    settled = 0
    for team in _teams(services, team_id):
        with session_scope(services.engine) as session:
            taken = abandoned_alerts(session=session, team_id=team, lease_before=lease_before,
                                     now=now)
        for alert in taken:
            assert alert.id is not None
            assert alert.channel_id is not None
            try:
                ts = find_posted(client, channel=alert.channel_id, kind=DRIFT_ALERT,
                                 record_id=alert.id, since=alert.raised_at, depth=HISTORY_DEPTH)
            except (SlackApiError, SlackClientError, OSError) as exc:
                # Unsure what Slack holds: better late than twice; the next lease asks again.
                logger.warning("could not look for drift warning %s in Slack: %s", alert.id, exc)
                continue
            if ts is not None:
                with session_scope(services.engine) as session:
                    mark_drift_posted(session=session, alert_id=alert.id,
                                      channel_id=alert.channel_id, message_ts=ts, now=now)
                settled += 1
            else:
                settled += _post(services, client, alert.id)
    return settled


def _message_of(services: Services, alert: DriftAlert) -> tuple[str, list[dict[str, object]]]:
    metric = Metric(alert.metric)
    attribute, _, value = alert.segment.partition("=")
    with session_scope(services.engine) as session:
        # A segment has at least the anonymity minimum of people (it was checked); the whole
        # workspace is checked from 30 answers, which a few people can give: quoted only when
        # enough people answered, as the digest does.
        hidden = alert.segment == ALL and people_answering(
            session=session, team_id=alert.team_id, since=alert.current_start,
            until=alert.raised_at) < services.settings.anonymity_minimum
        comments = [] if hidden else segment_comments(
            session=session, team_id=alert.team_id, metric=metric, since=alert.current_start,
            until=alert.raised_at, segment=None if alert.segment == ALL else (attribute, value),
            below=COMMENTS_BELOW[metric], limit=COMMENTS_SHOWN)
    message = drift_alert_message(alert, comments, comments_hidden=hidden,
                                  days=(alert.raised_at - alert.current_start).days)
    return message.text, [block.to_dict() for block in message.blocks]


def _post(services: Services, client: WebClient, alert_id: int) -> int:
    with session_scope(services.engine) as session:
        alert = get_drift_alert(session=session, alert_id=alert_id)
    if alert is None or alert.channel_id is None:
        return 0
    text, blocks = _message_of(services, alert)
    try:
        # No blind retry: a failed post stays claimed and is looked for in the channel once
        # the lease runs out (a 5xx may have been posted all the same).
        channel, ts = post_once(client, kind=DRIFT_ALERT, record_id=alert_id,
                                channel=alert.channel_id, text=text, blocks=blocks,
                                unfurl_links=False)
    except SlackApiError as exc:
        error = str(exc.response.get("error") or "")
        if error in PERMANENT_ERRORS:
            with session_scope(services.engine) as session:
                mark_drift_failed(session=session, alert_id=alert_id, error=error)
        logger.warning("drift warning %s to %s failed: %s", alert_id, alert.channel_id, error)
        return 0
    except (PostUnconfirmed, SlackClientError, OSError) as exc:
        logger.warning("drift warning %s to %s not confirmed: %s", alert_id, alert.channel_id,
                       exc)
        return 0
    with session_scope(services.engine) as session:
        mark_drift_posted(session=session, alert_id=alert_id, channel_id=channel,
                          message_ts=ts, now=services.clock())
    return 1
