"""Queries for a workspace's benchmark settings: industry, admins' own figures, targets.

Every write is an upsert on a unique key, so a Slack retry or a repeated CLI call changes nothing
more than the first did.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from storage.models import CustomBenchmark, Metric, Target, WorkspaceSetting
from storage.upsert import insert_for
from storage.workspaces import ensure_workspace


def _ensure_workspace(session: Session, team_id: str, now: datetime) -> None:
    # Settings may come before the first pulse, and every row here references the workspace.
    ensure_workspace(session=session, team_id=team_id, name="", now=now)


def get_industry(*, session: Session, team_id: str) -> str | None:
    row = session.get(WorkspaceSetting, team_id)
    return None if row is None else row.industry


def set_industry(
    *, session: Session, team_id: str, industry: str | None, user_id: str | None, now: datetime
) -> None:
    _ensure_workspace(session, team_id, now)
    values = {"industry": industry, "updated_by": user_id, "updated_at": now}
    stmt = insert_for(session, WorkspaceSetting).values(team_id=team_id, **values)
    session.exec(stmt.on_conflict_do_update(index_elements=["team_id"], set_=values))


def add_custom_benchmark(
    *, session: Session, team_id: str, metric: Metric, value: float, name: str,
    year: int | None, source: str | None, user_id: str | None, now: datetime,
) -> CustomBenchmark:
    """Store the figure, replacing one of the same metric and name; returns the stored row."""
    _ensure_workspace(session, team_id, now)
    values = {"value": value, "year": year, "source": source, "added_by": user_id,
              "added_at": now}
    stmt = insert_for(session, CustomBenchmark).values(
        team_id=team_id, metric=metric.value, name=name, **values
    )
    session.exec(
        stmt.on_conflict_do_update(index_elements=["team_id", "metric", "name"], set_=values)
    )
    return session.exec(
        select(CustomBenchmark).where(
            CustomBenchmark.team_id == team_id,
            CustomBenchmark.metric == metric,
            CustomBenchmark.name == name,
        )
    ).one()


def list_custom_benchmarks(*, session: Session, team_id: str) -> Sequence[CustomBenchmark]:
    return session.exec(
        select(CustomBenchmark)
        .where(CustomBenchmark.team_id == team_id)
        .order_by(col(CustomBenchmark.metric), col(CustomBenchmark.id))
    ).all()


def remove_custom_benchmark(*, session: Session, team_id: str, benchmark_id: int) -> bool:
    """False when no such figure belongs to this workspace (another team's id removes nothing)."""
    result = session.exec(
        delete(CustomBenchmark).where(
            col(CustomBenchmark.team_id) == team_id, col(CustomBenchmark.id) == benchmark_id
        )
    )
    return bool(result.rowcount)


def set_target(
    *, session: Session, team_id: str, metric: Metric, value: float, user_id: str | None,
    now: datetime,
) -> None:
    _ensure_workspace(session, team_id, now)
    values = {"value": value, "set_by": user_id, "set_at": now}
    stmt = insert_for(session, Target).values(team_id=team_id, metric=metric.value, **values)
    session.exec(stmt.on_conflict_do_update(index_elements=["team_id", "metric"], set_=values))


def clear_target(*, session: Session, team_id: str, metric: Metric) -> bool:
    result = session.exec(
        delete(Target).where(col(Target.team_id) == team_id, col(Target.metric) == metric)
    )
    return bool(result.rowcount)


def get_targets(*, session: Session, team_id: str) -> dict[Metric, float]:
    rows = session.exec(select(Target).where(Target.team_id == team_id)).all()
    return {Metric(row.metric): row.value for row in rows}

