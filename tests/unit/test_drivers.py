"""Drivers' maths against a hand-made set of answers, worked on paper in the comments."""

from __future__ import annotations

import pytest

from bot.insights.drivers import (
    MIN_ANSWERS,
    ScoredComment,
    driver,
    mention_counts,
    ranked,
    theme_drivers,
)
from bot.insights.metrics import nps_from_counts

# 40 answers: 20 promoters, 10 passives, 10 detractors → NPS +25.
TOTAL = nps_from_counts(20, 10, 10)


def _comments(text: str, scores: list[int]) -> list[ScoredComment]:
    return [ScoredComment(score, text) for score in scores]


# "export" in 10 answers: 2 promoters, 3 passives, 5 detractors → NPS (2 − 5)/10 = −30.
EXPORT = _comments("The CSV exports are slow", [10, 9, 8, 7, 7, 6, 5, 3, 2, 0])
# "billing" in 9 answers: one short of a driver.
BILLING = _comments("Billing was wrong", [0, 1, 2, 3, 4, 5, 6, 9, 10])


def test_a_theme_against_the_rest_with_its_interval_and_impact() -> None:
    # Without it: 18 P, 7 Pa, 5 D of 30 → NPS 13/30 = +43.33; difference −30 − 43.33 = −73.33.
    # Interval (adjusted Wald, as NPS's own): with n' = 13, p' = 2.75/13 = .21154,
    # d' = 5.75/13 = .44231, c₁ = −.23077, v₁ = (.65385 − .05325)/13 = .046200;
    # without n' = 33, p' = 18.75/33 = .56818, d' = 5.75/33 = .17424, c₂ = .39394,
    # v₂ = (.74242 − .15519)/33 = .017795; margin = 1.96 × √.063995 = .49582;
    # c₁ − c₂ = −.62471 → −112.05 to −12.89: beyond the margin.
    # Impact = 10/40 × −73.33 = −18.33 (= 25 − 43.33: the overall NPS less the rest's).
    found = theme_drivers(EXPORT + BILLING, ["export", "billing"], TOTAL, minimum=5)
    assert [d.name for d in found] == ["export"]
    export = found[0]
    assert (export.kind, export.answers) == ("theme", 10)
    assert export.nps_with.score == pytest.approx(-30)
    assert export.nps_without.score == pytest.approx(130 / 3)
    assert export.change.difference == pytest.approx(-220 / 3)
    assert export.change.ci95 is not None
    assert round(export.change.ci95.low, 1) == -112.1
    assert round(export.change.ci95.high, 1) == -12.9
    assert export.change.significant
    assert export.impact == pytest.approx(-55 / 3)


def test_a_theme_needs_ten_answers() -> None:
    # Nine mentions: not a driver. The tenth makes it one.
    assert MIN_ANSWERS == 10
    assert theme_drivers(BILLING, ["billing"], TOTAL, minimum=5) == []
    ten = BILLING + _comments("billing again", [8])
    assert [d.answers for d in theme_drivers(ten, ["billing"], TOTAL, minimum=5)] == [10]


def test_both_sides_need_the_anonymity_minimum() -> None:
    # A minimum above 10 raises the bar for the theme itself…
    assert theme_drivers(EXPORT, ["export"], TOTAL, minimum=11) == []
    assert len(theme_drivers(EXPORT, ["export"], TOTAL, minimum=10)) == 1
    # …and the answers without it must number the minimum too: 14 of 14 + 4 others.
    everyone = nps_from_counts(2 + 2, 3 + 1, 5 + 1)  # the export ten plus 4 other answers
    assert theme_drivers(EXPORT, ["export"], everyone, minimum=5) == []
    assert len(theme_drivers(EXPORT, ["export"], everyone, minimum=4)) == 1


def test_mentions_match_words_and_pairs_as_themes_count_them() -> None:
    counted = mention_counts(
        [ScoredComment(10, "Dark mode, please"), ScoredComment(3, "dark theme, bad mode"),
         ScoredComment(8, "EXPORTS fail"), ScoredComment(2, "export and exports")],
        ["dark mode", "export"])
    # "dark mode" needs the two words side by side; "exports" folds to "export", once a comment.
    assert (counted["dark mode"].n, counted["dark mode"].promoters) == (1, 1)
    assert (counted["export"].n, counted["export"].passives,
            counted["export"].detractors) == (2, 1, 1)


def test_a_segment_value_against_the_rest() -> None:
    # starter: 3 P, 1 Pa, 1 D → +40; all linked answers 5 P, 2 Pa, 5 D → 0; the rest 2 P,
    # 1 Pa, 4 D → −28.57. Difference 68.57; impact 5/12 × 68.57 = 28.57 (= 0 − (−28.57)).
    # with n' = 8: p' = .46875, d' = .21875, c₁ = .25, v₁ = (.6875 − .0625)/8 = .078125;
    # rest n' = 10: p' = .275, d' = .475, c₂ = −.2, v₂ = (.75 − .04)/10 = .071;
    # margin = 1.96 × √.149125 = .75689; c₁ − c₂ = .45 → −30.7 to +120.7: within the margin.
    made = driver("segment", "plan=starter", nps_from_counts(3, 1, 1), nps_from_counts(5, 2, 5))
    assert made is not None
    assert made.nps_without.score == pytest.approx(-200 / 7)
    assert made.change.difference == pytest.approx(480 / 7)
    assert made.impact == pytest.approx(200 / 7)
    assert made.change.ci95 is not None
    assert (round(made.change.ci95.low, 1), round(made.change.ci95.high, 1)) == (-30.7, 120.7)
    assert not made.change.significant


def test_nothing_to_compare_when_every_answer_is_on_one_side() -> None:
    assert driver("segment", "plan=all", nps_from_counts(3, 1, 1),
                  nps_from_counts(3, 1, 1)) is None


def test_drivers_rank_by_the_size_of_their_impact_whatever_its_sign() -> None:
    small = driver("theme", "a", nps_from_counts(5, 0, 5), nps_from_counts(20, 10, 10))
    large = driver("theme", "b", nps_from_counts(0, 0, 10), nps_from_counts(20, 10, 10))
    plus = driver("segment", "c", nps_from_counts(10, 0, 0), nps_from_counts(20, 10, 10))
    assert small is not None
    assert large is not None
    assert plus is not None
    # a: without 15/5/5 → +40, diff −40, impact −10; b: without 20/10/0 → +66.7, diff −166.7,
    # impact −41.7; c: without 10/10/10 → 0, diff +100, impact +25.
    assert [d.name for d in ranked([small, plus, large])] == ["b", "c", "a"]
