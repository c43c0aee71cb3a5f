"""Everything the listeners, jobs and CLI share, built once from Settings and passed down."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine

from bot.core.config import Settings
from storage.engine import create_db_engine

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Services:
    settings: Settings
    engine: Engine
    clock: Clock


def create_services(settings: Settings, *, clock: Clock = utc_now) -> Services:
    return Services(settings=settings, engine=create_db_engine(settings.database_url), clock=clock)
