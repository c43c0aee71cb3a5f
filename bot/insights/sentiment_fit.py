"""Fitting and checking a sentiment blend against human ratings: pure functions, no I/O.

benchmarks/fit_sentiment.py fits the shipped weights with these and prints their
cross-validated agreement; benchmarks/bench_sentiment.py reuses them to compare scorers.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from statistics import correlation, mean

from bot.insights.agreement import accuracy
from bot.insights.sentiment import label_for
from bot.insights.sentiment_blend import BlendWeights, blend, textblob_polarity, vader_polarity

# A rating on −4..+4 (the development set's scale) becomes a polarity on −1..1.
RATING_SCALE = 4.0


def least_squares(rows: Sequence[Sequence[float]], targets: Sequence[float]) -> list[float]:
    """The coefficients c minimising Σ (row · c − target)², by the normal equations.

    Rows are short (a few features and a constant 1), so a Gauss–Jordan solve with partial
    pivoting is exact enough and needs no numerical library.
    """
    if not rows or len(rows) != len(targets):
        raise ValueError(f"{len(rows)} rows but {len(targets)} targets")
    width = len(rows[0])
    gram = [[sum(r[i] * r[j] for r in rows) for j in range(width)] for i in range(width)]
    moment = [sum(r[i] * t for r, t in zip(rows, targets, strict=True)) for i in range(width)]
    system = [gram[i] + [moment[i]] for i in range(width)]
    for col in range(width):
        pivot = max(range(col, width), key=lambda r: abs(system[r][col]))
        if abs(system[pivot][col]) < 1e-12:
            raise ValueError("the features are linearly dependent; nothing unique to fit")
        system[col], system[pivot] = system[pivot], system[col]
        lead = system[col][col]
        system[col] = [value / lead for value in system[col]]
        for other in range(width):
            if other != col and system[other][col] != 0:
                factor = system[other][col]
                system[other] = [
                    a - factor * b for a, b in zip(system[other], system[col], strict=True)
                ]
    return [system[i][width] for i in range(width)]


def folds(count: int, k: int, seed: int) -> list[list[int]]:
    """Indices 0..count−1 shuffled by `seed` and dealt into k folds of near-equal size."""
    if not 2 <= k <= count:
        raise ValueError(f"cannot make {k} folds of {count} items")
    order = list(range(count))
    random.Random(seed).shuffle(order)
    return [order[i::k] for i in range(k)]


Fit = Callable[[Sequence[int]], Callable[[int], float]]


def cross_validated(count: int, fit: Fit, *, k: int = 10, seed: int = 0) -> list[float]:
    """Each item's prediction by a model fitted on the other k−1 folds.

    `fit(train_indices)` returns a predictor of one item by its index.
    """
    predictions = [0.0] * count
    dealt = folds(count, k, seed)
    for held_out in dealt:
        held = set(held_out)
        predict = fit([i for i in range(count) if i not in held])
        for i in held_out:
            predictions[i] = predict(i)
    return predictions


@dataclass(frozen=True)
class Agreement:
    pearson_r: float
    accuracy: float  # three classes, neutral band ±0.05 on both sides

    def __str__(self) -> str:
        return f"r={self.pearson_r:.3f} acc={self.accuracy:.3f}"


def agreement_with_ratings(predicted: Sequence[float], ratings: Sequence[float]) -> Agreement:
    """Pearson r with the mean ratings, and three-class accuracy with both the prediction and
    the rating (divided by RATING_SCALE) put in classes by the same ±0.05 band (`label_for`)."""
    truth = [label_for(rating / RATING_SCALE) for rating in ratings]
    said = [label_for(p) for p in predicted]
    return Agreement(correlation(list(predicted), list(ratings)), accuracy(truth, said))


LABEL_VALUE = {"positive": 1.0, "neutral": 0.0, "negative": -1.0}


def agreement_with_labels(predicted: Sequence[float], labels: Sequence[str]) -> Agreement:
    """For hand-labelled comments: Pearson r against the labels as +1 / 0 / −1, and
    three-class accuracy."""
    said = [label_for(p) for p in predicted]
    truth_values = [LABEL_VALUE[label] for label in labels]
    return Agreement(correlation(list(predicted), truth_values), accuracy(list(labels), said))


@dataclass(frozen=True)
class Features:
    vader: list[float]
    textblob: list[float]


def features(texts: Sequence[str]) -> Features:
    return Features([vader_polarity(t) for t in texts], [textblob_polarity(t) for t in texts])


def fit_weights(found: Features, targets: Sequence[float], rows: Sequence[int]) -> BlendWeights:
    """Least squares over the texts with an opinion: `blend` scores the others 0 whatever the
    weights, so they would only pull the intercept."""
    rows = [i for i in rows if found.vader[i] != 0 or found.textblob[i] != 0]
    vader, textblob, intercept = least_squares(
        [(found.vader[i], found.textblob[i], 1.0) for i in rows], [targets[i] for i in rows]
    )
    return BlendWeights(vader=vader, textblob=textblob, intercept=intercept)


def cross_validated_agreement(
    found: Features, ratings: Sequence[float], *, k: int, repeats: int
) -> tuple[Agreement, list[Agreement]]:
    """The blend's agreement on held-out folds, averaged over `repeats` shuffles."""
    targets = [rating / RATING_SCALE for rating in ratings]

    def fit(rows: Sequence[int]) -> Callable[[int], float]:
        weights = fit_weights(found, targets, rows)
        return lambda i: blend(found.vader[i], found.textblob[i], weights)

    runs = [
        agreement_with_ratings(cross_validated(len(ratings), fit, k=k, seed=seed), ratings)
        for seed in range(repeats)
    ]
    averaged = Agreement(mean(a.pearson_r for a in runs), mean(a.accuracy for a in runs))
    return averaged, runs
