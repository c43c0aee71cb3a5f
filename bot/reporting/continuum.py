"""The continuum views: who moved between the map's places, what advocacy each place showed, and
the plan per place (bot.insights.continuum holds the rules)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.core.periods import Period
from bot.insights.continuum import (
    DEFAULT_STEPS,
    ContinuumMovement,
    CustomerAdvocacy,
    PlaceAdvocacy,
    ShownCells,
    advocacy,
    count_movement,
    suppress,
)
from bot.insights.engagement import PLACED_SEGMENTS, Segment, Standing, place
from bot.insights.metrics import nps_class
from bot.insights.themes import CommentForThemes, extract_themes
from storage.continuum import (
    advocacy_events,
    customer_comments,
    customers_by_id,
    latest_answers,
    open_follow_up_owners,
    plan_steps,
    raise_follow_ups,
)
from storage.engagement_counts import CustomerStanding, StandingCount, customer_standings
from storage.models import Metric, OutcomeKind

# Comments read for a plan's themes: the newest of the period, as the themes view reads them.
MAX_COMMENTS = 5000
TOP_THEMES = 3
# Accounts an answer names per place (and of those who fell out of engaged advocate); the rest
# are counted. Only these are kept in the map's snapshot, as ids, and looked up when shown.
NAMES_SHOWN = 15


@dataclass(frozen=True)
class Customer:
    respondent_id: int
    user_id: str
    account: str | None


@dataclass(frozen=True)
class CustomerPlace:
    """Where one customer stood last period and stands now (UNPLACED: not placed)."""

    customer: Customer
    before: Segment
    now: Segment
    latest_nps: int | None  # now
    answered_now: bool  # in this period: the map of this period counts them


def standing_now(c: StandingCount) -> Standing:
    """What the map places a customer of this period by: their history up to now."""
    return Standing(c.now_latest_nps, c.now_nps_before, c.now_latest_csat,
                    answered_previous_period=c.in_previous, answered_this_period=True)


def standing_before(c: StandingCount) -> Standing:
    """What last period's map placed them by: their history up to its end."""
    return Standing(c.before_latest_nps, c.before_nps_before, c.before_latest_csat,
                    answered_previous_period=c.in_earlier, answered_this_period=True)


def _places(standing: StandingCount) -> tuple[Segment, Segment]:
    """The map's own placing (bot.reporting.engagement_map): last period's place and this
    period's, UNPLACED for a period the customer did not answer in."""
    before = place(standing_before(standing)) if standing.in_previous else Segment.UNPLACED
    now = place(standing_now(standing)) if standing.in_current else Segment.UNPLACED
    return before, now


def movement_from_counts(counts: list[StandingCount]) -> ContinuumMovement:
    """The movement table from the map's own standing counts: no query of its own."""
    return count_movement((*_places(c), c.customers) for c in counts
                          if c.in_previous or c.in_current)


def customer_places(*, session: Session, team_id: str, period: Period) -> list[CustomerPlace]:
    """Every customer who answered in this period or the previous one of the same length."""
    return places_from(period_standings(session=session, team_id=team_id, period=period))


def period_standings(*, session: Session, team_id: str, period: Period
                     ) -> list[CustomerStanding]:
    """Each customer's standing in the map of `period` (the history of the two periods before
    it too); storage.engagement_counts.counted makes the map's own counts of them."""
    previous = period.previous()
    return customer_standings(session=session, team_id=team_id,
                              earlier=previous.previous().start, previous=previous.start,
                              current=period.start, until=period.end)


def places_from(rows: list[CustomerStanding]) -> list[CustomerPlace]:
    """The customers of period_standings who answered in the period or the one before."""
    places = []
    for row in rows:
        if not (row.standing.in_previous or row.standing.in_current):
            continue
        before, now = _places(row.standing)
        latest = row.standing.now_latest_nps if row.standing.in_current else None
        places.append(CustomerPlace(Customer(row.respondent_id, row.user_id, row.account),
                                    before, now, latest, row.standing.in_current))
    return places


@dataclass(frozen=True)
class ContinuumReport:
    period: Period
    previous: Period
    movement: ContinuumMovement
    shown: ShownCells  # the cells as shown: None where hidden for anonymity
    minimum: int
    fell_out: list[Customer]  # the first NAMES_SHOWN engaged advocates last period, elsewhere now
    fell_out_total: int


def _customers(session: Session, respondent_ids: list[int]) -> list[Customer]:
    """In the order given; a customer forgotten since the ids were kept is left out."""
    found = customers_by_id(session=session, respondent_ids=respondent_ids)
    return [Customer(rid, *found[rid]) for rid in respondent_ids if rid in found]


def continuum_payload(places: list[CustomerPlace]) -> dict[str, Any]:
    """What `map movement` adds to the map's movement counts, as plain data: ids, no names."""
    fell_out = [p.customer.respondent_id for p in places
                if p.before is Segment.ENGAGED_ADVOCATE
                and p.now not in (Segment.ENGAGED_ADVOCATE, Segment.UNPLACED)]
    return {"fell_out_total": len(fell_out), "fell_out": fell_out[:NAMES_SHOWN]}


def continuum_from(
    payload: dict[str, Any], movement: ContinuumMovement, period: Period, *, session: Session,
    minimum: int,
) -> ContinuumReport:
    """The report with the minimum applied and the named customers looked up now."""
    return ContinuumReport(period, period.previous(), movement, suppress(movement.cells, minimum),
                           minimum, _customers(session, [int(r) for r in payload["fell_out"]]),
                           int(payload["fell_out_total"]))


def build_continuum(
    *, session: Session, team_id: str, period: Period, minimum: int,
    places: list[CustomerPlace] | None = None,
) -> ContinuumReport:
    if places is None:
        places = customer_places(session=session, team_id=team_id, period=period)
    movement = count_movement((p.before, p.now, 1) for p in places)
    return continuum_from(continuum_payload(places), movement, period, session=session,
                          minimum=minimum)


@dataclass(frozen=True)
class AdvocacyReport:
    period: Period
    places: dict[Segment, PlaceAdvocacy]
    minimum: int

    def shown(self, segment: Segment) -> PlaceAdvocacy | None:
        """A place's line, or None when it holds some but fewer customers than the minimum."""
        line = self.places[segment]
        return None if 0 < line.customers < self.minimum else line


def build_advocacy(
    *, session: Session, team_id: str, period: Period, minimum: int,
    places: list[CustomerPlace] | None = None,
) -> AdvocacyReport:
    """Per place this period: the share of its customers who referred someone or wrote a
    public review in the period, beside their stated loyalty (latest NPS answer)."""
    if places is None:
        places = customer_places(session=session, team_id=team_id, period=period)
    events = advocacy_events(session=session, team_id=team_id, start=period.start.date(),
                             end=period.end.date())
    customers = [
        CustomerAdvocacy(p.now, p.latest_nps,
                         referred=OutcomeKind.REFERRED in events.get(p.customer.respondent_id, ()),
                         reviewed=OutcomeKind.REVIEWED in events.get(p.customer.respondent_id, ()))
        for p in places if p.answered_now
    ]
    return AdvocacyReport(period, advocacy(customers), minimum)


@dataclass(frozen=True)
class PlanAccount:
    customer: Customer
    owner: str | None  # the Slack user who owns their open follow-up
    followed_up: bool  # an open follow-up exists


@dataclass(frozen=True)
class PlanLine:
    place: Segment
    customers: int
    themes: list[str]  # empty when the place is under the anonymity minimum
    next_step: str
    chosen: bool  # False: the default step
    accounts: list[PlanAccount]  # the first NAMES_SHOWN customers of the place


@dataclass(frozen=True)
class PlanReport:
    period: Period
    lines: list[PlanLine]
    minimum: int


def plan_payload(
    *, session: Session, team_id: str, period: Period, places: list[CustomerPlace]
) -> dict[str, Any]:
    """Per place: how many customers, the first NAMES_SHOWN of them (ids) and the top themes
    of their comments, whatever the minimum (applied when read)."""
    by_place: dict[Segment, list[int]] = {segment: [] for segment in PLACED_SEGMENTS}
    for p in places:
        if p.now in by_place:
            by_place[p.now].append(p.customer.respondent_id)
    where = {p.customer.respondent_id: p.now for p in places}
    comments: dict[Segment, list[CommentForThemes]] = {segment: [] for segment in by_place}
    for row in customer_comments(session=session, team_id=team_id, since=period.start,
                                 until=period.end, limit=MAX_COMMENTS):
        segment = where.get(row.respondent_id)
        if segment in comments and row.polarity is not None:
            comments[segment].append(CommentForThemes(
                row.comment, nps_class(row.score) if row.metric is Metric.NPS else None,
                row.polarity))
    return {segment.value: {"customers": len(ids), "listed": ids[:NAMES_SHOWN],
                            "themes": [t.phrase for t in
                                       extract_themes(comments[segment], top=TOP_THEMES)]}
            for segment, ids in by_place.items()}


def plan_from(
    payload: dict[str, Any], period: Period, *, session: Session, team_id: str, minimum: int
) -> PlanReport:
    """The plan with the minimum applied; the chosen steps, who the listed customers are and
    the owners of their open follow-ups are read now (they change minute by minute)."""
    listed = {segment: [int(r) for r in payload[segment.value]["listed"]]
              for segment in PLACED_SEGMENTS}
    everyone = [rid for ids in listed.values() for rid in ids]
    chosen = plan_steps(session=session, team_id=team_id)
    owners = open_follow_up_owners(session=session, team_id=team_id, respondent_ids=everyone)
    # Who they are, looked up once for every place rather than once per place.
    people = customers_by_id(session=session, respondent_ids=everyone)
    lines = []
    for segment, ids in listed.items():
        kept = payload[segment.value]
        customers, step = int(kept["customers"]), chosen.get(segment.value)
        hidden = 0 < customers < minimum
        accounts = [PlanAccount(Customer(rid, *people[rid]), owners.get(rid), rid in owners)
                    for rid in ids if rid in people]
        lines.append(PlanLine(segment, customers, [] if hidden else list(kept["themes"]),
                              step.next_step if step else DEFAULT_STEPS[segment],
                              step is not None, accounts))
    return PlanReport(period, lines, minimum)


def build_plan(
    *, session: Session, team_id: str, period: Period, minimum: int,
    places: list[CustomerPlace] | None = None,
) -> PlanReport:
    if places is None:
        places = customer_places(session=session, team_id=team_id, period=period)
    return plan_from(plan_payload(session=session, team_id=team_id, period=period,
                                  places=places),
                     period, session=session, team_id=team_id, minimum=minimum)


def open_place_follow_ups(
    *, session: Session, team_id: str, period: Period, segment: Segment, now: datetime
) -> tuple[int, int]:
    """Open a follow-up for every customer now in `segment` who has no open one, on their
    latest NPS answer (or CSAT, without one). Returns (opened, already open)."""
    places = customer_places(session=session, team_id=team_id, period=period)
    ids = [p.customer.respondent_id for p in places if p.now is segment]
    open_ones = open_follow_up_owners(session=session, team_id=team_id, respondent_ids=ids)
    wanted = [i for i in ids if i not in open_ones]
    nps = latest_answers(session=session, team_id=team_id, respondent_ids=wanted,
                         metric=Metric.NPS)
    csat = latest_answers(session=session, team_id=team_id,
                          respondent_ids=[i for i in wanted if i not in nps], metric=Metric.CSAT)
    opened = raise_follow_ups(session=session, answers=[*nps.values(), *csat.values()], now=now)
    return opened, len(open_ones)
