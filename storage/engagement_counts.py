"""Per-customer standings for the engagement map, counted in the database.

The database reduces each customer to what the map's rules look at (latest NPS, the NPS before
it, latest CSAT, in which period they answered), for this period and the one before, and
counts customers per distinct standing. The rules themselves stay in bot.insights.engagement.

One GROUP BY per customer over the answers of three consecutive periods (earlier, previous,
current), read from an index alone: no join, no window, no sort on SQLite. It
relies on the order storage.answer_order keeps on every linked answer: the newest answer in a
time range is the one with the highest place (respondent_seq), and since a range holds
consecutive places, the answer before it is in the range too exactly when the range holds two
or more, and its score is that row's previous_score. So each "latest" is a MAX over one
number that packs the place with the score (and the score before it).

The cost grows with the customers who answered in the three periods and their answers there,
not with the stored history; see benchmarks/bench_engagement_command.py.

Each customer also carries what they last did in the current period, if anything: renewed or
churned (by their latest such event dated in it; a renewal and a churn on one day read as a
churn), the map's revealed-loyalty axis. It is one more column of the customer's row, joined
from the period's events, so customers who did nothing cost nothing more.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlmodel import Session, col

from storage.models import Metric, OutcomeEvent, OutcomeKind, Respondent, Response

NONE = 15
# The outcome column: what a customer last did in the current period.
RENEWED, CHURNED = OutcomeKind.RENEWED.value, OutcomeKind.CHURNED.value


@dataclass(frozen=True)
class StandingCount:
    """How many customers share one standing. `now_*` read the previous and current periods
    together (the current map's history); `before_*` the earlier and previous periods."""

    now_latest_nps: int | None
    now_nps_before: int | None  # the NPS answer before the latest one
    now_latest_csat: int | None
    before_latest_nps: int | None
    before_nps_before: int | None
    before_latest_csat: int | None
    in_earlier: bool
    in_previous: bool
    in_current: bool
    previous_latest_nps: int | None  # within the previous period alone
    current_latest_nps: int | None  # within the current period alone
    customers: int
    # "renewed" or "churned": their latest renewal or churn dated in the current period.
    outcome: str | None = None


def _per_customer(
    *, session: Session, team_id: str, earlier: datetime, previous: datetime, current: datetime,
    until: datetime,
) -> Any:
    """One row per customer who answered in [earlier, until]: what the map's rules read, packed
    (unpacked by `_people`)."""
    at = col(Response.answered_at)
    seq, score = col(Response.respondent_seq), col(Response.score)
    # 15 stands for "no earlier answer": scores are 0..10, so it never collides with one.
    before = func.coalesce(col(Response.previous_score), NONE)
    nps = col(Response.metric) == Metric.NPS.value
    csat = col(Response.metric) == Metric.CSAT.value
    in_now, in_before = at >= previous, at < current  # the current map's history; the last one's

    def latest(*conditions: Any) -> Any:
        """The newest answer meeting the conditions: its place, then its score."""
        return func.max(case((and_(*conditions), seq * 16 + score)))

    def latest_two(*conditions: Any) -> Any:
        """The same, with the score of the answer before it."""
        return func.max(case((and_(*conditions), seq * 256 + score * 16 + before)))

    def how_many(*conditions: Any) -> Any:
        return func.sum(case((and_(*conditions), 1), else_=0))

    def answered(*conditions: Any) -> Any:
        return func.max(case((and_(*conditions), 1), else_=0))

    if session.get_bind().dialect.name == "postgresql":
        # PostgreSQL groups by hash: it reads just the periods' answers from the report index.
        whose: list[Any] = [col(Response.team_id) == team_id,
                            col(Response.metric).in_([m.value for m in Metric]),
                            col(Response.respondent_id).is_not(None)]
    else:
        # SQLite groups in the order it reads: customer by customer from ix_response_customer
        # spares it sorting every answer of the periods (about 2x faster at 100k answers).
        whose = [col(Response.respondent_id).in_(
            select(col(Respondent.id)).where(col(Respondent.team_id) == team_id))]
    return (
        select(
            col(Response.respondent_id).label("respondent_id"),
            latest_two(nps, in_now).label("now_nps"),
            how_many(nps, in_now).label("now_nps_answers"),
            latest(csat, in_now).label("now_csat"),
            latest_two(nps, in_before).label("before_nps"),
            how_many(nps, in_before).label("before_nps_answers"),
            latest(csat, in_before).label("before_csat"),
            answered(at < previous).label("in_earlier"),
            answered(at >= previous, at < current).label("in_previous"),
            answered(at >= current).label("in_current"),
            latest(nps, at >= previous, at < current).label("previous_nps"),
            latest(nps, at >= current).label("current_nps"),
        )
        .where(*whose, at >= earlier, at <= until)
        .group_by(col(Response.respondent_id))
        .subquery()
    )


def _decided(*, team_id: str, current: datetime, until: datetime) -> Any:
    """Per customer, their latest renewal and churn dated in the current period."""
    on, event = col(OutcomeEvent.occurred_on), col(OutcomeEvent.event)
    return (
        select(col(OutcomeEvent.respondent_id).label("respondent_id"),
               func.max(case((event == RENEWED, on))).label("renewed_on"),
               func.max(case((event == CHURNED, on))).label("churned_on"))
        .where(col(OutcomeEvent.team_id) == team_id, event.in_([RENEWED, CHURNED]),
               on >= current.date(), on <= until.date())
        .group_by(col(OutcomeEvent.respondent_id))
        .subquery()
    )


def _joined(per_customer: Any, decided: Any) -> Any:
    return per_customer.outerjoin(decided, decided.c.respondent_id == per_customer.c.respondent_id)


def _people(per_customer: Any, decided: Any) -> list[Any]:
    """The standing columns, unpacked from `_per_customer`'s, in StandingCount's order, and
    what the customer last did in the current period (`_decided`)."""
    c = per_customer.c
    outcome = case(
        (and_(decided.c.churned_on.is_not(None),
              (decided.c.renewed_on.is_(None)) | (decided.c.churned_on >= decided.c.renewed_on)),
         CHURNED),
        (decided.c.renewed_on.is_not(None), RENEWED),
    )

    def second(packed: Any, answers: Any) -> Any:
        return case((answers >= 2, packed % 16))

    return [
        ((c.now_nps // 16) % 16).label("now_latest_nps"),
        second(c.now_nps, c.now_nps_answers).label("now_nps_before"),
        (c.now_csat % 16).label("now_latest_csat"),
        ((c.before_nps // 16) % 16).label("before_latest_nps"),
        second(c.before_nps, c.before_nps_answers).label("before_nps_before"),
        (c.before_csat % 16).label("before_latest_csat"),
        c.in_earlier, c.in_previous, c.in_current,
        (c.previous_nps % 16).label("previous_latest_nps"),
        (c.current_nps % 16).label("current_latest_nps"),
        outcome.label("outcome"),
    ]


def _standing(row: Any, customers: int) -> StandingCount:
    return StandingCount(
        now_latest_nps=_score(row[0]), now_nps_before=_score(row[1]),
        now_latest_csat=_score(row[2]), before_latest_nps=_score(row[3]),
        before_nps_before=_score(row[4]), before_latest_csat=_score(row[5]),
        in_earlier=bool(row[6]), in_previous=bool(row[7]), in_current=bool(row[8]),
        previous_latest_nps=_score(row[9]), current_latest_nps=_score(row[10]),
        outcome=None if row[11] is None else str(row[11]), customers=customers,
    )


def standing_counts(
    *,
    session: Session,
    team_id: str,
    earlier: datetime,
    previous: datetime,
    current: datetime,
    until: datetime,
) -> list[StandingCount]:
    """Customers per standing from linked answers in [earlier, until]; the periods are
    [earlier, previous), [previous, current) and [current, until].

    The latest answer is the one answered last; answers given at the same instant fall back to
    insertion order (storage.answer_order). Anonymous answers have no respondent and are left
    out: the map is per customer.
    """
    per_customer = _per_customer(session=session, team_id=team_id, earlier=earlier,
                                 previous=previous, current=current, until=until)
    decided = _decided(team_id=team_id, current=current, until=until)
    # Unpacked in a subquery of its own, so GROUP BY names columns, not expressions with
    # bound parameters (which PostgreSQL would not match to the SELECT list).
    people = (select(*_people(per_customer, decided))
              .select_from(_joined(per_customer, decided)).subquery())
    keys = tuple(people.c)
    rows = session.execute(select(*keys, func.count()).group_by(*keys)).all()
    return [_standing(row, int(row[12])) for row in rows]


@dataclass(frozen=True)
class CustomerStanding:
    """One customer's standing (StandingCount with `customers` = 1), and who they are."""

    respondent_id: int
    user_id: str
    account: str | None
    standing: StandingCount


def customer_standings(
    *,
    session: Session,
    team_id: str,
    earlier: datetime,
    previous: datetime,
    current: datetime,
    until: datetime,
) -> list[CustomerStanding]:
    """Each customer's standing, as standing_counts counts them: for views that must name
    customers (to staff) or join them with what they did."""
    per_customer = _per_customer(session=session, team_id=team_id, earlier=earlier,
                                 previous=previous, current=current, until=until)
    decided = _decided(team_id=team_id, current=current, until=until)
    rows = session.execute(
        select(*_people(per_customer, decided), col(Respondent.id), col(Respondent.user_id),
               col(Respondent.account))
        .select_from(_joined(per_customer, decided))
        .join(Respondent, col(Respondent.id) == per_customer.c.respondent_id)
        .order_by(col(Respondent.id))
    ).all()
    return [CustomerStanding(int(row[12]), str(row[13]), row[14], _standing(row, 1))
            for row in rows]


def counted(standings: Iterable[StandingCount]) -> list[StandingCount]:
    """Customers per standing, as standing_counts counts them, from customer_standings' rows
    (one customer each): a caller that needs both reads the answers once."""
    tally = Counter(replace(standing, customers=0) for standing in standings)
    return [replace(standing, customers=n) for standing, n in tally.items()]


def _score(value: Any) -> int | None:
    return None if value is None else int(value)
