"""The continuum's rules: which way a move goes, and which cells a table may show."""

from __future__ import annotations

import pytest

from bot.core.usage import UsageError
from bot.insights.continuum import (
    PLACES,
    CustomerAdvocacy,
    advocacy,
    count_movement,
    direction,
    suppress,
)
from bot.insights.engagement import Segment
from bot.reporting.grammar import PlanAction, PlanCommand, QueryKind, parse_plan, parse_query

EA, SNL, LNS, RISK, NONE = (Segment.ENGAGED_ADVOCATE, Segment.SATISFIED_NOT_LOYAL,
                            Segment.LOYAL_NOT_SATISFIED, Segment.AT_RISK, Segment.UNPLACED)


@pytest.mark.parametrize(("before", "now", "way"), [
    (RISK, SNL, 1), (RISK, LNS, 1), (RISK, EA, 1), (SNL, EA, 1), (LNS, EA, 1),
    (EA, SNL, -1), (EA, RISK, -1), (LNS, RISK, -1),
    (SNL, LNS, 0), (LNS, SNL, 0), (EA, EA, 0), (RISK, RISK, 0),
    (NONE, EA, 0), (EA, NONE, 0), (NONE, NONE, 0),
])
def test_direction_along_the_continuum(before: Segment, now: Segment, way: int) -> None:
    assert direction(before, now) == way


def test_shares_are_of_customers_placed_in_both_periods() -> None:
    # 3 toward, 1 away, 2 stayed, and 4 moves from or to "not placed" that count in neither.
    movement = count_movement([(RISK, EA, 2), (SNL, EA, 1), (EA, LNS, 1), (EA, EA, 2),
                               (NONE, EA, 3), (RISK, NONE, 1)])
    assert movement.customers == 10
    assert movement.placed_both == 6
    assert (movement.toward, movement.away) == (3, 1)
    assert movement.share(1) == 50.0
    assert movement.share(-1) == pytest.approx(100 / 6)


def test_no_shares_without_anyone_placed_twice() -> None:
    assert count_movement([(NONE, EA, 4)]).share(1) is None


def _table(cells: dict[tuple[Segment, Segment], int]) -> dict[Segment, dict[Segment, int]]:
    table = {b: dict.fromkeys(PLACES, 0) for b in PLACES}
    for (b, n), count in cells.items():
        table[b][n] = count
    return table


def test_a_cell_at_the_minimum_is_shown_and_one_below_is_hidden() -> None:
    shown = suppress(_table({(EA, EA): 5, (RISK, RISK): 4, (SNL, SNL): 6}), minimum=5)
    assert shown[EA][EA] == 5
    assert shown[SNL][SNL] == 6
    assert shown[RISK][RISK] is None


def test_a_lone_hidden_cell_takes_its_rows_and_columns_next_smallest_with_it() -> None:
    # Row RISK: 2 (hidden) beside 7 and 9. The map shows the row's total (18), so 2 could be
    # worked out: 7, the row's next smallest, is hidden too. Column EA (where 2 sits) then
    # holds one hidden cell beside 8: 8 goes as well; and so on until every line with a hidden
    # cell has two or more.
    shown = suppress(_table({(RISK, EA): 2, (RISK, SNL): 7, (RISK, RISK): 9,
                             (EA, EA): 8, (EA, SNL): 20}), minimum=5)
    for line in ([shown[b][n] for n in PLACES] for b in PLACES):
        assert line.count(None) != 1
    for line in ([shown[b][n] for b in PLACES] for n in PLACES):
        assert line.count(None) != 1
    assert shown[RISK][EA] is None
    assert shown[RISK][RISK] == 9 or shown[RISK][SNL] is None


def test_nothing_hidden_when_every_cell_is_large_or_empty() -> None:
    cells = _table({(EA, EA): 5, (RISK, SNL): 12})
    assert suppress(cells, minimum=5) == {b: dict(cells[b]) for b in PLACES}


def test_advocacy_counts_each_advocate_once() -> None:
    places = advocacy([
        CustomerAdvocacy(EA, 10, referred=True, reviewed=True),
        CustomerAdvocacy(EA, 8, referred=False, reviewed=True),
        CustomerAdvocacy(EA, None, referred=False, reviewed=False),
        CustomerAdvocacy(RISK, 6, referred=True, reviewed=False),
        CustomerAdvocacy(RISK, 7, referred=False, reviewed=False),
    ])
    advocates = places[EA]
    assert (advocates.customers, advocates.referred, advocates.reviewed,
            advocates.advocates) == (3, 1, 2, 2)
    assert (advocates.promoters, advocates.passives, advocates.detractors) == (1, 1, 0)
    assert advocates.percent(advocates.advocates) == pytest.approx(200 / 3)
    # 6 is a detractor and 7 a passive: the class boundary.
    assert (places[RISK].detractors, places[RISK].passives) == (1, 1)
    assert places[SNL].percent(0) is None


@pytest.mark.parametrize(("text", "kind"), [
    ("map", QueryKind.ENGAGEMENT), ("engagement", QueryKind.ENGAGEMENT),
    ("map movement", QueryKind.CONTINUUM), ("map movement 90d", QueryKind.CONTINUUM),
    ("engagement movement", QueryKind.CONTINUUM), ("plan", QueryKind.PLAN),
    ("plan quarter", QueryKind.PLAN),
])
def test_the_continuum_questions_parse(text: str, kind: QueryKind) -> None:
    assert parse_query(text).kind is kind


PLACE_KEYS = ("engaged_advocate", "satisfied_not_loyal", "loyal_not_satisfied", "at_risk")


@pytest.mark.parametrize(("words", "command"), [
    (["plan", "set", "at_risk", '"Call', "within", '5', 'days"'],
     PlanCommand(PlanAction.SET, "at_risk", "Call within 5 days")),
    (["plan", "set", "AT_RISK", "“call", "them”"],
     PlanCommand(PlanAction.SET, "at_risk", "call them")),
    (["plan", "reset", "engaged_advocate"], PlanCommand(PlanAction.RESET, "engaged_advocate")),
    (["plan", "followup", "at_risk"], PlanCommand(PlanAction.FOLLOWUP, "at_risk")),
])
def test_plan_commands_parse(words: list[str], command: PlanCommand) -> None:
    assert parse_plan(words, PLACE_KEYS) == command


@pytest.mark.parametrize("words", [
    ["plan", "set"], ["plan", "set", "unplaced", "x"], ["plan", "set", "at_risk"],
    ["plan", "set", "at_risk", '""'], ["plan", "followup", "at_risk", "now"],
    ["plan", "set", "at_risk", "x" * 201],
])
def test_bad_plan_commands_say_what_is_wrong(words: list[str]) -> None:
    with pytest.raises(UsageError):
        parse_plan(words, PLACE_KEYS)


def test_a_step_of_exactly_200_characters_is_accepted() -> None:
    assert parse_plan(["plan", "set", "at_risk", "x" * 200], PLACE_KEYS).next_step == "x" * 200
