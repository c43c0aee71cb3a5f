"""The demo's year of history: deterministic, about 200 customers each with an account of its
own, monthly waves answered by 25-45%, detractors followed up (some coming round), and the
growth plan falling over the last two months (what the drift warning and drivers have to find)."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date, datetime

from bot.demo.history import MAX_CUSTOMERS, account_names, generate

TODAY = date(2026, 12, 7)


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _nps_by_customer(text: str) -> dict[str, list[tuple[datetime, int]]]:
    said: dict[str, list[tuple[datetime, int]]] = defaultdict(list)
    for row in _rows(text):
        if row["metric"] == "nps":
            said[row["customer"]].append((datetime.fromisoformat(row["submitted_at"]),
                                          int(row["score"])))
    return said


def _mean(values: list[int]) -> float:
    return sum(values) / len(values)


def test_the_same_seed_gives_the_same_files() -> None:
    assert generate(today=TODAY) == generate(today=TODAY)
    assert generate(today=TODAY, seed=1).responses_csv != generate(today=TODAY).responses_csv


def test_about_two_hundred_customers_each_with_an_account_of_its_own() -> None:
    customers = _rows(generate(today=TODAY).customers_csv)

    assert len(customers) == 200
    assert len({row["account"] for row in customers}) == 200
    assert {row["plan"] for row in customers} == {"starter", "growth", "enterprise"}
    assert {row["region"] for row in customers} == {"emea", "americas"}


def test_account_names_stay_distinct_up_to_the_most_there_can_be() -> None:
    import random

    names = account_names(random.Random(3), MAX_CUSTOMERS)
    assert len(set(names)) == MAX_CUSTOMERS


def test_each_monthly_wave_is_answered_by_a_quarter_to_a_bit_under_half() -> None:
    history = generate(today=TODAY)
    churned = {row["customer"]: date.fromisoformat(row["date"])
               for row in _rows(history.outcomes_csv) if row["event"] == "churned"}
    per_month: dict[str, set[str]] = defaultdict(set)
    started: dict[str, date] = {}
    for row in _rows(history.responses_csv):
        if row["metric"] == "nps":
            month, day = row["submitted_at"][:7], date.fromisoformat(row["submitted_at"][:10])
            per_month[month].add(row["customer"])
            started[month] = min(started.get(month, day), day)
    assert len(per_month) == 12  # December 2025 to November 2026; nothing from the future
    assert max(per_month) == "2026-11"
    for month, people in per_month.items():
        customers = history.customers - sum(1 for day in churned.values()
                                            if day < started[month])
        assert 0.25 * customers - 2 <= len(people) <= 0.45 * customers + 2, month


def test_the_last_wave_is_recent_whatever_the_day() -> None:
    for today in (date(2026, 12, 1), date(2026, 12, 31), date(2027, 3, 1)):
        said = _nps_by_customer(generate(today=today).responses_csv)
        last = max(when for answers in said.values() for when, _ in answers).date()
        assert 7 <= (today - last).days <= 16, today


def test_the_growth_plan_falls_over_the_last_two_months() -> None:
    history = generate(today=TODAY)
    plan = {row["slack_user_id"]: row["plan"] for row in _rows(history.customers_csv)}
    by_month: dict[tuple[str, str], list[int]] = defaultdict(list)
    for customer, answers in _nps_by_customer(history.responses_csv).items():
        for when, score in answers:
            by_month[(plan[customer], f"{when:%Y-%m}")].append(score)

    def mean_of(which: str, months: set[str]) -> float:
        return _mean([s for (p, m), scores in by_month.items() if p == which and m in months
                      for s in scores])

    earlier = {m for _, m in by_month} - {"2026-10", "2026-11"}
    # Each of the last two months below the one before, for growth only.
    assert mean_of("growth", {"2026-10"}) < mean_of("growth", earlier) - 1
    assert mean_of("growth", {"2026-11"}) < mean_of("growth", {"2026-10"}) - 1.5
    for steady in ("starter", "enterprise"):
        late = mean_of(steady, {"2026-10", "2026-11"})
        assert abs(late - mean_of(steady, earlier)) < 1, steady


def test_followed_up_detractors_come_round_more_often() -> None:
    history = generate(today=TODAY)
    said = _nps_by_customer(history.responses_csv)
    followed = set(history.followed_up)
    assert followed <= set(history.detractor_answers)
    came_round = {True: [0, 0], False: [0, 0]}  # followed up: [recovered, with a next answer]
    for who, when in history.detractor_answers:
        later = sorted(s for w, s in said[who] if w > when)
        if not later:
            continue
        nxt = min((w, s) for w, s in said[who] if w > when)[1]
        tally = came_round[(who, when) in followed]
        tally[0] += nxt >= 7
        tally[1] += 1
    share = {k: v[0] / v[1] for k, v in came_round.items()}
    assert share[True] > share[False] + 0.15, came_round


def test_comments_are_varied_and_outcomes_follow_loyalty() -> None:
    history = generate(today=TODAY)
    comments = [row["comment"] for row in _rows(history.responses_csv) if row["comment"]]
    assert len(set(comments)) >= 80
    assert "I had to wait three days for a reply to my ticket." in comments
    events = _rows(history.outcomes_csv)
    kinds = {row["event"] for row in events}
    assert {"renewed", "churned", "expanded", "referred", "reviewed"} <= kinds
    assert max(date.fromisoformat(row["date"]) for row in events) < TODAY


def test_the_follow_ups_file_names_each_followed_up_answer_and_nothing_in_the_future() -> None:
    history = generate(today=TODAY)
    rows = _rows(history.followups_csv)

    assert [(row["customer"], datetime.fromisoformat(row["submitted_at"])) for row in rows] == (
        history.followed_up)
    for row in rows:
        answered = datetime.fromisoformat(row["submitted_at"])
        replied = datetime.fromisoformat(row["replied_at"])
        resolved = datetime.fromisoformat(row["resolved_at"])
        assert answered < replied < resolved
        assert resolved.date() < TODAY
