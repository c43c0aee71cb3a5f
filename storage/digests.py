"""Digest subscriptions and their posts: one post per subscription and scheduled time."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import text, update
from sqlmodel import Session, col, select

from storage.models import DigestPost, DigestStatus, DigestSubscription
from storage.upsert import insert_for


def scope_key(pulse_id: int | None, segment: Mapping[str, str] | None) -> str:
    """A subscription's scope as one value the unique index can compare (NULLs never equal).

    A segment is normalised as it is matched (storage.pulses.imported_customers): keys and
    values trimmed, keys lower case, values compared case-blind, order irrelevant. Hashed, so
    a long segment still fits the index.
    """
    if pulse_id is not None:
        return f"pulse:{pulse_id}"
    if segment:
        pairs = sorted((k.strip().lower(), v.strip().casefold()) for k, v in segment.items())
        canonical = json.dumps(pairs, ensure_ascii=False, separators=(",", ":"))
        return "segment:" + hashlib.sha256(canonical.encode()).hexdigest()
    return "all"


# The partial unique index's columns and predicate, which ON CONFLICT must name to use it.
_ACTIVE_SCOPE = ["team_id", "channel_id", "cadence", "scope_key"]
_ACTIVE = text("active")


def add_subscription(*, session: Session, subscription: DigestSubscription) -> int | None:
    """Store it; None when the channel already has an active one of that cadence and scope.

    The unique index decides, not a read first: a replayed or concurrent subscribe adds nothing.
    """
    values = subscription.model_dump(exclude={"id"})
    values["scope_key"] = scope_key(subscription.pulse_id, subscription.segment)
    inserted = session.exec(
        insert_for(session, DigestSubscription)
        .values(**values)
        .on_conflict_do_nothing(index_elements=_ACTIVE_SCOPE, index_where=_ACTIVE)
        .returning(DigestSubscription.id)
    ).first()
    return None if inserted is None else int(inserted[0])


def active_subscription(
    *, session: Session, team_id: str, channel_id: str, cadence: str, scope: str
) -> DigestSubscription | None:
    return session.exec(
        select(DigestSubscription).where(
            DigestSubscription.team_id == team_id,
            DigestSubscription.channel_id == channel_id,
            DigestSubscription.cadence == cadence,
            DigestSubscription.scope_key == scope,
            col(DigestSubscription.active).is_(True),
        )
    ).first()


def subscriptions(*, session: Session, team_id: str | None = None) -> list[DigestSubscription]:
    """Active subscriptions, oldest first; of one workspace, or of all of them."""
    query = select(DigestSubscription).where(col(DigestSubscription.active).is_(True))
    if team_id is not None:
        query = query.where(DigestSubscription.team_id == team_id)
    return list(session.exec(query.order_by(col(DigestSubscription.id))).all())


def deactivate(*, session: Session, team_id: str, subscription_id: int) -> bool:
    """Stop a subscription (its past posts stay, so a re-run never posts them again)."""
    result = session.exec(
        update(DigestSubscription)
        .where(
            col(DigestSubscription.id) == subscription_id,
            col(DigestSubscription.team_id) == team_id,
            col(DigestSubscription.active).is_(True),
        )
        .values(active=False)
    )
    return bool(result.rowcount)


@dataclass(frozen=True)
class ClaimedPost:
    post_id: int
    attempts: int
    abandoned: bool  # a previous poster claimed it and vanished: look in Slack first


def claim_post(
    *, session: Session, subscription_id: int, scheduled_for: datetime, now: datetime,
    lease: timedelta,
) -> ClaimedPost | None:
    """This caller's right to post the digest for that time, or None if it is not theirs.

    New: the unique (subscription, time) row is inserted, and only one inserter wins. Claimed
    before by a poster that never finished (its lease ran out): taken over by compare-and-set
    on claimed_at, and flagged so the caller looks for the message in Slack before posting.
    """
    inserted = session.exec(
        insert_for(session, DigestPost)
        .values(subscription_id=subscription_id, scheduled_for=scheduled_for,
                status=DigestStatus.POSTING, claimed_at=now, attempts=1)
        .on_conflict_do_nothing(index_elements=["subscription_id", "scheduled_for"])
        # RETURNING, not rowcount: psycopg reports no count for a skipped conflict.
        .returning(DigestPost.id)
    ).first()
    post = session.exec(
        select(DigestPost).where(DigestPost.subscription_id == subscription_id,
                                 DigestPost.scheduled_for == scheduled_for)
    ).one()
    assert post.id is not None
    if inserted is not None:
        return ClaimedPost(post.id, 1, abandoned=False)
    stale = post.claimed_at is not None and post.claimed_at <= now - lease
    if post.status != DigestStatus.POSTING or not stale:
        return None
    taken = session.exec(
        update(DigestPost)
        .where(col(DigestPost.id) == post.id, col(DigestPost.claimed_at) == post.claimed_at)
        .values(claimed_at=now, attempts=post.attempts + 1)
    )
    if not taken.rowcount:
        return None
    return ClaimedPost(post.id, post.attempts + 1, abandoned=True)


def mark_posted(
    *, session: Session, post_id: int, channel_id: str, message_ts: str, now: datetime
) -> None:
    session.exec(
        update(DigestPost)
        .where(col(DigestPost.id) == post_id)
        .values(status=DigestStatus.POSTED, channel_id=channel_id, message_ts=message_ts,
                posted_at=now, error=None)
    )


def mark_failed(*, session: Session, post_id: int, error: str) -> None:
    session.exec(
        update(DigestPost)
        .where(col(DigestPost.id) == post_id)
        .values(status=DigestStatus.FAILED, error=error[:255])
    )


def posts_without_chart(
    *, session: Session, limit: int = 20, team_id: str | None = None
) -> list[DigestPost]:
    """Posted digests (of one workspace, or all) whose chart is not in their thread yet."""
    query = select(DigestPost)
    if team_id is not None:
        query = query.join(
            DigestSubscription, col(DigestSubscription.id) == DigestPost.subscription_id
        ).where(DigestSubscription.team_id == team_id)
    return list(session.exec(
        query
        .where(DigestPost.status == DigestStatus.POSTED, col(DigestPost.chart_file_id).is_(None),
               col(DigestPost.error).is_(None))
        .order_by(col(DigestPost.id))
        .limit(limit)
    ).all())


def set_chart(*, session: Session, post_id: int, file_id: str | None, error: str | None = None
              ) -> None:
    session.exec(
        update(DigestPost)
        .where(col(DigestPost.id) == post_id)
        .values(chart_file_id=file_id, error=error[:255] if error else None)
    )


def get_subscription(*, session: Session, subscription_id: int) -> DigestSubscription | None:
    return session.get(DigestSubscription, subscription_id)
