"""How well each sentiment scorer agrees with people, how fast it runs, and how fast themes are.

    python benchmarks/bench_sentiment.py [--comments 10000]

Agreement is measured on two hand-labelled sets of customer feedback: tests/data/
sentiment_eval.csv, which the combined scorer was shaped on (so its figures there flatter it),
and tests/data/sentiment_holdout.csv, written after the combination was fixed. McNemar's exact
test compares each scorer with TextBlob on the same comments. Throughput and the themes timing
use synthetic comments built from both sets. This prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import random
import time
from collections.abc import Callable
from pathlib import Path

from bot.insights import sentiment
from bot.insights.agreement import (
    accuracy,
    confusion,
    macro_f1,
    mcnemar_exact,
    recall_by_class,
)
from bot.insights.sentiment import Sentiment
from bot.insights.themes import CommentForThemes, extract_themes, themes_by_class

DATA = Path(__file__).parents[1] / "tests" / "data"
SETS = ("sentiment_eval.csv", "sentiment_holdout.csv")
LABELS = ("positive", "neutral", "negative")
SCORERS: dict[str, Callable[[str], Sentiment]] = {
    "textblob": sentiment.score_textblob,
    "vader": sentiment.score_vader,
    "combined": sentiment.score_combined,
    "score (shipped: TextBlob, negatives from VADER)": sentiment.score,
}
NPS_CLASS = {"positive": "promoter", "neutral": "passive", "negative": "detractor"}


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
    print(f"\n## Throughput on {len(comments)} synthetic comments")
    sentiment.vader_analyzer()  # built once per process; not part of the per-comment cost
    for name, scorer in SCORERS.items():
        begin = time.perf_counter()
        for comment in comments:
            scorer(comment.text)
        elapsed = time.perf_counter() - begin
        print(f"{name:<10} {len(comments) / elapsed:>9,.0f} comments/s  ({elapsed:.2f} s)")


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
    parser.add_argument("--comments", type=int, default=10_000)
    args = parser.parse_args()
    report_agreement("Evaluation set (the combination was shaped on it)", SETS[:1])
    report_agreement("Held-out set", SETS[1:])
    report_agreement("Both sets", SETS)
    comments = synthetic(args.comments)
    report_throughput(comments)
    report_themes(comments)


if __name__ == "__main__":
    main()
