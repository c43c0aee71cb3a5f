"""The answers export, streamed: rows come from the database in chunks, never all at once."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlmodel import Session, col

from storage.models import Delivery, OutcomeEvent, Pulse, Respondent, Response, Wave

# Rows fetched per round trip; PostgreSQL streams them through a server-side cursor.
CHUNK_SIZE = 1000


@dataclass(frozen=True)
class ExportedAnswer:
    answered_at: datetime
    pulse: str | None  # an imported answer's: the name its file gave, if any
    anonymous: bool
    wave_scheduled_for: datetime | None
    metric: str
    score: int
    comment: str | None
    sentiment_polarity: float | None
    sentiment_label: str | None
    # None for anonymous pulses: the query does not even read them (see below).
    respondent: str | None
    account: str | None
    attributes: dict[str, str] | None
    imported: bool = False  # brought by `responses import`, not given in Slack


def stream_answers(
    *, session: Session, team_id: str, since: datetime | None = None
) -> Iterator[ExportedAnswer]:
    """Every answer of the workspace since `since`, oldest first."""
    # An anonymous pulse's answers carry no delivery (only a keyed hash while the wave is
    # open) and no respondent, so the outer join finds no person; the pulse flag below is the
    # second guard. An imported answer has no wave or delivery, only its customer.
    query = (
        select(
            col(Response.answered_at),
            func.coalesce(col(Pulse.name), col(Response.import_pulse)),
            col(Pulse.anonymous),
            col(Wave.scheduled_for),
            col(Response.metric),
            col(Response.score),
            col(Response.comment),
            col(Response.sentiment_polarity),
            col(Response.sentiment_label),
            col(Respondent.user_id),
            col(Respondent.account),
            col(Respondent.attributes),
            col(Response.import_key),
        )
        .select_from(Response)
        .outerjoin(Wave, col(Wave.id) == col(Response.wave_id))
        .outerjoin(Pulse, col(Pulse.id) == col(Wave.pulse_id))
        .outerjoin(Delivery, col(Delivery.id) == col(Response.delivery_id))
        .outerjoin(Respondent, col(Respondent.id) == func.coalesce(
            col(Delivery.respondent_id), col(Response.respondent_id)))
        .where(col(Response.team_id) == team_id)
        .order_by(col(Response.answered_at), col(Response.id))
        .execution_options(yield_per=CHUNK_SIZE)
    )
    if since is not None:
        query = query.where(col(Response.answered_at) >= since)
    for row in session.execute(query):
        anonymous = bool(row[2])
        yield ExportedAnswer(
            answered_at=row[0],
            pulse=row[1],
            anonymous=anonymous,
            wave_scheduled_for=row[3],
            metric=str(row[4]),
            score=int(row[5]),
            comment=row[6],
            sentiment_polarity=row[7],
            sentiment_label=row[8],
            respondent=None if anonymous else row[9],
            account=None if anonymous else row[10],
            attributes=None if anonymous else row[11],
            imported=row[12] is not None,
        )


@dataclass(frozen=True)
class ExportedOutcome:
    occurred_on: date
    event: str
    amount: float | None
    respondent: str
    account: str | None
    attributes: dict[str, str]
    imported_at: datetime


def stream_outcomes(
    *, session: Session, team_id: str, since: datetime | None = None
) -> Iterator[ExportedOutcome]:
    """Every outcome event of the workspace from `since`'s day on, oldest first."""
    query = (
        select(col(OutcomeEvent.occurred_on), col(OutcomeEvent.event), col(OutcomeEvent.amount),
               col(Respondent.user_id), col(Respondent.account), col(Respondent.attributes),
               col(OutcomeEvent.imported_at))
        .join(Respondent, col(Respondent.id) == col(OutcomeEvent.respondent_id))
        .where(col(OutcomeEvent.team_id) == team_id)
        .order_by(col(OutcomeEvent.occurred_on), col(OutcomeEvent.id))
        .execution_options(yield_per=CHUNK_SIZE)
    )
    if since is not None:
        query = query.where(col(OutcomeEvent.occurred_on) >= since.date())
    for row in session.execute(query):
        yield ExportedOutcome(occurred_on=row[0], event=str(row[1]), amount=row[2],
                              respondent=row[3], account=row[4], attributes=row[5] or {},
                              imported_at=row[6])
