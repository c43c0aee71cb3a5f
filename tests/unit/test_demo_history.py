"""The demo's year of history: deterministic, monthly waves answered by 25-45%, and the growth
plan falling at the end (what the drift warning and drivers have to find)."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date, datetime

from bot.cli.demo_history import generate

TODAY = date(2026, 12, 7)


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_same_seed_gives_the_same_files() -> None:
    assert generate(today=TODAY) == generate(today=TODAY)
    assert generate(today=TODAY, seed=1).responses_csv != generate(today=TODAY).responses_csv


def test_each_monthly_wave_is_answered_by_a_quarter_to_a_bit_under_half() -> None:
    history = generate(today=TODAY)
    per_month: dict[str, set[str]] = defaultdict(set)
    for row in _rows(history.responses_csv):
        if row["metric"] == "nps":
            per_month[row["submitted_at"][:7]].add(row["customer"])
    assert len(per_month) == 12  # December 2025 to November 2026; nothing from the future
    assert max(per_month) == "2026-11"
    for month, people in per_month.items():
        # Churned customers stop answering, so the share of everyone only falls below 25%.
        assert 0.15 * history.customers <= len(people) <= 0.45 * history.customers, month


def test_the_growth_plan_falls_in_the_last_month() -> None:
    history = generate(today=TODAY)
    plan = {row["slack_user_id"]: row["plan"] for row in _rows(history.customers_csv)}
    scores: dict[tuple[str, bool], list[int]] = defaultdict(list)
    for row in _rows(history.responses_csv):
        if row["metric"] == "nps":
            last = datetime.fromisoformat(row["submitted_at"]).month == 11
            scores[(plan[row["customer"]], last)].append(int(row["score"]))

    def mean(values: list[int]) -> float:
        return sum(values) / len(values)

    assert mean(scores[("growth", True)]) < mean(scores[("growth", False)]) - 2
    assert abs(mean(scores[("starter", True)]) - mean(scores[("starter", False)])) < 1.5


def test_comments_are_varied_and_outcomes_follow_loyalty() -> None:
    history = generate(today=TODAY)
    comments = {row["comment"] for row in _rows(history.responses_csv) if row["comment"]}
    assert len(comments) >= 15
    events = _rows(history.outcomes_csv)
    kinds = {row["event"] for row in events}
    assert {"renewed", "churned", "expanded", "referred"} <= kinds
