"""Read-only questions about a workspace's respondents."""

from __future__ import annotations

from sqlmodel import Session, select

from storage.models import Respondent


def segment_attributes(*, session: Session, team_id: str) -> list[str]:
    """Attribute names any of the workspace's respondents carry (plan, region…), sorted."""
    rows = session.exec(select(Respondent.attributes).where(Respondent.team_id == team_id)).all()
    return sorted({key for attributes in rows for key in (attributes or {})})
