"""Revealed loyalty: what customers did (renewed, churned) beside what they said (NPS).

Stated loyalty is the NPS answer; revealed loyalty is the renewal or churn the team imports from
its own records. The gap between them is news: promoters who churned, detractors who renewed.

- **Each renewal or churn is one trial**, counted under the class of the customer's latest NPS
  answer given *before the event's day began* (UTC). An answer given on the day of the event may
  be its consequence (an exit survey), not its forecast, so it does not count as before it. An
  event with no earlier answer is "not surveyed", a line of its own: leaving those out would
  hide how much of the book the survey does not reach.
- **Renewal rate** = renewed / (renewed + churned), with the Wilson 95% score interval
  (`metrics.wilson_interval`): rates here sit near 100% and groups are small, where the Wald
  interval runs past 100% or collapses to a point.
- **Revenue at risk**: the latest known amount (annual revenue) of each customer whose latest
  NPS answer is a detractor's, or fell a class from the answer before it (promoter to passive,
  passive or promoter to detractor), and who has not renewed since that answer. A customer
  whose latest renewal-or-churn is a churn is left out: that revenue is lost, not at risk.
- **The map's revealed axis**: for each place on the engagement map, the NPS of its customers'
  latest answers (stated) beside the renewal rate of those of them who renewed or churned in
  the period (revealed; a customer counts once, by their latest renewal or churn there). Either
  figure is hidden for fewer customers than the anonymity minimum.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from bot.insights.metrics import Interval, NpsResult, nps_class, nps_from_counts, wilson_interval

NOT_SURVEYED = "not_surveyed"
CLASSES = ("promoter", "passive", "detractor", NOT_SURVEYED)
_RANK = {"detractor": 0, "passive": 1, "promoter": 2}


@dataclass(frozen=True)
class RenewalRate:
    renewed: int
    churned: int

    def __post_init__(self) -> None:
        if self.renewed < 0 or self.churned < 0:
            raise ValueError("counts cannot be negative")

    @property
    def decided(self) -> int:
        """Renewals and churns together: the trials the rate is a share of."""
        return self.renewed + self.churned

    @property
    def percent(self) -> float | None:
        return None if self.decided == 0 else 100 * self.renewed / self.decided

    @property
    def ci95(self) -> Interval | None:
        return wilson_interval(self.renewed, self.decided)


def class_of(score: int | None) -> str:
    """The class an event is counted under: the NPS class of the answer before it, if any."""
    return NOT_SURVEYED if score is None else nps_class(score)


@dataclass(frozen=True)
class ClassedEvent:
    """One renewal or churn, with the customer's latest NPS answer before its day."""

    customer: int  # whatever identifies the customer: events of one customer share it
    renewed: bool  # False: churned
    score_before: int | None  # None: no NPS answer before the event

    @property
    def nps_class(self) -> str:
        return class_of(self.score_before)


@dataclass(frozen=True)
class ClassRow:
    nps_class: str
    customers: int  # distinct customers with an event counted here
    rate: RenewalRate


def by_class(events: Iterable[ClassedEvent]) -> dict[str, ClassRow]:
    """Every class (in CLASSES order, empty ones too): customers, renewed, churned, rate."""
    customers: dict[str, set[int]] = {name: set() for name in CLASSES}
    renewed = dict.fromkeys(CLASSES, 0)
    churned = dict.fromkeys(CLASSES, 0)
    for event in events:
        name = event.nps_class
        customers[name].add(event.customer)
        if event.renewed:
            renewed[name] += 1
        else:
            churned[name] += 1
    return {name: ClassRow(name, len(customers[name]), RenewalRate(renewed[name], churned[name]))
            for name in CLASSES}


def fell_a_class(latest: int, previous: int | None) -> bool:
    """Whether the latest answer is in a lower class than the one before it (9 → 8 is a fall,
    10 → 9 and 6 → 0 are not)."""
    return previous is not None and _RANK[nps_class(latest)] < _RANK[nps_class(previous)]


@dataclass(frozen=True)
class CustomerStanding:
    """What revenue at risk needs to know of one customer."""

    latest_score: int | None  # their latest NPS answer, if any
    previous_score: int | None  # the NPS answer before it
    answered_on: date | None  # the UTC day of the latest answer
    last_renewed_on: date | None
    last_churned_on: date | None
    amount: float | None  # from their newest event with an amount


def renewed_since_answer(c: CustomerStanding) -> bool:
    # The same line as the table's: a renewal is after an answer when the answer came before
    # the renewal's day began, i.e. on an earlier day.
    return (c.answered_on is not None and c.last_renewed_on is not None
            and c.last_renewed_on > c.answered_on)


def has_churned(c: CustomerStanding) -> bool:
    """Their latest renewal-or-churn is a churn (a churn and a renewal on one day: churned)."""
    return c.last_churned_on is not None and (
        c.last_renewed_on is None or c.last_churned_on >= c.last_renewed_on)


def at_risk(c: CustomerStanding) -> bool:
    if c.latest_score is None or c.answered_on is None:
        return False
    worrying = nps_class(c.latest_score) == "detractor" or fell_a_class(c.latest_score,
                                                                          c.previous_score)
    return worrying and not renewed_since_answer(c) and not has_churned(c)


@dataclass(frozen=True)
class RevenueAtRisk:
    amount: float  # the sum of the at-risk customers' latest amounts
    customers: int  # at-risk customers with an amount on record


def revenue_at_risk(standings: Iterable[CustomerStanding]) -> RevenueAtRisk:
    amounts = [c.amount for c in standings if c.amount is not None and at_risk(c)]
    return RevenueAtRisk(float(sum(amounts)), len(amounts))


@dataclass(frozen=True)
class PlaceCounts:
    """One place on the engagement map: its customers by the class of their latest NPS answer,
    and how many of them renewed or churned (by their latest such event) in the period."""

    promoters: int = 0
    passives: int = 0
    detractors: int = 0
    renewed: int = 0
    churned: int = 0

    @property
    def customers(self) -> int:
        return self.promoters + self.passives + self.detractors

    def plus(self, score: int, outcome: str | None, customers: int) -> PlaceCounts:
        """These counts with `customers` more whose latest answer is `score`, and whose latest
        renewal or churn in the period was `outcome` ("renewed", "churned" or None)."""
        name = nps_class(score)
        return PlaceCounts(
            self.promoters + (customers if name == "promoter" else 0),
            self.passives + (customers if name == "passive" else 0),
            self.detractors + (customers if name == "detractor" else 0),
            self.renewed + (customers if outcome == "renewed" else 0),
            self.churned + (customers if outcome == "churned" else 0),
        )


@dataclass(frozen=True)
class PlaceLoyalty:
    customers: int
    stated: NpsResult | None  # None: fewer customers than the minimum
    revealed: RenewalRate | None  # None: fewer renewed-or-churned customers than the minimum


def place_loyalty(counts: PlaceCounts, minimum: int) -> PlaceLoyalty:
    stated = (nps_from_counts(counts.promoters, counts.passives, counts.detractors)
              if counts.customers >= minimum else None)
    rate = RenewalRate(counts.renewed, counts.churned)
    return PlaceLoyalty(counts.customers, stated, rate if rate.decided >= minimum else None)


def places_loyalty(places: Mapping[str, PlaceCounts], minimum: int) -> dict[str, PlaceLoyalty]:
    return {place: place_loyalty(counts, minimum) for place, counts in places.items()}
