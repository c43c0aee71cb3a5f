"""Everything the listeners, jobs and CLI share, built once from Settings and passed down."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from bot.core.config import Settings
from bot.core.expiring import ExpiringCache
from storage.engine import create_db_engine

Clock = Callable[[], datetime]
# Who is an admin or staff, as Slack and the workspace's settings said a moment ago: a person
# demoted in Slack, or removed from the staff group, loses access within this long.
ACCESS_TTL = timedelta(seconds=60)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Services:
    settings: Settings
    engine: Engine
    clock: Clock
    # Keyed by ("user", team, user) and ("group", team, group); values are bot.workspaces.access
    # records. One per Services, so each composition root (and each test) has its own.
    access_cache: ExpiringCache[tuple[str, ...], object] = field(
        default_factory=lambda: ExpiringCache(ttl=ACCESS_TTL), compare=False, repr=False
    )


def create_services(settings: Settings, *, clock: Clock = utc_now) -> Services:
    return Services(settings=settings, engine=create_db_engine(settings.database_url), clock=clock)
