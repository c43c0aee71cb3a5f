"""Respondents: the people a workspace surveys, their consent, and the customers it imported."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select as sa_select
from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.batches import in_batches
from storage.models import (
    Delivery,
    DeliveryStatus,
    Respondent,
)
from storage.upsert import insert_for


def segment_attributes(*, session: Session, team_id: str) -> list[str]:
    """Attribute names any of the workspace's respondents carry (plan, region…), sorted."""
    rows = session.exec(select(Respondent.attributes).where(Respondent.team_id == team_id)).all()
    return sorted({key for attributes in rows for key in (attributes or {})})


def ensure_respondents(
    *, session: Session, team_id: str, user_ids: Iterable[str], now: datetime
) -> dict[str, Respondent]:
    """Respondent rows for these users, created where missing (concurrent callers agree)."""
    wanted = list(dict.fromkeys(user_ids))
    if not wanted:
        return {}
    stmt = insert_for(session, Respondent).values(
        [{"team_id": team_id, "user_id": u, "attributes": {}, "opted_out": False,
          "deactivated": False, "created_at": now} for u in wanted]
    )
    session.exec(stmt.on_conflict_do_nothing(index_elements=["team_id", "user_id"]))
    rows = session.exec(
        select(Respondent).where(
            Respondent.team_id == team_id, col(Respondent.user_id).in_(wanted)
        )
    ).all()
    return {row.user_id: row for row in rows}


def is_respondent(*, session: Session, team_id: str, user_id: str) -> bool:
    return (
        session.exec(
            select(Respondent.id).where(
                Respondent.team_id == team_id, Respondent.user_id == user_id
            )
        ).first()
        is not None
    )


def set_opted_out(*, session: Session, team_id: str, user_id: str, opted_out: bool) -> bool:
    """Record consent; an opt-out also cancels deliveries not yet sent. False for a stranger."""
    respondent = session.exec(
        select(Respondent).where(Respondent.team_id == team_id, Respondent.user_id == user_id)
    ).first()
    if respondent is None or respondent.id is None:
        return False
    respondent.opted_out = opted_out
    session.add(respondent)
    if opted_out:
        session.exec(
            update(Delivery)
            .where(
                col(Delivery.respondent_id) == respondent.id,
                col(Delivery.status) == DeliveryStatus.PENDING,
            )
            .values(status=DeliveryStatus.FAILED, error="opted_out")
        )
    return True


def opt_out_respondent(*, session: Session, team_id: str, user_id: str, now: datetime) -> None:
    """Record an opt-out, creating the person if `team_id` has not surveyed them yet.

    Someone in a channel that got a post may stop surveys before ever answering one; keyed by
    (team, user), so a repeated click changes nothing.
    """
    session.exec(
        insert_for(session, Respondent)
        .values(team_id=team_id, user_id=user_id, attributes={}, opted_out=True,
                deactivated=False, created_at=now)
        .on_conflict_do_nothing(index_elements=["team_id", "user_id"])
    )
    set_opted_out(session=session, team_id=team_id, user_id=user_id, opted_out=True)


def get_respondent(*, session: Session, team_id: str, user_id: str) -> Respondent | None:
    return session.exec(
        select(Respondent).where(Respondent.team_id == team_id, Respondent.user_id == user_id)
    ).first()


def imported_customers(*, session: Session, team_id: str, segment: dict[str, str]) -> list[str]:
    """User IDs of imported customers whose attributes match every key of the segment."""
    rows = session.exec(
        select(Respondent).where(
            Respondent.team_id == team_id, col(Respondent.imported_at).is_not(None)
        )
    ).all()
    wanted = {key: value.casefold() for key, value in segment.items()}
    return [
        row.user_id
        for row in rows
        if all(str(row.attributes.get(k, "")).casefold() == v for k, v in wanted.items())
    ]


@dataclass(frozen=True)
class CustomerRecord:
    user_id: str
    account: str | None
    attributes: dict[str, str]


def upsert_customers(
    *, session: Session, team_id: str, records: Sequence[CustomerRecord], now: datetime
) -> None:
    """Mark these respondents as imported customers; new attributes join the ones they had."""
    respondents = ensure_respondents(
        session=session, team_id=team_id, user_ids=[r.user_id for r in records], now=now
    )
    for record in records:
        respondent = respondents[record.user_id]
        respondent.account = record.account or respondent.account
        respondent.attributes = {**respondent.attributes, **record.attributes}
        respondent.imported_at = now
        session.add(respondent)


def ensure_customer_ids(
    *, session: Session, team_id: str, customers: Mapping[str, str | None], now: datetime
) -> dict[str, int]:
    """Respondent ids of these customers (user ID → account), created where missing: the
    account is written on a new row only, an existing customer keeps theirs. In batches, for
    the imports' tens of thousands; concurrent callers agree (the unique key decides)."""
    wanted = sorted(customers)
    table: Any = Respondent.__table__  # type: ignore[attr-defined]
    # Core, not the ORM's bulk path: plain rows, no objects.
    insert = insert_for(session, table).on_conflict_do_nothing(
        index_elements=["team_id", "user_id"])
    connection = session.connection()
    ids: dict[str, int] = {}
    for batch in in_batches(wanted):
        found: dict[str, int] = dict(connection.execute(
            sa_select(table.c.user_id, table.c.id)
            .where(table.c.team_id == team_id, table.c.user_id.in_(batch))).all())
        missing = [user_id for user_id in batch if user_id not in found]
        if missing:
            connection.execute(insert, [
                {"team_id": team_id, "user_id": user_id, "account": customers[user_id],
                 "attributes": {}, "opted_out": False, "deactivated": False, "created_at": now}
                for user_id in missing
            ])
            found.update(connection.execute(
                sa_select(table.c.user_id, table.c.id)
                .where(table.c.team_id == team_id, table.c.user_id.in_(missing))).all())
        ids.update((str(user_id), int(respondent_id)) for user_id, respondent_id in found.items())
    return ids


def accounts_of_team(*, session: Session, team_id: str) -> list[tuple[str, str]]:
    """(user ID, account) of every respondent of the workspace that has an account."""
    return [(user_id, account) for user_id, account in session.exec(
        select(Respondent.user_id, Respondent.account)
        .where(Respondent.team_id == team_id, col(Respondent.account).is_not(None))
    ).all() if account]
