"""Fit the sentiment blend's weights on human ratings and print their cross-validated agreement.

    python benchmarks/fit_sentiment.py [DEV_DIR] [--folds 10] [--repeats 5]

DEV_DIR holds tweets-dev.tsv (id, mean_rating on −4..+4, text; see its README); it defaults to
../shared/data/sentiment-dev beside the repository and is never copied into it. The weights are
least squares of the mean rating / 4 on VADER's compound (read with customers' words) and
TextBlob's polarity (with the "but" rule), plus a constant. They are pasted into
bot/insights/sentiment_blend.py as SHIPPED_WEIGHTS; this script says whether the constants there
still match. k-fold cross-validation, repeated with different shuffles, fits on k−1 folds and
scores the fold left out, so the figures say how the blend does on texts it was not fitted on.
This prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.insights import sentiment
from bot.insights.sentiment_blend import SHIPPED_WEIGHTS, blend, vader_polarity
from bot.insights.sentiment_fit import (
    RATING_SCALE,
    agreement_with_ratings,
    cross_validated_agreement,
    features,
    fit_weights,
)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DEV = ROOT.parent / "shared" / "data" / "sentiment-dev"
DEV_FILE = "tweets-dev.tsv"


@dataclass(frozen=True)
class Rated:
    text: str
    rating: float  # mean human rating, −4..+4


def load_dev(directory: Path) -> list[Rated]:
    """The development set, or a clear exit when it is not there."""
    path = directory / DEV_FILE
    if not path.is_file():
        sys.exit(
            f"The human-rated development set is not at {path}.\n"
            "Pass its directory (the one holding tweets-dev.tsv) as the first argument."
        )
    with path.open(encoding="utf-8", newline="") as file:
        return [
            Rated(row["text"], float(row["mean_rating"]))
            for row in csv.DictReader(file, delimiter="\t")
        ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dev", nargs="?", type=Path, default=DEFAULT_DEV)
    parser.add_argument("--folds", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    rated = load_dev(args.dev)
    texts = [r.text for r in rated]
    ratings = [r.rating for r in rated]
    found = features(texts)
    targets = [rating / RATING_SCALE for rating in ratings]
    weights = fit_weights(found, targets, range(len(rated)))
    print(f"{len(rated)} human-rated texts from {args.dev / DEV_FILE}")
    print("\nFitted on all of them:")
    print(f"    BlendWeights(vader={weights.vader:.4f}, textblob={weights.textblob:.4f}, "
          f"intercept={weights.intercept:.4f})")
    shipped = SHIPPED_WEIGHTS
    same = all(
        abs(a - b) < 5e-5
        for a, b in zip(
            (weights.vader, weights.textblob, weights.intercept),
            (shipped.vader, shipped.textblob, shipped.intercept),
            strict=True,
        )
    )
    print("    bot/insights/sentiment_blend.py SHIPPED_WEIGHTS "
          + ("match." if same else f"DIFFER: {shipped}; paste the line above there."))

    print(f"\nAgreement with the mean rating (Pearson r; 3-class accuracy, neutral band ±0.05 on "
          f"the scorer and on rating/{RATING_SCALE:g}):")
    unfitted: dict[str, Callable[[str], float]] = {
        "VADER 3.3.2 as shipped": lambda t: float(
            sentiment.shipped_vader().polarity_scores(t)["compound"]
        ),
        "TextBlob": lambda t: sentiment.score_textblob(t).polarity,
        "VADER with customers' words (alone)": vader_polarity,
    }
    for name, scorer in unfitted.items():
        print(f"    {name:<44} {agreement_with_ratings([scorer(t) for t in texts], ratings)}")
    averaged, runs = cross_validated_agreement(
        found, ratings, k=args.folds, repeats=args.repeats
    )
    in_sample = agreement_with_ratings(
        [blend(v, t, shipped) for v, t in zip(found.vader, found.textblob, strict=True)], ratings
    )
    print(f"    {'blend, shipped weights (fitted on all)':<44} {in_sample}")
    print(f"    {f'blend, {args.folds}-fold CV x{args.repeats} (mean)':<44} {averaged}")
    for seed, run in enumerate(runs):
        print(f"        shuffle {seed}: {run}")


if __name__ == "__main__":
    main()
