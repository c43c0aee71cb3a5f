"""Workspaces: the row each one gets, who it counts as staff and as admins of the bot, and the
deliveries an uninstall cancels.

Writes are upserts on the workspace (its staff group) or on (workspace, person) (its admins),
so a Slack retry or a repeated command changes nothing more than the first did.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from storage.deliveries import of_team
from storage.models import (
    Delivery,
    DeliveryStatus,
    Workspace,
    WorkspaceAdmin,
    WorkspaceSetting,
)
from storage.upsert import insert_for


def workspace_settings(*, session: Session, team_id: str) -> WorkspaceSetting | None:
    return session.get(WorkspaceSetting, team_id)


def set_workspace_choice(
    *, session: Session, team_id: str, user_id: str | None, now: datetime,
    **choice: str | bool | None,
) -> None:
    """Store one of the workspace's settings (a column of WorkspaceSetting), keeping the rest."""
    # Settings may come before the first pulse, and the row references the workspace.
    ensure_workspace(session=session, team_id=team_id, name="", now=now)
    values = {**choice, "updated_by": user_id, "updated_at": now}
    stmt = insert_for(session, WorkspaceSetting).values(team_id=team_id, **values)
    session.exec(stmt.on_conflict_do_update(index_elements=["team_id"], set_=values))


def set_staff_usergroup(
    *, session: Session, team_id: str, usergroup_id: str | None, user_id: str | None,
    now: datetime,
) -> None:
    set_workspace_choice(session=session, team_id=team_id, user_id=user_id, now=now,
                         staff_usergroup_id=usergroup_id)


def add_admins(
    *, session: Session, team_id: str, user_ids: Iterable[str], added_by: str | None,
    now: datetime,
) -> None:
    ensure_workspace(session=session, team_id=team_id, name="", now=now)
    rows = [{"team_id": team_id, "user_id": user_id, "added_by": added_by, "added_at": now}
            for user_id in user_ids]
    if rows:
        stmt = insert_for(session, WorkspaceAdmin).values(rows)
        session.exec(stmt.on_conflict_do_nothing(index_elements=["team_id", "user_id"]))


def remove_admins(*, session: Session, team_id: str, user_ids: Iterable[str]) -> int:
    result = session.exec(
        delete(WorkspaceAdmin).where(col(WorkspaceAdmin.team_id) == team_id,
                                     col(WorkspaceAdmin.user_id).in_(list(user_ids)))
    )
    return int(result.rowcount or 0)


def list_admins(*, session: Session, team_id: str) -> list[str]:
    return list(session.exec(
        select(WorkspaceAdmin.user_id).where(WorkspaceAdmin.team_id == team_id)
        .order_by(col(WorkspaceAdmin.added_at), col(WorkspaceAdmin.user_id))
    ).all())


def is_listed_admin(*, session: Session, team_id: str, user_id: str) -> bool:
    return session.get(WorkspaceAdmin, (team_id, user_id)) is not None


def ensure_workspace(*, session: Session, team_id: str, name: str, now: datetime) -> None:
    stmt = insert_for(session, Workspace).values(team_id=team_id, name=name, created_at=now)
    session.exec(stmt.on_conflict_do_nothing(index_elements=["team_id"]))


def list_workspaces(*, session: Session) -> Sequence[Workspace]:
    return session.exec(select(Workspace).order_by(col(Workspace.team_id))).all()


def pending_of_team(*, session: Session, team_id: str) -> list[int]:
    """Deliveries of the workspace not sent yet (nor being sent): what an uninstall cancels."""
    ids = session.exec(
        select(Delivery.id).where(Delivery.status == DeliveryStatus.PENDING, of_team(team_id))
    ).all()
    return [i for i in ids if i is not None]
