"""Alembic, driven from code so it works from an installed package as well as a checkout."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).parent / "migrations"


# Tables other libraries own in our database (APScheduler's job store creates its own).
FOREIGN_TABLES = frozenset({"apscheduler_jobs"})


def include_name(name: str | None, type_: str, _parents: object) -> bool:
    """Alembic filter: compare and migrate only our own tables."""
    return not (type_ == "table" and name in FOREIGN_TABLES)


class SchemaOutOfDate(Exception):
    """The database is not at the revision this code expects."""


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        # env.py runs on this engine's connection, so the URL (and its password) is never
        # rendered into the config or a log line.
        config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)


def ensure_current(engine: Engine) -> None:
    """Refuse to serve on an old schema: replicas must not race each other to migrate."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        raise SchemaOutOfDate(
            f"the database schema is at {current or 'nothing (empty database)'}, "
            f"this version needs {head}: run `python -m bot db upgrade` first"
        )
