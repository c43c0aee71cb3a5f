"""The segment breakdown hides small groups, and whatever would give them away by subtraction.

`/engagement nps` shows every answer of the period; subtracting the groups a breakdown shows
from it leaves what the hidden groups hold together. So a breakdown never hides exactly one
group, nor hidden groups holding fewer people between them than the minimum.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.reporting.detail_blocks import segment_message
from bot.reporting.figures import segments_from
from storage.reporting import SegmentCounts


def _rows(**people: int) -> list[SegmentCounts]:
    """Groups of people who each answered 9 (a score per person, so groups can be told apart)."""
    return [SegmentCounts(value, n, {9: n}) for value, n in sorted(people.items())]


def _shown(rows: list[SegmentCounts], minimum: int = 5) -> list[str]:
    return [row.value for row in segments_from(rows, attribute="plan", minimum=minimum).shown]


def test_one_small_group_takes_the_next_smallest_with_it() -> None:
    breakdown = segments_from(_rows(enterprise=9, growth=6, starter=3, trial=7),
                              attribute="plan", minimum=5)

    assert [row.value for row in breakdown.shown] == ["enterprise", "trial"]
    assert (breakdown.hidden, breakdown.complementary) == (2, 1)
    shown = str([b.to_dict() for b in segment_message(breakdown, period="last 30 days").blocks])
    assert "2 groups hidden so neither can be worked out" in shown
    assert "growth" not in shown
    assert "starter" not in shown


@pytest.mark.parametrize(
    ("people", "shown"),
    [
        ({"a": 4, "b": 9, "c": 9}, ["c"]),  # n-1: hidden, and b (the first of a tie) with it
        ({"a": 5, "b": 9, "c": 9}, ["a", "b", "c"]),  # n: shown, nothing hidden
        ({"a": 6, "b": 9, "c": 9}, ["a", "b", "c"]),  # n+1
        ({"a": 1, "b": 2, "c": 9, "d": 20}, ["d"]),  # two hidden, but 3 people between them
        ({"a": 2, "b": 3, "c": 9, "d": 20}, ["c", "d"]),  # two hidden holding 5: enough
        ({"a": 4, "b": 5}, []),  # nothing can be shown without giving a away
        ({"a": 9, "b": 20}, ["a", "b"]),
    ],
)
def test_what_is_shown_at_the_boundaries(people: dict[str, int], shown: list[str]) -> None:
    assert _shown(_rows(**people)) == shown


def test_nothing_shown_says_why() -> None:
    breakdown = segments_from(_rows(enterprise=5, starter=3), attribute="plan", minimum=5)

    shown = str([b.to_dict() for b in segment_message(breakdown, period="last 30 days").blocks])
    assert "No plan group can be shown without giving a smaller one away" in shown
    assert "2 groups hidden so neither can be worked out" in shown


@given(st.lists(st.integers(min_value=1, max_value=30), min_size=1, max_size=8),
       st.integers(min_value=3, max_value=10))
def test_no_hidden_group_can_be_worked_out_from_the_total(sizes: list[int], minimum: int) -> None:
    rows = [SegmentCounts(f"g{i}", n, {9: n}) for i, n in enumerate(sizes)]
    breakdown = segments_from(rows, attribute="plan", minimum=minimum)
    shown = {row.value for row in breakdown.shown}
    hidden = [r for r in rows if r.value not in shown]

    assert all(row.respondents >= minimum for row in breakdown.shown)
    if hidden and shown:
        # The whole minus the groups shown is what the hidden ones hold together: it must
        # mix at least two groups and at least `minimum` people.
        assert len(hidden) >= 2
        assert sum(r.respondents for r in hidden) >= minimum
    assert breakdown.hidden == len(hidden)
