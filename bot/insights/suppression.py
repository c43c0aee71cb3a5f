"""Complementary suppression: what else to hide so that a hidden count cannot be worked out.

A group below the anonymity minimum is hidden; but when the total of the groups it sits among
is known (shown here or elsewhere), the total minus the groups shown is what the hidden ones
hold together. So the hidden groups of one total must be at least two and hold at least
`minimum` people between them; while they do not, the smallest group shown is hidden too. The
segment breakdown applies this to one total (`complements`); the movement table checks it on
each of its lines (`protected`).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Set
from typing import TypeVar

Key = TypeVar("Key", bound=Hashable)


def complements(sizes: Mapping[Key, int], hidden: Set[Key], minimum: int) -> set[Key]:
    """The groups of one total (`sizes`, in tie-breaking order) to hide beside those of
    `hidden` that it holds; empty when none of them is hidden or when enough already are.

    Smallest first, as the least is lost that way; an empty group comes last, since hiding it
    adds nobody to what the hidden groups hold. When every group ends up hidden the total
    alone is known, which tells nothing about any one of them beyond it.
    """
    already = [key for key in sizes if key in hidden]
    withheld: set[Key] = set()
    if not already:
        return withheld
    people = sum(sizes[key] for key in already)
    order = {key: place for place, key in enumerate(sizes)}
    candidates = sorted((key for key in sizes if key not in hidden),
                        key=lambda key: (sizes[key] == 0, sizes[key], order[key]))
    for key in candidates:
        if len(already) + len(withheld) >= 2 and people >= minimum:
            break
        withheld.add(key)
        people += sizes[key]
    return withheld


def protected(sizes: Mapping[Key, int], hidden: Set[Key], minimum: int) -> bool:
    """Whether the groups of one total that are hidden are safe as they stand: none, all, or
    at least two holding at least `minimum` people between them (what `complements` makes)."""
    inside = [key for key in sizes if key in hidden]
    if not inside or len(inside) == len(sizes):
        return True
    return len(inside) >= 2 and sum(sizes[key] for key in inside) >= minimum
