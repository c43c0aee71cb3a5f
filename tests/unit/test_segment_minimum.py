"""The anonymity minimum on segment breakdowns, at n − 1, n and n + 1 respondents."""

from __future__ import annotations

import pytest

from bot.insights.metrics import nps_from_scores
from bot.reporting.figures import SegmentBreakdown, SegmentRow, segments_from
from storage.reporting import SegmentCounts


@pytest.mark.parametrize("minimum", [3, 5, 10])
def test_a_segment_is_shown_from_exactly_the_minimum(minimum: int) -> None:
    # Two groups below the minimum: hidden together they hold at least the minimum, so no
    # group is hidden only to protect them, and the line falls exactly at the minimum.
    rows = [
        SegmentCounts("below", minimum - 1, {10: minimum - 1}),
        SegmentCounts("also below", minimum - 1, {0: minimum - 1}),
        SegmentCounts("at", minimum, {10: minimum - 1, 0: 1}),
        SegmentCounts("above", minimum + 1, {9: 1, 7: minimum}),
    ]

    breakdown = segments_from(rows, attribute="plan", minimum=minimum)

    assert breakdown == SegmentBreakdown(
        "plan",
        [
            SegmentRow("at", minimum, nps_from_scores({10: minimum - 1, 0: 1})),
            SegmentRow("above", minimum + 1, nps_from_scores({9: 1, 7: minimum})),
        ],
        hidden=2,
        minimum=minimum,
    )


def test_the_minimum_counts_people_not_answers() -> None:
    # Four people who answered twice each are still four people: below a minimum of five.
    # (A second small group keeps the first from being worked out by subtraction.)
    rows = [SegmentCounts("repeat", 4, {10: 8}), SegmentCounts("few", 3, {0: 3}),
            SegmentCounts("wide", 5, {3: 5})]

    breakdown = segments_from(rows, attribute="region", minimum=5)

    assert [row.value for row in breakdown.shown] == ["wide"]
    assert (breakdown.hidden, breakdown.complementary) == (2, 0)


def test_nothing_to_break_down_hides_nothing() -> None:
    assert segments_from([], attribute="plan", minimum=5) == SegmentBreakdown("plan", [], 0, 5)
