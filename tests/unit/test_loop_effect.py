"""The loop effect: who recovered after a detractor answer, followed up or not, and the interval."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.followups.effect import followed_up
from bot.followups.effect_blocks import loop_effect_line, loop_effect_message
from bot.insights.followups import follow_up_summary
from bot.insights.loop_effect import DetractorAnswer, loop_effect, recovery_difference
from storage.loop_effect import DetractorRow

T = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(("first", "second", "low", "high"), [
    # Newcombe (1998), Statistics in Medicine 17:873–890, table II, method 10 (the hybrid
    # score interval), as proportions; ours are in points.
    ((56, 70), (48, 80), 0.0524, 0.3339),
    ((9, 10), (3, 10), 0.1705, 0.8090),
    ((6, 7), (2, 7), 0.0582, 0.8062),
    ((5, 56), (0, 29), -0.0381, 0.1926),
    ((0, 10), (0, 20), -0.1611, 0.2775),
    ((10, 10), (0, 20), 0.6791, 1.0000),
])
def test_the_difference_interval_matches_newcombes_worked_examples(
    first: tuple[int, int], second: tuple[int, int], low: float, high: float
) -> None:
    interval = recovery_difference(*first, *second)

    assert interval is not None
    # 4 decimals of a proportion; z = 1.96 rather than 1.95996 moves the 5th.
    assert interval.low == pytest.approx(100 * low, abs=0.01)
    assert interval.high == pytest.approx(100 * high, abs=0.01)


def test_the_first_worked_example_by_hand() -> None:
    # 56/70 = 0.8, Wilson (z = 1.96): centre (0.8 + 1.9208/70)/(1 + 3.8416/70) = 0.82744/1.05488
    # = 0.78439, margin 1.96·√(0.16/70 + 3.8416/19600)/1.05488 = 1.96·0.049823/1.05488 = 0.09257
    # → 0.69182 to 0.87696. 48/80 = 0.6: centre 0.62401/1.04802 = 0.59542, margin
    # 1.96·√(0.003 + 0.00015006)/1.04802 = 0.10497 → 0.49045 to 0.70039.
    # d = 0.2; low = 0.2 − √((0.8 − 0.69182)² + (0.70039 − 0.6)²) = 0.2 − 0.14757 = 0.05243;
    # high = 0.2 + √((0.87696 − 0.8)² + (0.6 − 0.49045)²) = 0.2 + 0.13388 = 0.33388.
    interval = recovery_difference(56, 70, 48, 80)

    assert interval is not None
    assert interval.low == pytest.approx(5.243, abs=0.002)
    assert interval.high == pytest.approx(33.388, abs=0.002)


def test_an_empty_group_has_no_interval() -> None:
    assert recovery_difference(0, 0, 3, 10) is None
    assert recovery_difference(3, 10, 0, 0) is None


def _hand_worked() -> list[DetractorAnswer]:
    return [
        # Followed up, with a next answer: 3→8 +5 recovered, 6→7 +1 recovered (7 is the line),
        # 2→6 +4 not (6 is a detractor still), 5→9 +4 recovered, 0→0 0 not.
        DetractorAnswer(3, 8, True), DetractorAnswer(6, 7, True), DetractorAnswer(2, 6, True),
        DetractorAnswer(5, 9, True), DetractorAnswer(0, 0, True),
        # Not followed up: 4→2 −2, 6→6 0, 1→7 +6 recovered, 3→3 0.
        DetractorAnswer(4, 2, False), DetractorAnswer(6, 6, False), DetractorAnswer(1, 7, False),
        DetractorAnswer(3, 3, False),
        # Waiting for a next answer, one of each.
        DetractorAnswer(2, None, True), DetractorAnswer(5, None, False),
    ]


def test_the_loop_effect_counted_on_paper() -> None:
    effect = loop_effect(_hand_worked(), minimum=3)

    followed, others = effect.followed_up, effect.not_followed_up
    assert (followed.n, followed.recovered) == (5, 3)
    assert followed.recovered_percent == 60.0
    assert followed.mean_change == pytest.approx(2.8)  # (5 + 1 + 4 + 4 + 0) / 5
    assert (others.n, others.recovered) == (4, 1)
    assert others.recovered_percent == 25.0
    assert others.mean_change == pytest.approx(1.0)  # (−2 + 0 + 6 + 0) / 4
    assert effect.waiting == 2
    assert effect.detractor_answers == 11
    assert effect.difference == pytest.approx(35.0)  # 60 − 25
    # Wilson 3/5: 23.07 to 88.24; 1/4: 4.56 to 69.94.
    # low = 35 − √((60 − 23.07)² + (69.94 − 25)²) = 35 − √(1363.8 + 2019.6) = 35 − 58.17 = −23.17
    # high = 35 + √((88.24 − 60)² + (25 − 4.56)²) = 35 + √(797.5 + 417.8) = 35 + 34.86 = 69.86
    assert effect.ci95 is not None
    assert effect.ci95.low == pytest.approx(-23.16, abs=0.02)
    assert effect.ci95.high == pytest.approx(69.86, abs=0.02)


@pytest.mark.parametrize(("following", "recovered"), [(6, 0), (7, 1), (8, 1)])
def test_recovered_means_a_next_answer_of_seven_or_more(following: int, recovered: int) -> None:
    effect = loop_effect([DetractorAnswer(4, following, True)], minimum=1)

    assert effect.followed_up.recovered == recovered


@pytest.mark.parametrize(("n", "shown"), [(2, False), (3, True), (4, True)])
def test_a_group_below_the_minimum_shows_its_size_only(n: int, shown: bool) -> None:
    answers = [DetractorAnswer(2, 9, True)] * n + [DetractorAnswer(2, 3, False)] * 5

    effect = loop_effect(answers, minimum=3)

    assert effect.followed_up.n == n
    assert (effect.followed_up.recovered_percent is not None) is shown
    assert (effect.followed_up.mean_change is not None) is shown
    assert (effect.difference is not None) is shown
    assert (effect.ci95 is not None) is shown


@pytest.mark.parametrize("score", [7, -1])
def test_only_detractor_answers_are_taken(score: int) -> None:
    with pytest.raises(ValueError, match="detractor"):
        loop_effect([DetractorAnswer(score, 9, True)], minimum=1)


def _row(*, replied: timedelta | None = None, resolved: timedelta | None = None,
         next_after: timedelta | None = timedelta(days=30), raised: bool = True) -> DetractorRow:
    return DetractorRow(
        score=3, next_score=None if next_after is None else 9,
        next_answered_at=None if next_after is None else T + next_after,
        raised_at=T if raised else None,
        first_response_at=None if replied is None else T + replied,
        resolved_at=None if resolved is None else T + resolved,
    )


def test_followed_up_means_a_reply_or_resolution_no_later_than_the_next_answer() -> None:
    day = timedelta(days=1)
    assert followed_up(_row(replied=day))
    assert followed_up(_row(resolved=day))
    assert followed_up(_row(replied=30 * day))  # at the very instant of the next answer
    assert not followed_up(_row(replied=30 * day + timedelta(microseconds=1)))
    assert followed_up(_row(replied=31 * day, resolved=2 * day))  # the earlier one counts
    assert not followed_up(_row())  # raised, nobody replied or resolved it
    assert not followed_up(_row(raised=False))  # no follow-up at all
    assert followed_up(_row(replied=40 * day, next_after=None))  # no next answer yet


def test_the_message_says_both_groups_the_difference_and_the_times() -> None:
    effect = loop_effect(_hand_worked(), minimum=3)
    times = follow_up_summary([])

    shown = str([b.to_dict() for b in loop_effect_message(effect, times,
                                                          period="last 90 days").blocks])

    assert "*Followed up*: 3 of 5 recovered (*60%*, 95% interval 23% to 88%)" in shown
    assert "mean change +2.8 on the 0–10 scale" in shown
    assert "*Not followed up*: 1 of 4 recovered (*25%*" in shown
    assert "+35 points recovered (95% interval \u221223 to +70), within the margin" in shown
    assert "2 detractor answers still wait" in shown
    assert "association, not proof of cause" in shown
    line = loop_effect_line(effect, window="last 90 days")
    assert line is not None
    assert "60% of followed-up detractors recovered (n=5) against 25% of the others (n=4)" \
        in line
