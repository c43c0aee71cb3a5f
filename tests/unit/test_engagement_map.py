"""The engagement map: loyalty × satisfaction per customer, the mix, and retention."""

from __future__ import annotations

from datetime import date

import pytest

from bot.insights.engagement import (
    Loyalty,
    Mix,
    Satisfaction,
    Segment,
    Standing,
    mix_change,
    promoters_retained,
    retention,
)
from bot.insights.engagement import loyalty_of as _loyalty_of
from bot.insights.engagement import place as _place
from bot.insights.engagement import satisfaction_of as _satisfaction_of
from tests.db.map_reference import CustomerHistory, engagement_mix, standing_of


# Customers are written as answer histories, the way people think of them; the rules take the
# standing the database reduces a history to.
def loyalty_of(history: CustomerHistory) -> Loyalty:
    return _loyalty_of(standing_of(history))


def satisfaction_of(history: CustomerHistory) -> Satisfaction:
    return _satisfaction_of(standing_of(history))


def place(history: CustomerHistory | Standing) -> Segment:
    return _place(history if isinstance(history, Standing) else standing_of(history))

JAN, APR, JUL = date(2025, 1, 15), date(2025, 4, 15), date(2025, 7, 15)


def customer(
    nps: list[int] | None = None,
    csat: list[int] | None = None,
    *,
    previous: bool = True,
    this: bool = True,
) -> CustomerHistory:
    """Answers given in order, one quarter apart."""
    days = [JAN, APR, JUL]
    return CustomerHistory(
        nps_scores=list(zip(days, nps or [], strict=False)),
        csat_scores=list(zip(days, csat or [], strict=False)),
        answered_previous_period=previous,
        answered_this_period=this,
    )


@pytest.mark.parametrize(
    ("history", "segment"),
    [
        (customer(nps=[10], csat=[5]), Segment.ENGAGED_ADVOCATE),
        (customer(nps=[9], csat=[2]), Segment.LOYAL_NOT_SATISFIED),
        (customer(nps=[4], csat=[4]), Segment.SATISFIED_NOT_LOYAL),
        (customer(nps=[6], csat=[3]), Segment.AT_RISK),
        (customer(nps=[10]), Segment.UNPLACED),
        (customer(csat=[5]), Segment.UNPLACED),
    ],
)
def test_each_segment(history: CustomerHistory, segment: Segment) -> None:
    assert place(history) is segment


def test_promoters_are_loyal_and_detractors_are_not_whatever_their_attendance() -> None:
    assert loyalty_of(customer(nps=[9], previous=False, this=False)) is Loyalty.HIGH
    assert loyalty_of(customer(nps=[10, 6])) is Loyalty.LOW
    assert loyalty_of(customer()) is Loyalty.UNKNOWN


def test_a_passive_who_keeps_answering_and_stayed_passive_or_better_is_loyal() -> None:
    # 8 then 7, answering last period and this one: behaviour backs the middling score.
    assert loyalty_of(customer(nps=[8, 7])) is Loyalty.HIGH
    assert place(customer(nps=[8, 7], csat=[4])) is Segment.ENGAGED_ADVOCATE


@pytest.mark.parametrize(
    ("history", "why"),
    [
        (customer(nps=[8, 7], previous=False), "did not answer last period"),
        (customer(nps=[8, 7], this=False), "did not answer this period"),
        (customer(nps=[5, 8]), "was a detractor before"),
        (customer(nps=[8]), "a single passive answer shows no staying yet"),
    ],
)
def test_a_passive_without_evidence_of_staying_is_not_loyal(
    history: CustomerHistory, why: str
) -> None:
    assert loyalty_of(history) is Loyalty.LOW, why


def test_the_latest_answer_is_by_date_not_by_list_order() -> None:
    history = CustomerHistory(
        nps_scores=[(JUL, 3), (JAN, 10)],
        csat_scores=[(APR, 5), (JAN, 1)],
        answered_previous_period=True,
        answered_this_period=True,
    )
    assert loyalty_of(history) is Loyalty.LOW  # July's 3, not January's 10
    assert satisfaction_of(history) is Satisfaction.HIGH  # April's 5
    assert place(history) is Segment.SATISFIED_NOT_LOYAL


def test_satisfaction_line_is_the_csat_line_and_nps_is_no_stand_in() -> None:
    assert satisfaction_of(customer(csat=[4])) is Satisfaction.HIGH
    assert satisfaction_of(customer(csat=[3])) is Satisfaction.LOW
    assert satisfaction_of(customer(csat=[5, 2])) is Satisfaction.LOW
    assert satisfaction_of(customer(nps=[10])) is Satisfaction.UNKNOWN


@pytest.mark.parametrize(("nps", "csat"), [([11], []), ([-1], []), ([], [0]), ([], [6])], ids=str)
def test_out_of_range_answers_are_refused(nps: list[int], csat: list[int]) -> None:
    with pytest.raises(ValueError, match="outside"):
        customer(nps=nps, csat=csat)


def mix_of(advocates: int, satisfied: int, loyal: int, at_risk: int, unplaced: int) -> Mix:
    return engagement_mix(
        [customer(nps=[10], csat=[5])] * advocates
        + [customer(nps=[3], csat=[5])] * satisfied
        + [customer(nps=[9], csat=[1])] * loyal
        + [customer(nps=[0], csat=[2])] * at_risk
        + [customer(nps=[10])] * unplaced
    )


def test_mix_worked_example() -> None:
    # 10 customers: 4 advocates, 2 satisfied-not-loyal, 1 loyal-not-satisfied, 1 at risk,
    # 2 without a CSAT answer. Shares of the 8 placed: 4/8 = 50%, 2/8 = 25%, 1/8 = 12.5% each;
    # the 2 unplaced are 2/10 = 20% of everyone.
    mix = mix_of(4, 2, 1, 1, 2)
    assert (mix.total, mix.placed, mix.unplaced) == (10, 8, 2)
    assert mix.counts[Segment.ENGAGED_ADVOCATE] == 4
    assert mix.percent(Segment.ENGAGED_ADVOCATE) == 50
    assert mix.percent(Segment.SATISFIED_NOT_LOYAL) == 25
    assert mix.percent(Segment.LOYAL_NOT_SATISFIED) == 12.5
    assert mix.percent(Segment.AT_RISK) == 12.5
    assert mix.percent(Segment.UNPLACED) == 20


def test_empty_mix_has_no_percentages() -> None:
    mix = engagement_mix([])
    assert (mix.total, mix.placed) == (0, 0)
    assert mix.percent(Segment.ENGAGED_ADVOCATE) is None
    assert mix.percent(Segment.UNPLACED) is None


def test_mix_change_worked_example() -> None:
    # Now 50 / 25 / 12.5 / 12.5 (of 8 placed); before 3/10, 3/10, 2/10, 2/10 = 30 / 30 / 20 / 20.
    # Change: +20, −5, −7.5, −7.5 points (the four always sum to 0).
    change = mix_change(mix_of(4, 2, 1, 1, 2), mix_of(3, 3, 2, 2, 0))
    assert change == pytest.approx(
        {
            Segment.ENGAGED_ADVOCATE: 20,
            Segment.SATISFIED_NOT_LOYAL: -5,
            Segment.LOYAL_NOT_SATISFIED: -7.5,
            Segment.AT_RISK: -7.5,
        }
    )


def test_mix_change_needs_placed_customers_on_both_sides() -> None:
    assert mix_change(mix_of(1, 0, 0, 0, 0), mix_of(0, 0, 0, 0, 3)) is None


def test_retention_worked_example() -> None:
    # Last period a, b, c, d; this period c, d, e. Retained: c, d.
    # Retention 2/4 = 50% of last period; repeat participation 2/3 = 66.7% of this period.
    kept = retention({"a", "b", "c", "d"}, {"c", "d", "e"})
    assert (kept.previous, kept.current, kept.retained) == (4, 3, 2)
    assert kept.retention_percent == 50
    assert kept.repeat_participation_percent == pytest.approx(66.67, abs=0.01)


def test_retention_without_respondents() -> None:
    kept = retention(set(), {"a"})
    assert kept.retention_percent is None
    assert kept.repeat_participation_percent == 0


def test_promoters_retained_counts_silence_as_not_retained() -> None:
    # Last period's promoters a, b, c; this period a is a promoter again, b answered as a
    # passive and c did not answer: 1/3 = 33.3%.
    assert promoters_retained({"a", "b", "c"}, {"a", "z"}) == pytest.approx(33.33, abs=0.01)
    assert promoters_retained(set(), {"a"}) is None
