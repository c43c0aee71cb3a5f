"""/engagement drivers: the themes and segments that go with a higher or lower NPS.

Themes are found as /engagement themes finds them (bot.insights.themes), among the comments on
the period's NPS answers; each of the THEMES_CONSIDERED most mentioned is then counted exactly
over every one of those comments. Segments are every attribute customers carry, each value
against the rest, hidden as the segment view hides them (bot.reporting.figures.segments_from).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from bot.core.periods import Period
from bot.insights.drivers import Driver, ScoredComment, driver, ranked, theme_drivers
from bot.insights.metrics import NpsResult, nps_class, nps_from_counts, nps_from_scores
from bot.insights.themes import CommentForThemes, extract_themes
from bot.reporting.figures import segments_from
from storage.driver_counts import nps_comments, segment_counts_by_attribute
from storage.models import Metric
from storage.reporting import score_counts

# More than /engagement themes lists (8): a theme with a large effect need not be among the
# most mentioned.
THEMES_CONSIDERED = 25


@dataclass(frozen=True)
class DriversReport:
    period: Period
    nps: NpsResult  # every NPS answer of the period: what themes are compared within
    themes: list[Driver]
    segments: list[Driver]
    hidden_groups: int  # segment values not shown (the anonymity minimum)
    minimum: int

    @property
    def all(self) -> list[Driver]:
        return ranked([*self.themes, *self.segments])


def _segment_drivers(session: Session, team_id: str, period: Period, minimum: int
                     ) -> tuple[list[Driver], int]:
    found: list[Driver] = []
    hidden = 0
    by_attribute = segment_counts_by_attribute(session=session, team_id=team_id,
                                               since=period.start, until=period.end)
    for attribute, rows in by_attribute.items():
        breakdown = segments_from(rows, attribute=attribute, minimum=minimum)
        hidden += breakdown.hidden
        linked: dict[int, int] = {}
        for row in rows:
            for score, answers in row.scores.items():
                linked[score] = linked.get(score, 0) + answers
        everyone = nps_from_scores(linked)
        for shown in breakdown.shown:
            made = driver("segment", f"{attribute}={shown.value}", shown.nps, everyone)
            if made is not None:
                found.append(made)
    return ranked(found), hidden


def build_drivers(*, session: Session, team_id: str, period: Period, minimum: int
                  ) -> DriversReport:
    total = nps_from_scores(score_counts(session=session, team_id=team_id, metric=Metric.NPS,
                                         since=period.start, until=period.end))
    comments = [ScoredComment(c.score, c.comment) for c in
                nps_comments(session=session, team_id=team_id, since=period.start,
                             until=period.end)]
    phrases = [theme.phrase for theme in extract_themes(
        (CommentForThemes(c.text, nps_class(c.score), 0.0) for c in comments),
        top=THEMES_CONSIDERED)]
    segments, hidden = _segment_drivers(session, team_id, period, minimum)
    return DriversReport(period, total, theme_drivers(comments, phrases, total, minimum=minimum),
                         segments, hidden, minimum)


# ---- Kept as a snapshot (bot.reporting.snapshots): counts only, no customer ------------------

def _counts(result: NpsResult) -> list[int]:
    return [result.promoters, result.passives, result.detractors]


def drivers_payload(report: DriversReport) -> dict[str, Any]:
    def kept(drivers: list[Driver]) -> list[dict[str, Any]]:
        return [{"kind": d.kind, "name": d.name, "with": _counts(d.nps_with),
                 "without": _counts(d.nps_without)} for d in drivers]

    return {"nps": _counts(report.nps), "themes": kept(report.themes),
            "segments": kept(report.segments), "hidden_groups": report.hidden_groups,
            "minimum": report.minimum}


def drivers_from(payload: dict[str, Any], period: Period) -> DriversReport:
    def rebuilt(rows: list[dict[str, Any]]) -> list[Driver]:
        found = []
        for row in rows:
            with_it = nps_from_counts(*row["with"])
            total = nps_from_counts(*(a + b for a, b in zip(row["with"], row["without"],
                                                            strict=True)))
            made = driver(row["kind"], row["name"], with_it, total)
            if made is not None:
                found.append(made)
        return found

    return DriversReport(period, nps_from_counts(*payload["nps"]), rebuilt(payload["themes"]),
                         rebuilt(payload["segments"]), int(payload["hidden_groups"]),
                         int(payload["minimum"]))
