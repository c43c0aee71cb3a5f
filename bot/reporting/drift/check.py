"""Which segments drifted: the two rolling windows, and the test on every segment with enough
answers.

A segment is each value of each attribute the workspace's respondents carry, grouped as the
segment view groups them, plus the whole workspace ("all"). It is checked only when the
segment view would show it in both windows (the anonymity minimum and the complementary
suppression of `segments_from`) and when both windows hold MIN_ANSWERS answers of the metric;
otherwise it is neither tested nor named anywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from bot.insights.drift import Drift, csat_drift, nps_drift
from bot.insights.metrics import csat_from_scores, nps_from_scores
from bot.reporting.figures import segments_from
from storage.drift import NOT_SET, AnswerCount, respondent_attributes, respondent_window_counts
from storage.models import Metric
from storage.reporting import SegmentCounts, score_counts

ALL = "all"
# Periods are counted from here, so every replica and every check agrees on which period an
# instant falls in.
PERIODS_FROM = datetime(1970, 1, 1, tzinfo=UTC)
# The previous window ends one tick before the current one starts: an answer belongs to one.
TICK = timedelta(microseconds=1)


@dataclass(frozen=True)
class DriftWindows:
    """The current window [current_start, end] and the previous one, as long, just before."""

    previous_start: datetime
    current_start: datetime
    end: datetime
    days: int

    @classmethod
    def ending(cls, now: datetime, days: int) -> DriftWindows:
        length = timedelta(days=days)
        return cls(now - 2 * length, now - length, now, days)

    @property
    def previous_end(self) -> datetime:
        return self.current_start - TICK

    @property
    def period_start(self) -> datetime:
        """The start of the fixed block of `days` that `end` falls in: one warning per segment
        and metric in each."""
        length = timedelta(days=self.days)
        return PERIODS_FROM + length * ((self.end - PERIODS_FROM) // length)


@dataclass(frozen=True)
class SegmentDrift:
    segment: str  # "all" or "ATTRIBUTE=VALUE"
    attribute: str | None  # None for "all"
    value: str | None
    drift: Drift


def segment_name(attribute: str, value: str) -> str:
    return f"{attribute}={value}"


def _tested(metric: Metric, previous: Mapping[int, int], current: Mapping[int, int]
            ) -> Drift | None:
    if metric is Metric.NPS:
        return nps_drift(nps_from_scores(previous), nps_from_scores(current))
    return csat_drift(csat_from_scores(previous), csat_from_scores(current))


def _by_value(counts: list[AnswerCount], values: Mapping[int, str]
              ) -> tuple[list[SegmentCounts], list[SegmentCounts]]:
    """Both windows' answers grouped by one attribute's value (`values`: each respondent's),
    as segment_counts groups them: (previous, current)."""
    scores: tuple[dict[str, dict[int, int]], dict[str, dict[int, int]]] = ({}, {})
    # A row per respondent and window: counting rows counts people.
    people: tuple[dict[str, int], dict[str, int]] = ({}, {})
    for row in counts:
        value = values.get(row.respondent_id, NOT_SET)
        window = int(row.current)
        bucket = scores[window].setdefault(value, {})
        for score, answers in row.scores.items():
            bucket[score] = bucket.get(score, 0) + answers
        people[window][value] = people[window].get(value, 0) + 1
    previous, current = (
        [SegmentCounts(v, people[w][v], scores[w][v]) for v in sorted(scores[w])]
        for w in (0, 1)
    )
    return previous, current


def check_segments(
    *, session: Session, team_id: str, windows: DriftWindows, anonymity_minimum: int
) -> list[SegmentDrift]:
    """Every segment checked, with its test; beyond_margin says which fell."""
    attributes = respondent_attributes(session=session, team_id=team_id)
    names = sorted({name for values in attributes.values() for name in values})
    # Each attribute's value per respondent, "(not set)" left out (the default below).
    value_of = {name: {r: v for r, values in attributes.items() if (v := values.get(name))}
                for name in names}
    checked: list[SegmentDrift] = []
    for metric in (Metric.NPS, Metric.CSAT):
        whole = _tested(
            metric,
            score_counts(session=session, team_id=team_id, metric=metric,
                         since=windows.previous_start, until=windows.previous_end),
            score_counts(session=session, team_id=team_id, metric=metric,
                         since=windows.current_start, until=windows.end),
        )
        if whole is not None:
            checked.append(SegmentDrift(ALL, None, None, whole))
        counts = respondent_window_counts(
            session=session, team_id=team_id, metric=metric,
            previous_start=windows.previous_start, current_start=windows.current_start,
            until=windows.end)
        for attribute in names:
            before, now = _by_value(counts, value_of[attribute])
            shown = [
                {row.value for row in segments_from(rows, attribute=attribute,
                                                    minimum=anonymity_minimum).shown}
                for rows in (before, now)
            ]
            previous_scores = {row.value: row.scores for row in before}
            current_scores = {row.value: row.scores for row in now}
            for value in sorted(shown[0] & shown[1]):
                tested = _tested(metric, previous_scores[value], current_scores[value])
                if tested is not None:
                    checked.append(SegmentDrift(segment_name(attribute, value), attribute,
                                                value, tested))
    return checked
