"""Posting due digests exactly once, and their charts into the thread.

A digest post is claimed in the database (unique per subscription and scheduled time) before it
is sent, and carries its post id in Slack message metadata. A poster that dies between Slack
accepting the message and our commit leaves the claim behind; whoever finds it after the lease
looks in the channel's history for that id before posting, so a restart never posts twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.core.services import Services
from bot.digests.blocks import digest_message
from bot.digests.content import Digest, build_digest
from bot.digests.schedule import digest_period, due_fire
from bot.digests.subscriptions import subscription_scope
from bot.reporting.charts import nps_trend_png
from bot.slack.client import posting_client
from bot.slack.lookup import DIGEST, PERMANENT_ERRORS, find_posted
from storage.digests import (
    claim_post,
    get_subscription,
    mark_failed,
    mark_posted,
    posts_without_chart,
    set_chart,
    subscriptions,
)
from storage.engine import session_scope
from storage.models import DigestCadence, DigestSubscription

logger = logging.getLogger(__name__)

def compose(services: Services, subscription: DigestSubscription, fire: datetime) -> Digest:
    period = digest_period(DigestCadence(subscription.cadence), fire, subscription.timezone)
    with session_scope(services.engine) as session:
        scope, label = subscription_scope(session, subscription)
        return build_digest(
            session=session, team_id=subscription.team_id, period=period,
            anonymity_minimum=services.settings.anonymity_minimum, scope=scope,
            scope_label=label,
        )


def post_due_digests(
    services: Services, client: WebClient, *, team_id: str | None = None
) -> int:
    """Post every digest due now (of `team_id` only, when given); returns how many were posted.
    Safe on any number of replicas."""
    now = services.clock()
    lease = timedelta(seconds=services.settings.delivery_lease_seconds)
    posted = 0
    with session_scope(services.engine) as session:
        due = [
            (s, fire) for s in subscriptions(session=session, team_id=team_id)
            if (fire := due_fire(DigestCadence(s.cadence), s.send_time, s.timezone, now=now,
                                 since=s.created_at)) is not None
        ]
    for subscription, fire in due:
        assert subscription.id is not None
        with session_scope(services.engine) as session:
            claim = claim_post(session=session, subscription_id=subscription.id,
                               scheduled_for=fire, now=now, lease=lease)
        if claim is None:
            continue
        if claim.abandoned and _already_in_slack(services, client, subscription, fire,
                                                 claim.post_id):
            continue
        posted += _post(services, client, subscription, fire, claim.post_id)
    upload_charts(services, client, team_id=team_id)
    return posted


def _already_in_slack(
    services: Services, client: WebClient, subscription: DigestSubscription, fire: datetime,
    post_id: int,
) -> bool:
    try:
        ts = find_posted(client, channel=subscription.channel_id, kind=DIGEST, record_id=post_id,
                         since=fire)
    except (SlackApiError, SlackClientError, OSError) as exc:
        # Unsure what Slack holds: better late than twice; the next pass asks again.
        logger.warning("could not check digest post %s in Slack: %s", post_id, exc)
        return True
    if ts is None:
        return False
    with session_scope(services.engine) as session:
        mark_posted(session=session, post_id=post_id, channel_id=subscription.channel_id,
                    message_ts=ts, now=services.clock())
    return True


def _post(
    services: Services, client: WebClient, subscription: DigestSubscription, fire: datetime,
    post_id: int,
) -> int:
    message = digest_message(compose(services, subscription, fire))
    try:
        # No blind retry: a failed post stays claimed and is looked for in the channel once
        # the lease runs out (a 5xx may have been posted all the same).
        answer = posting_client(client).chat_postMessage(
            channel=subscription.channel_id, text=message.text,
            blocks=[block.to_dict() for block in message.blocks],
            metadata=DIGEST.metadata(post_id), unfurl_links=False,
        )
    except SlackApiError as exc:
        error = str(exc.response.get("error") or "")
        if error in PERMANENT_ERRORS:
            with session_scope(services.engine) as session:
                mark_failed(session=session, post_id=post_id, error=error)
        # Anything else stays claimed and is tried again once the lease runs out.
        logger.warning("digest %s to %s failed: %s", post_id, subscription.channel_id, error)
        return 0
    except (SlackClientError, OSError) as exc:
        logger.warning("digest %s to %s failed: %s", post_id, subscription.channel_id, exc)
        return 0
    with session_scope(services.engine) as session:
        mark_posted(session=session, post_id=post_id, channel_id=str(answer["channel"]),
                    message_ts=str(answer["ts"]), now=services.clock())
    return 1


def upload_charts(services: Services, client: WebClient, *, team_id: str | None = None) -> int:
    """Put each posted digest's NPS chart into its thread (retried until Slack takes it)."""
    uploaded = 0
    with session_scope(services.engine) as session:
        pending = [(p.id, p.subscription_id, p.scheduled_for, p.channel_id, p.message_ts)
                   for p in posts_without_chart(session=session, team_id=team_id)]
    for post_id, subscription_id, fire, channel, ts in pending:
        assert post_id is not None
        with session_scope(services.engine) as session:
            subscription = get_subscription(session=session, subscription_id=subscription_id)
        if subscription is None or channel is None or ts is None:
            continue
        digest = compose(services, subscription, fire)
        png = nps_trend_png(digest.trend, title=f"{digest.chart_title}, to {digest.period.label}",
                            benchmark=digest.chart_benchmark, target=digest.chart_target,
                            window=digest.trend_window)
        try:
            answer = client.files_upload_v2(
                channel=channel, thread_ts=ts, file=png, filename="nps-trend.png",
                title=f"{digest.chart_title} with its 95% interval",
            )
        except SlackApiError as exc:
            error = str(exc.response.get("error") or "")
            with session_scope(services.engine) as session:
                set_chart(session=session, post_id=post_id, file_id=None,
                          error=f"chart: {error}" if error in PERMANENT_ERRORS else None)
            logger.warning("chart for digest %s failed: %s", post_id, error)
            continue
        except (SlackClientError, OSError) as exc:
            logger.warning("chart for digest %s failed: %s", post_id, exc)
            continue
        file_id = str((answer.get("file") or {}).get("id") or "uploaded")
        with session_scope(services.engine) as session:
            set_chart(session=session, post_id=post_id, file_id=file_id)
        uploaded += 1
    return uploaded
