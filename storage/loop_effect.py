"""Detractor NPS answers of a period, each with the customer's next NPS answer and its follow-up.

The next answer is found by its place: storage.answer_order numbers each customer's answers
of a metric (respondent_seq), so it is the one with the place after. The follow-up is the one
raised on the answer itself (follow_up.response_id), whether the answer came through Slack or
an import. Anonymous answers have no respondent and are left out: nothing links them to a next
answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from storage.models import FollowUp, Metric, Response

DETRACTOR_MAX = 6


@dataclass(frozen=True)
class DetractorRow:
    score: int
    next_score: int | None  # None: the customer has not answered NPS since
    next_answered_at: datetime | None
    raised_at: datetime | None  # the follow-up's; None when none was raised
    first_response_at: datetime | None
    resolved_at: datetime | None


def detractor_answers(
    *, session: Session, team_id: str, since: datetime, until: datetime
) -> list[DetractorRow]:
    """The linked NPS answers of 0–6 given in [since, until], with what came after them."""
    answer, following = Response, aliased(Response)
    rows = session.execute(
        select(
            col(answer.score), col(following.score), col(following.answered_at),
            col(FollowUp.raised_at), col(FollowUp.first_response_at), col(FollowUp.resolved_at),
        )
        .select_from(answer)
        .outerjoin(following, and_(
            col(following.respondent_id) == col(answer.respondent_id),
            col(following.metric) == Metric.NPS.value,
            col(following.respondent_seq) == col(answer.respondent_seq) + 1,
            # Always true of the next answer (places follow answer times); it lets the
            # customer's index be read from this answer on rather than from their first.
            col(following.answered_at) >= col(answer.answered_at),
        ))
        .outerjoin(FollowUp, col(FollowUp.response_id) == col(answer.id))
        .where(
            col(answer.team_id) == team_id,
            col(answer.metric) == Metric.NPS.value,
            col(answer.answered_at) >= since,
            col(answer.answered_at) <= until,
            col(answer.score) <= DETRACTOR_MAX,
            col(answer.respondent_id).is_not(None),
        )
    ).all()
    return [DetractorRow(*row) for row in rows]
