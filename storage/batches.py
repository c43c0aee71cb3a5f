"""Long lists in slices: an `IN (...)` or a multi-row insert stays under the drivers' limits
on bound parameters (SQLite's is 32,766) and each statement stays a manageable size."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")

# Parameters per statement: 1,000 ids in an IN list, or a few hundred rows of an insert.
BATCH = 1000


def in_batches(items: Sequence[T], size: int = BATCH) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
