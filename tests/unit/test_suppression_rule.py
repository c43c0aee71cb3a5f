"""The rule on one known total: what is hidden there is safe only as at least two groups holding
at least the minimum between them, or as the whole total."""

from __future__ import annotations

import pytest

from bot.insights.suppression import complements, protected


@pytest.mark.parametrize(("sizes", "hidden", "safe"), [
    ({"a": 3, "b": 20, "c": 20}, set(), True),  # nothing hidden
    ({"a": 3, "b": 20, "c": 20}, {"a"}, False),  # total − 40 gives a away
    ({"a": 7, "b": 20, "c": 20}, {"a"}, False),  # however many it holds
    ({"a": 1, "b": 3, "c": 20}, {"a", "b"}, False),  # 4 people between them: each is 0..4
    ({"a": 2, "b": 3, "c": 20}, {"a", "b"}, True),  # 5, the minimum, on the line
    ({"a": 2, "b": 4, "c": 20}, {"a", "b"}, True),
    ({"a": 1, "b": 2}, {"a", "b"}, True),  # the whole total hidden: only the total is known
    ({"a": 4, "b": 0, "c": 20}, {"a", "b"}, False),  # an empty group adds nobody
])
def test_protected(sizes: dict[str, int], hidden: set[str], safe: bool) -> None:
    assert protected(sizes, hidden, 5) is safe


def test_complements_make_it_protected_with_the_smallest_non_empty_groups() -> None:
    sizes = {"a": 3, "b": 0, "c": 9, "d": 7, "e": 30}

    withheld = complements(sizes, {"a"}, 5)

    assert withheld == {"d"}  # 3 + 7 ≥ 5 with two groups; the empty b would add nobody
    assert protected(sizes, {"a"} | withheld, 5)
