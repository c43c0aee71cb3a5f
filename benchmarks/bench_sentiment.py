"""How well each sentiment scorer agrees with people, how fast it runs, and how fast themes are.

    python benchmarks/bench_sentiment.py [--dev DIR] [--comments 10000] [--folds 10] [--repeats 5]

Agreement, as Pearson r and three-class accuracy (neutral band ±0.05), for VADER as its package
ships it, TextBlob, the scorer shipped before the blend and the shipped blend, side by side, on:
- the human-rated development set (DIR/tweets-dev.tsv, mean rating of 90+ people on −4..+4;
  default ../shared/data/sentiment-dev beside the repository, never copied into it). The blend's
  weights were fitted there, so its row there is k-fold cross-validated (fitted on k−1 folds,
  scored on the one left out), beside its in-sample figure;
- the project's hand-labelled customer feedback, tests/data/sentiment_eval.csv and
  sentiment_holdout.csv (r against the labels as +1/0/−1). Nothing was fitted on them; the
  customer words and phrases were written while reading the evaluation set's mistakes.
Then per labelled set: accuracy, macro-F1, recall by class and McNemar's exact test against
TextBlob; how many English texts language detection would leave unscored; throughput on one
core (this process is single-threaded) of each scorer, of language detection and of both
(`score_comment`, what a stored comment costs); and themes timing. It asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import random
import time
from collections.abc import Callable
from pathlib import Path

from fit_sentiment import DEFAULT_DEV, DEV_FILE

from bot.insights import sentiment
from bot.insights.agreement import (
    accuracy,
    confusion,
    macro_f1,
    mcnemar_exact,
    recall_by_class,
)
from bot.insights.language import ENGLISH, comment_language
from bot.insights.sentiment import Sentiment
from bot.insights.sentiment_fit import (
    Agreement,
    agreement_with_labels,
    agreement_with_ratings,
    cross_validated_agreement,
    features,
)
from bot.insights.themes import CommentForThemes, extract_themes, themes_by_class

DATA = Path(__file__).parents[1] / "tests" / "data"
SETS = ("sentiment_eval.csv", "sentiment_holdout.csv")
LABELS = ("positive", "neutral", "negative")


def _vader_as_shipped(text: str) -> Sentiment:
    if not text.strip():
        return sentiment.NO_OPINION
    compound = float(sentiment.shipped_vader().polarity_scores(text)["compound"])
    return Sentiment(compound, 0.0, sentiment.label_for(compound))


SCORERS: dict[str, Callable[[str], Sentiment]] = {
    "vader": _vader_as_shipped,  # VADER 3.3.2 exactly as its package ships it
    "textblob": sentiment.score_textblob,
    "before": sentiment.score_negatives_from_vader,  # shipped until the blend
    "shipped": sentiment.score,  # the blend
}
SCORER_NAMES = {
    "vader": "VADER 3.3.2 as shipped",
    "textblob": "TextBlob",
    "before": "before: TextBlob, negatives from VADER",
    "shipped": "shipped: blend",
}
NPS_CLASS = {"positive": "promoter", "neutral": "passive", "negative": "detractor"}


def load_dev(directory: Path) -> tuple[list[str], list[float]] | None:
    path = directory / DEV_FILE
    if not path.is_file():
        return None
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file, delimiter="\t"))
    return [row["text"] for row in rows], [float(row["mean_rating"]) for row in rows]


def report_table(dev_dir: Path, folds: int, repeats: int) -> None:
    """The issue's table: r and accuracy per scorer, on the dev set and the labelled sets."""
    dev = load_dev(dev_dir)
    columns: list[tuple[str, Callable[[Callable[[str], Sentiment]], Agreement]]] = []
    if dev is None:
        print(f"\nThe development set is not at {dev_dir / DEV_FILE}: its columns are left out. "
              "Pass --dev DIR (the directory holding tweets-dev.tsv).")
    else:
        texts, ratings = dev
        columns.append((f"dev ({len(texts)})", lambda scorer: agreement_with_ratings(
            [scorer(t).polarity for t in texts], ratings)))
    for title, names in (("eval", SETS[:1]), ("held-out", SETS[1:]), ("both", SETS)):
        texts_l, truth = labelled(names)
        columns.append((f"{title} ({len(texts_l)})", lambda scorer, t=texts_l, y=truth:
                        agreement_with_labels([scorer(x).polarity for x in t], y)))
    print("\n## Agreement with people: Pearson r / 3-class accuracy (neutral band ±0.05)")
    header = f"{'scorer':<40}" + "".join(f"{name:>20}" for name, _ in columns)
    print(header)
    for key, scorer in SCORERS.items():
        cells = [measure(scorer) for _, measure in columns]
        print(f"{SCORER_NAMES[key]:<40}"
              + "".join(f"{a.pearson_r:>11.3f} / {a.accuracy:.3f}" for a in cells))
    if dev is not None:
        texts, ratings = dev
        averaged, _ = cross_validated_agreement(features(texts), ratings, k=folds,
                                                repeats=repeats)
        print(f"{f'shipped: blend, {folds}-fold CV x{repeats}':<40}"
              f"{averaged.pearson_r:>11.3f} / {averaged.accuracy:.3f}"
              + f"{'(fitted on dev only)':>40}")
        print("(dev: r against the mean rating, accuracy against rating/4 in the same band; "
              "labelled sets: r against +1/0/−1)")


def report_language(dev_dir: Path) -> None:
    dev = load_dev(dev_dir)
    english = labelled(SETS)[0] + (dev[0] if dev is not None else [])
    begin = time.perf_counter()
    foreign = [t for t in english if comment_language(t) != ENGLISH]
    elapsed = time.perf_counter() - begin
    print(f"\n## Language detection on {len(english)} English texts")
    print(f"called foreign (would be left unscored): {len(foreign)}"
          + (f"  e.g. {foreign[:3]}" if foreign else ""))
    print(f"{len(english) / elapsed:,.0f} texts/s (first call loads lingua's models)")


def labelled(names: tuple[str, ...]) -> tuple[list[str], list[str]]:
    texts: list[str] = []
    truth: list[str] = []
    for name in names:
        with (DATA / name).open(encoding="utf-8", newline="") as file:
            for row in csv.DictReader(file):
                texts.append(row["text"])
                truth.append(row["label"])
    return texts, truth


def report_agreement(title: str, names: tuple[str, ...]) -> None:
    texts, truth = labelled(names)
    said = {name: [scorer(text).label for text in texts] for name, scorer in SCORERS.items()}
    print(f"\n## {title}: {len(texts)} comments")
    print(f"{'scorer':<10} {'accuracy':>8} {'macro-F1':>8}  recall pos/neu/neg   "
          "vs TextBlob (only it right / only TextBlob right, McNemar exact p)")
    for name, labels in said.items():
        recall = recall_by_class(truth, labels, LABELS)
        test = mcnemar_exact(truth, labels, said["textblob"])
        versus = "" if name == "textblob" else (
            f"{test.only_first_right:>3} / {test.only_second_right:<3} p={test.p_value:.3f}"
        )
        print(f"{name:<10} {accuracy(truth, labels):>8.3f} {macro_f1(truth, labels, LABELS):>8.3f}"
              f"  {recall['positive']:.2f} {recall['neutral']:.2f} {recall['negative']:.2f}"
              f"      {versus}")
    for name, labels in said.items():
        print(f"confusion, {name} (rows: people said pos/neu/neg; columns: scorer said):")
        for label, row in zip(LABELS, confusion(truth, labels, LABELS), strict=True):
            print(f"    {label:<9}" + "".join(f"{count:>5}" for count in row))


def synthetic(count: int) -> list[CommentForThemes]:
    """Comments drawn from both labelled sets, some joined in pairs so they are not all repeats."""
    texts, truth = labelled(SETS)
    chooser = random.Random(7)
    comments = []
    for _ in range(count):
        i, j = chooser.randrange(len(texts)), chooser.randrange(len(texts))
        text = texts[i] if chooser.random() < 0.6 else f"{texts[i]} {texts[j]}"
        comments.append(CommentForThemes(text, NPS_CLASS[truth[i]], 0.0))
    return comments


def report_throughput(comments: list[CommentForThemes]) -> None:
    print(f"\n## Throughput on {len(comments)} synthetic comments, one core")
    # Built once per process, not part of the per-comment cost.
    sentiment.score_comment("Warm up the lexicons and the language models, please.")
    timed: dict[str, Callable[[str], object]] = {
        **{SCORER_NAMES[key]: scorer for key, scorer in SCORERS.items()},
        "language detection alone": comment_language,
        "score_comment: language + blend (stored)": sentiment.score_comment,
    }
    print("(per CPU-second of this process, which uses one core; wall-clock figures would also "
          "count other work sharing the machine)")
    for name, scorer in timed.items():
        begin = time.process_time()
        for comment in comments:
            scorer(comment.text)
        elapsed = time.process_time() - begin
        print(f"{name:<42} {len(comments) / elapsed:>9,.0f} comments/s  ({elapsed:.2f} s CPU)")


def report_themes(comments: list[CommentForThemes]) -> None:
    scored = [
        CommentForThemes(c.text, c.nps_class, sentiment.score(c.text).polarity) for c in comments
    ]
    print(f"\n## Themes on {len(scored)} comments")
    begin = time.perf_counter()
    themes = extract_themes(scored, top=8)
    overall = time.perf_counter() - begin
    begin = time.perf_counter()
    classes = themes_by_class(scored, top=5)
    by_class = time.perf_counter() - begin
    print(f"extract_themes(top=8): {overall:.2f} s · themes_by_class(top=5): {by_class:.2f} s")
    for theme in themes:
        print(f"    {theme.phrase:<16} {theme.count:>6} ({theme.share:5.1%})  "
              f"{theme.mean_polarity:+.2f} {theme.label}")
    for nps_class, found in classes.items():
        print(f"  {nps_class}: " + ", ".join(f"{t.phrase} {t.count}" for t in found))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=DEFAULT_DEV)
    parser.add_argument("--comments", type=int, default=10_000)
    parser.add_argument("--folds", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    report_table(args.dev, args.folds, args.repeats)
    report_agreement("Evaluation set (customer words and phrases written reading it)", SETS[:1])
    report_agreement("Held-out set", SETS[1:])
    report_agreement("Both sets", SETS)
    report_language(args.dev)
    comments = synthetic(args.comments)
    report_throughput(comments)
    report_themes(comments)


if __name__ == "__main__":
    main()
