"""Stored /engagement breakdowns: read one, keep one, and find the ones worth recomputing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, true, update
from sqlmodel import Session, col, select

from storage.models import ReportSnapshot
from storage.upsert import insert_for


@dataclass(frozen=True)
class SnapshotKey:
    team_id: str
    view: str
    key: str


def load_snapshot(session: Session, key: SnapshotKey) -> ReportSnapshot | None:
    return session.get(ReportSnapshot, (key.team_id, key.view, key.key))


def save_snapshot(
    session: Session,
    key: SnapshotKey,
    *,
    period_start: datetime,
    period_end: datetime,
    computed_at: datetime,
    compute_ms: float,
    payload: dict[str, Any],
) -> None:
    """Insert or replace; two replicas computing the same one at once is harmless, the later
    computation wins, and a slower, older one never overwrites a newer one."""
    values = {
        "team_id": key.team_id, "view": key.view, "key": key.key,
        "period_start": period_start, "period_end": period_end, "computed_at": computed_at,
        "compute_ms": compute_ms, "read_at": computed_at, "payload": payload,
    }
    table: Any = ReportSnapshot.__table__  # type: ignore[attr-defined]
    insert = insert_for(session, table).values(**values)
    changed = {name: insert.excluded[name] for name in
               ("period_start", "period_end", "computed_at", "compute_ms", "payload")}
    session.execute(insert.on_conflict_do_update(
        index_elements=["team_id", "view", "key"], set_=changed,
        where=table.c.computed_at <= insert.excluded.computed_at,
    ))


def mark_read(session: Session, key: SnapshotKey, *, now: datetime) -> None:
    session.execute(
        update(ReportSnapshot)
        .where(col(ReportSnapshot.team_id) == key.team_id, col(ReportSnapshot.view) == key.view,
               col(ReportSnapshot.key) == key.key)
        .values(read_at=now)
    )


def due_for_refresh(
    session: Session, *, team_id: str | None, computed_before: datetime, read_since: datetime,
    slower_than_ms: float, limit: int,
) -> list[SnapshotKey]:
    """Slow snapshots older than the refresh interval that someone read lately, most recently
    read first, of one workspace or (None) all; one nobody reads is left to age out instead of
    costing the leader, and a fast one is never served, so never refreshed."""
    rows = session.exec(
        select(ReportSnapshot.team_id, ReportSnapshot.view, ReportSnapshot.key)
        .where(true() if team_id is None else col(ReportSnapshot.team_id) == team_id,
               col(ReportSnapshot.computed_at) < computed_before,
               col(ReportSnapshot.read_at) >= read_since,
               col(ReportSnapshot.compute_ms) >= slower_than_ms)
        .order_by(col(ReportSnapshot.read_at).desc())
        .limit(limit)
    ).all()
    return [SnapshotKey(team, view, key) for team, view, key in rows]


def drop_snapshots(
    session: Session, *, team_id: str | None, read_before: datetime | None = None
) -> None:
    """A workspace's snapshots (or every one's: None), or only those last read before a time."""
    session.execute(delete(ReportSnapshot).where(
        true() if team_id is None else col(ReportSnapshot.team_id) == team_id,
        true() if read_before is None else col(ReportSnapshot.read_at) < read_before,
    ))
