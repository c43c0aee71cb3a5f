"""Revealed loyalty's rules against worked examples computed by hand in the comments."""

from __future__ import annotations

from datetime import date

import pytest

from bot.insights.revealed import (
    ClassedEvent,
    CustomerStanding,
    PlaceCounts,
    RenewalRate,
    at_risk,
    by_class,
    fell_a_class,
    place_loyalty,
    revenue_at_risk,
)


def _rounded(rate: RenewalRate) -> tuple[float, float]:
    assert rate.ci95 is not None
    return round(rate.ci95.low, 1), round(rate.ci95.high, 1)


def test_renewal_rate_with_wilson_interval_textbook_example() -> None:
    # 81 renewed of 263, worked by hand:
    # p = .30798, z² = 3.8416, denominator = 1 + 3.8416/263 = 1.014607;
    # centre = (.30798 + 3.8416/526)/1.014607 = .315288/1.014607 = .310749;
    # margin = 1.96 × sqrt(.30798 × .69202/263 + 3.8416/276676)/1.014607
    #        = 1.96 × sqrt(.00081037 + .00001388)/1.014607 = 1.96 × .028710/1.014607 = .055461
    # → 25.53% to 36.62%.
    rate = RenewalRate(renewed=81, churned=182)
    assert rate.decided == 263
    assert rate.percent == pytest.approx(30.798, abs=0.001)
    assert _rounded(rate) == (25.5, 36.6)


def test_renewal_rate_at_the_boundaries() -> None:
    # 0 of 10: low exactly 0; high = (.19208 + .19208)/1.38416 = 27.75%.
    none = RenewalRate(renewed=0, churned=10)
    assert none.percent == 0
    assert none.ci95 is not None
    assert none.ci95.low == 0
    assert round(none.ci95.high, 1) == 27.8
    # 10 of 10: the mirror image, with the top exactly 100.
    every = RenewalRate(renewed=10, churned=0)
    assert every.percent == 100
    assert every.ci95 is not None
    assert every.ci95.high == 100
    assert round(every.ci95.low, 1) == 72.2
    # Nothing decided: no rate and no interval, rather than 0%.
    nothing = RenewalRate(0, 0)
    assert nothing.percent is None
    assert nothing.ci95 is None
    with pytest.raises(ValueError, match="negative"):
        RenewalRate(-1, 3)


def test_events_are_counted_under_the_class_of_the_answer_before_them() -> None:
    # Customer 1: promoter (10) who churned. 2: detractor (3) who renewed. 3: a promoter (9)
    # before one renewal and a detractor (4) before a later churn: one event in each class.
    # 4: no answer before, churned. 5: passive (7), renewed. 6: promoter (9), renewed.
    table = by_class([
        ClassedEvent(1, renewed=False, score_before=10),
        ClassedEvent(2, renewed=True, score_before=3),
        ClassedEvent(3, renewed=True, score_before=9),
        ClassedEvent(3, renewed=False, score_before=4),
        ClassedEvent(4, renewed=False, score_before=None),
        ClassedEvent(5, renewed=True, score_before=7),
        ClassedEvent(6, renewed=True, score_before=9),
    ])
    assert list(table) == ["promoter", "passive", "detractor", "not_surveyed"]
    promoters = table["promoter"]  # customers 1, 3, 6: renewed 2, churned 1 → 66.7%
    assert (promoters.customers, promoters.rate.renewed, promoters.rate.churned) == (3, 2, 1)
    assert promoters.rate.percent == pytest.approx(200 / 3)
    detractors = table["detractor"]  # customers 2 (renewed) and 3 (churned)
    assert (detractors.customers, detractors.rate.renewed, detractors.rate.churned) == (2, 1, 1)
    assert (table["passive"].customers, table["passive"].rate.renewed) == (1, 1)
    unsurveyed = table["not_surveyed"]
    assert (unsurveyed.customers, unsurveyed.rate.churned, unsurveyed.rate.percent) == (1, 1, 0)


def test_a_class_with_no_events_is_empty_not_missing() -> None:
    table = by_class([ClassedEvent(1, renewed=True, score_before=10)])
    assert table["detractor"].customers == 0
    assert table["detractor"].rate.percent is None


@pytest.mark.parametrize(("latest", "previous", "fell"), [
    (8, 9, True),  # promoter → passive
    (6, 7, True),  # passive → detractor
    (0, 10, True),  # promoter → detractor
    (9, 10, False),  # still a promoter
    (0, 6, False),  # still a detractor
    (7, 8, False),  # still a passive
    (9, 8, False),  # rose
    (3, None, False),  # a first answer cannot fall
])
def test_falling_a_class(latest: int, previous: int | None, fell: bool) -> None:
    assert fell_a_class(latest, previous) is fell


D = date.fromisoformat


def _standing(latest: int | None, previous: int | None = None, answered: str | None = None,
              renewed: str | None = None, churned: str | None = None,
              amount: float | None = 1000.0) -> CustomerStanding:
    return CustomerStanding(latest, previous, D(answered) if answered else None,
                            D(renewed) if renewed else None, D(churned) if churned else None,
                            amount)


def test_a_detractor_who_renewed_after_the_answer_is_not_at_risk_one_who_renewed_before_is(
) -> None:
    assert not at_risk(_standing(3, answered="2026-03-01", renewed="2026-03-02"))  # a day after
    assert at_risk(_standing(3, answered="2026-03-01", renewed="2026-03-01"))  # same day: not after
    assert at_risk(_standing(3, answered="2026-03-01", renewed="2026-02-28"))  # before
    assert at_risk(_standing(3, answered="2026-03-01"))  # never renewed


def test_who_else_is_at_risk() -> None:
    assert at_risk(_standing(8, previous=9, answered="2026-03-01"))  # fell a class
    assert not at_risk(_standing(9, previous=10, answered="2026-03-01"))  # a promoter still
    assert not at_risk(_standing(7, answered="2026-03-01"))  # a passive who never fell
    assert not at_risk(_standing(None))  # never answered
    # Churned since (or before, and not renewed after): the revenue is lost, not at risk.
    assert not at_risk(_standing(2, answered="2026-03-01", churned="2026-04-01"))
    assert not at_risk(_standing(2, answered="2026-03-01", renewed="2025-01-01",
                                 churned="2025-06-01"))
    # Churned, then won back before the answer: at risk again.
    assert at_risk(_standing(2, answered="2026-03-01", renewed="2025-06-02",
                             churned="2025-06-01"))
    # Churned and renewed on one day: read as churned.
    assert not at_risk(_standing(2, answered="2026-03-01", renewed="2025-06-01",
                                 churned="2025-06-01"))


def test_revenue_at_risk_sums_the_latest_amounts_of_those_at_risk() -> None:
    # 20,000 + 30,000 at risk; 12,000 renewed since; 8,000 a promoter; the one without an amount
    # is at risk but adds nothing it could sum.
    revenue = revenue_at_risk([
        _standing(2, answered="2026-05-01", renewed="2026-03-01", amount=20_000),
        _standing(4, previous=9, answered="2026-06-10", renewed="2026-05-01", amount=30_000),
        _standing(3, answered="2026-02-01", renewed="2026-04-01", amount=12_000),
        _standing(10, answered="2026-02-01", amount=8_000),
        _standing(1, answered="2026-02-01", amount=None),
    ])
    assert (revenue.amount, revenue.customers) == (50_000, 2)


def test_a_place_shows_its_figures_from_exactly_the_minimum() -> None:
    # 4 promoters and 1 detractor, 4 renewed and 1 churned: NPS +60; renewed 80%, Wilson(4, 5):
    # denominator 1.76832, centre (.8 + .38416)/1.76832 = .66966,
    # margin 1.96 × sqrt(.032 + .0076832)/1.76832 = 1.96 × .19921/1.76832 = .22080 → 37.6–96.4%.
    five = PlaceCounts(promoters=4, detractors=1, renewed=4, churned=1)
    shown = place_loyalty(five, minimum=5)
    assert shown.stated is not None
    assert shown.stated.score == 60
    assert shown.revealed is not None
    assert _rounded(shown.revealed) == (37.6, 96.4)
    hidden = place_loyalty(five, minimum=6)
    assert hidden.stated is None
    assert hidden.revealed is None
    # Enough customers, too few who renewed or churned: stated shown, revealed hidden.
    few = place_loyalty(PlaceCounts(promoters=5, renewed=3, churned=1), minimum=5)
    assert few.stated is not None
    assert few.revealed is None


def test_place_counts_add_customers_by_class_and_outcome() -> None:
    counts = (PlaceCounts().plus(9, "renewed", 2).plus(7, None, 1).plus(6, "churned", 3))
    assert counts == PlaceCounts(promoters=2, passives=1, detractors=3, renewed=2, churned=3)
    assert counts.customers == 6
