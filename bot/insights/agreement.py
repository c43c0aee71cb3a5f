"""How well a labeller agrees with people: accuracy, recall, macro-F1, confusion, McNemar.

Pure functions over parallel lists of labels, so the sentiment benchmark and its tests share one
definition of "agrees better" and nothing here knows what was being labelled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import comb


def _check(truth: Sequence[str], predicted: Sequence[str]) -> None:
    if len(truth) != len(predicted):
        raise ValueError(f"{len(truth)} true labels but {len(predicted)} predictions")


def accuracy(truth: Sequence[str], predicted: Sequence[str]) -> float:
    _check(truth, predicted)
    if not truth:
        raise ValueError("no labels to compare")
    return sum(t == p for t, p in zip(truth, predicted, strict=True)) / len(truth)


def confusion(
    truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str]
) -> list[list[int]]:
    """Rows are the true label, columns the predicted one, both in `labels` order."""
    _check(truth, predicted)
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for t, p in zip(truth, predicted, strict=True):
        matrix[index[t]][index[p]] += 1
    return matrix


def recall_by_class(
    truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str]
) -> dict[str, float]:
    """Of the comments people gave each label, the share the labeller also gave it."""
    matrix = confusion(truth, predicted, labels)
    return {
        label: (row[i] / sum(row) if sum(row) else 0.0)
        for i, (label, row) in enumerate(zip(labels, matrix, strict=True))
    }


def macro_f1(truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> float:
    """F1 averaged over classes with equal weight, so a labeller cannot score well by calling
    everything the majority class."""
    matrix = confusion(truth, predicted, labels)
    scores = []
    for i in range(len(labels)):
        hits = matrix[i][i]
        said = sum(row[i] for row in matrix)
        actual = sum(matrix[i])
        scores.append(0.0 if hits == 0 else 2 * hits / (said + actual))
    return sum(scores) / len(scores)


@dataclass(frozen=True)
class McNemar:
    only_first_right: int  # comments the first labeller got right and the second wrong
    only_second_right: int
    p_value: float  # two-sided exact binomial test on the discordant pairs


def mcnemar_exact(
    truth: Sequence[str], first: Sequence[str], second: Sequence[str]
) -> McNemar:
    """Whether two labellers differ beyond chance on the same comments.

    Only the comments exactly one of them got right carry information; under "no difference"
    each such comment is a fair coin, so the p-value is a two-sided binomial tail. The exact test
    suits the few dozen discordant pairs a hand-labelled set produces, where the χ² version is
    unreliable.
    """
    _check(truth, first)
    _check(truth, second)
    b = sum(f == t != s for t, f, s in zip(truth, first, second, strict=True))
    c = sum(s == t != f for t, f, s in zip(truth, first, second, strict=True))
    n = b + c
    if n == 0:
        return McNemar(0, 0, 1.0)
    tail = sum(comb(n, k) for k in range(min(b, c) + 1)) / 2**n
    return McNemar(b, c, min(1.0, 2 * tail))
