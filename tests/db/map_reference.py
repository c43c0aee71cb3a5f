"""The engagement map computed from every answer in Python: what the SQL map must equal."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from bot.core.periods import Period
from bot.insights.continuum import ContinuumMovement, count_movement
from bot.insights.engagement import (
    PLACED_SEGMENTS,
    Mix,
    Segment,
    Standing,
    counted_mix,
    mix_change,
    place,
    promoters_retained,
    retention,
)
from bot.insights.metrics import CSAT_SCALE, NPS_SCALE
from bot.insights.revealed import PlaceCounts
from bot.reporting.engagement_map import EngagementMap
from storage.models import Delivery, Metric, OutcomeEvent, OutcomeKind, Response


@dataclass(frozen=True)
class CustomerHistory:
    nps_scores: Sequence[tuple[date, int]]  # their NPS answers (0–10) over time
    csat_scores: Sequence[tuple[date, int]]  # their CSAT answers (1–5) over time
    answered_previous_period: bool
    answered_this_period: bool

    def __post_init__(self) -> None:
        for _, score in self.nps_scores:
            if score not in NPS_SCALE:
                raise ValueError(f"NPS answer {score} is outside 0..10")
        for _, score in self.csat_scores:
            if score not in CSAT_SCALE:
                raise ValueError(f"CSAT answer {score} is outside 1..5")


def _by_date(answers: Sequence[tuple[date, int]]) -> list[int]:
    # Stable: two answers on one day keep the order they were given in, the later one last.
    return [score for _, score in sorted(answers, key=lambda answer: answer[0])]


def standing_of(h: CustomerHistory) -> Standing:
    nps, csat = _by_date(h.nps_scores), _by_date(h.csat_scores)
    return Standing(
        latest_nps=nps[-1] if nps else None,
        nps_before=nps[-2] if len(nps) >= 2 else None,
        latest_csat=csat[-1] if csat else None,
        answered_previous_period=h.answered_previous_period,
        answered_this_period=h.answered_this_period,
    )


def engagement_mix(histories: Iterable[CustomerHistory]) -> Mix:
    return counted_mix((standing_of(history), 1) for history in histories)


Row = tuple[int, Metric, int, datetime]


def _answers(session: Session, team_id: str, since: datetime, until: datetime) -> list[Row]:
    # A named answer's person is its delivery's; an imported one's, its own customer.
    who = func.coalesce(col(Delivery.respondent_id),
                        case((col(Response.import_key).is_not(None), col(Response.respondent_id))))
    rows = session.exec(
        select(who, Response.metric, Response.score, Response.answered_at)
        .outerjoin(Delivery, col(Delivery.id) == Response.delivery_id)
        .where(Response.team_id == team_id, col(Response.answered_at) >= since,
               col(Response.answered_at) <= until, who.is_not(None))
        .order_by(col(Response.answered_at), col(Response.id))
    ).all()
    return [(int(r), Metric(m), int(s), a) for r, m, s, a in rows]


def _histories(rows: list[Row], *, current: Period) -> list[CustomerHistory]:
    return list(_histories_by_customer(rows, current=current).values())


def _histories_by_customer(rows: list[Row], *, current: Period) -> dict[int, CustomerHistory]:
    nps: dict[int, list[tuple[date, int]]] = defaultdict(list)
    csat: dict[int, list[tuple[date, int]]] = defaultdict(list)
    before: set[int] = set()
    now: set[int] = set()
    for who, metric, score, at in rows:
        (nps if metric is Metric.NPS else csat)[who].append((at.date(), score))
        (now if at >= current.start else before).add(who)
    return {w: CustomerHistory(nps[w], csat[w], w in before, True) for w in now}


def _movement(rows: list[Row], period: Period) -> ContinuumMovement:
    """Each customer placed in Python in both periods, then counted."""
    previous = period.previous()
    now = {who: place(standing_of(h)) for who, h in _histories_by_customer(
        [r for r in rows if r[3] >= previous.start], current=period).items()}
    before = {who: place(standing_of(h)) for who, h in _histories_by_customer(
        [r for r in rows if r[3] < period.start], current=previous).items()}
    return count_movement((before.get(who, Segment.UNPLACED), now.get(who, Segment.UNPLACED), 1)
                          for who in {*now, *before})


def _promoters(rows: list[Row]) -> set[str]:
    latest = {who: score for who, metric, score, _ in rows if metric is Metric.NPS}
    return {str(who) for who, score in latest.items() if score >= 9}


def _last_decisions(session: Session, team_id: str, period: Period) -> dict[int, str]:
    """Each customer's latest renewal or churn dated in the period (a churn wins a tie)."""
    events = session.exec(
        select(OutcomeEvent).where(OutcomeEvent.team_id == team_id,
                                   col(OutcomeEvent.occurred_on) >= period.start.date(),
                                   col(OutcomeEvent.occurred_on) <= period.end.date())
    ).all()
    decided: dict[int, tuple[date, int, str]] = {}
    for e in events:
        if e.event not in (OutcomeKind.RENEWED, OutcomeKind.CHURNED):
            continue
        key = (e.occurred_on, 1 if e.event == OutcomeKind.CHURNED else 0, str(e.event))
        decided[e.respondent_id] = max(decided.get(e.respondent_id, key), key)
    return {who: kind for who, (_, _, kind) in decided.items()}


def _places(histories: dict[int, CustomerHistory], decisions: dict[int, str]
            ) -> dict[Segment, PlaceCounts]:
    places = {segment: PlaceCounts() for segment in PLACED_SEGMENTS}
    for who, history in histories.items():
        standing = standing_of(history)
        where = place(standing)
        if where in places and standing.latest_nps is not None:
            places[where] = places[where].plus(standing.latest_nps, decisions.get(who), 1)
    return places


def reference_map(session: Session, team_id: str, period: Period) -> EngagementMap:
    """The map as it was computed before it moved into SQL: every answer read into Python."""
    previous = period.previous()
    rows = _answers(session, team_id, previous.previous().start, period.end)
    in_current = [r for r in rows if r[3] >= period.start]
    in_previous = [r for r in rows if previous.start <= r[3] < period.start]
    now = _histories_by_customer([r for r in rows if r[3] >= previous.start], current=period)
    mix = engagement_mix(now.values())
    before = engagement_mix(_histories([r for r in rows if r[3] < period.start],
                                       current=previous))
    return EngagementMap(
        period=period, mix=mix, previous=before, change=mix_change(mix, before),
        retention=retention({str(r[0]) for r in in_previous}, {str(r[0]) for r in in_current}),
        promoters_retained=promoters_retained(_promoters(in_previous), _promoters(in_current)),
        movement=_movement(rows, period),
        places=_places(now, _last_decisions(session, team_id, period)),
    )
