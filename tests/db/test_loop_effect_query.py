"""The loop effect from stored answers and follow-ups, on both databases, counted on paper."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from bot.core.periods import PeriodSpec
from bot.followups.effect import build_loop_effect
from storage.engine import session_scope
from storage.models import Metric
from tests.history_builder import History

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)  # 90d: [1 Sep 12:00, 30 Nov 12:00]
SEP, OCT, NOV = (datetime(2026, month, 10, tzinfo=UTC) for month in (9, 10, 11))
DAY = timedelta(days=1)


def _written(history: History) -> None:
    # Followed up (a reply or resolution no later than the next answer):
    a = history.answer("U0A", 3, SEP)  # replied a day later; next 8: recovered, +5
    history.follow_up(a, 3, raised=SEP, replied=SEP + DAY)
    history.answer("U0A", 8, OCT)
    b = history.answer("U0B", 6, SEP)  # resolved two days later; next 7: recovered, +1
    history.follow_up(b, 6, raised=SEP, resolved=SEP + 2 * DAY)
    history.answer("U0B", 7, OCT)
    # Not followed up:
    c = history.answer("U0C", 2, SEP)  # raised, never answered; next 9: recovered, +7
    history.follow_up(c, 2, raised=SEP)
    history.answer("U0C", 9, OCT)
    history.answer("U0D", 4, SEP)  # no follow-up; next 6: not recovered, +2
    history.answer("U0D", 6, OCT)
    e = history.answer("U0E", 5, SEP)  # replied 40 days on, after the next answer: −2
    history.follow_up(e, 5, raised=SEP, replied=SEP + 40 * DAY)
    history.answer("U0E", 3, OCT)
    history.answer("U0I", 6, SEP)  # a CSAT answer between does not count as the next: 7, +1
    history.answer("U0I", 5, SEP + 20 * DAY, metric=Metric.CSAT)
    history.answer("U0I", 7, OCT + 10 * DAY)
    history.answer("U0J", 2, SEP)  # two detractor answers in the period: 2→4 +2, 4→9 +5
    history.answer("U0J", 4, OCT)
    history.answer("U0J", 9, NOV)
    history.imported("U0K", 2, SEP - 5 * DAY)  # imported: no delivery, no follow-up; 8, +6
    history.answer("U0K", 8, OCT)
    # Waiting for a next answer:
    f = history.answer("U0F", 1, NOV - 9 * DAY)
    history.follow_up(f, 1, raised=NOV - 9 * DAY, replied=NOV - 8 * DAY)
    # Not counted: before the period, not a detractor, anonymous.
    history.answer("U0G", 0, datetime(2026, 8, 1, tzinfo=UTC))
    history.answer("U0G", 9, SEP + 5 * DAY)
    history.answer("U0H", 9, SEP)
    history.answer("U0Q", 2, SEP, anonymous=True)
    history.answer("U0Q", 9, OCT, anonymous=True)


def test_the_loop_effect_counted_on_paper(engine: Engine) -> None:
    _written(History(engine))

    with session_scope(engine) as session:
        report = build_loop_effect(session=session, team_id="T0ACME",
                                   period=PeriodSpec(days=90).resolve(NOW), minimum=2)

    effect = report.effect
    # Followed up: A +5, B +1: 2 of 2 recovered, mean +3.
    assert (effect.followed_up.n, effect.followed_up.recovered) == (2, 2)
    assert effect.followed_up.mean_change == pytest.approx(3.0)
    # Not followed up: C +7 r, D +2, E −2, I +1 r, J +2, J +5 r, K +6 r: 4 of 7, sum 21, mean 3.
    assert (effect.not_followed_up.n, effect.not_followed_up.recovered) == (7, 4)
    assert effect.not_followed_up.mean_change == pytest.approx(3.0)
    # Waiting: F, and D's 6 and E's 3 of October, detractor answers themselves with none after.
    assert effect.waiting == 3
    assert effect.difference == pytest.approx(100 - 400 / 7)  # 100% − 57.14% = 42.86 points
    # The follow-ups raised on these answers: A, B, C, E, F. First replies: A 1 d, E 40 d,
    # F 1 d → median 1 d; resolved: B 2 d.
    times = report.times
    assert (times.raised, times.responded, times.resolved) == (5, 3, 1)
    assert times.median_first_response == DAY
    assert times.median_close == 2 * DAY
