"""What staff see: figures assembled from stored counts with the pure insight maths."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from bot.core.periods import Period
from bot.insights.comparison import Change, csat_change, nps_change
from bot.insights.metrics import (
    CsatResult,
    NpsResult,
    csat_from_scores,
    nps_from_scores,
    response_rate,
)
from bot.insights.suppression import complements
from storage.models import Metric
from storage.reporting import (
    CommentRow,
    SegmentCounts,
    delivery_counts,
    latest_answer_at,
    latest_comments,
    score_counts,
    segment_counts,
    trend_counts,
    unscored_comment_languages,
)
from storage.scoped_reporting import (
    ReportScope,
    scoped_comment_filter,
    scoped_delivery_counts,
    scoped_score_counts,
)


@dataclass(frozen=True)
class Overview:
    period: Period
    nps: NpsResult
    csat: CsatResult
    delivered: int
    answered: int
    response_rate: float | None
    nps_scores: dict[int, int]
    nps_change: Change | None = None  # against the period of the same length just before
    csat_change: Change | None = None
    # When a metric has no answer in the period, when its latest earlier answer was given:
    # a trend or a map built on those stands beside this overview, which should not say "yet".
    latest_nps_at: datetime | None = None
    latest_csat_at: datetime | None = None

    @property
    def responses(self) -> int:
        return self.nps.n + self.csat.n


def build_overview(
    *, session: Session, team_id: str, period: Period, compare: bool = True,
    scope: ReportScope | None = None,
) -> Overview:
    """The headline figures; for one pulse or segment when `scope` is given."""
    window: dict[str, Any] = {
        "session": session, "team_id": team_id, "since": period.start, "until": period.end
    }
    if scope is None:
        nps_scores = score_counts(metric=Metric.NPS, **window)
        csat_scores = score_counts(metric=Metric.CSAT, **window)
        delivered, answered = delivery_counts(**window)
    else:
        nps_scores = scoped_score_counts(metric=Metric.NPS, scope=scope, **window)
        csat_scores = scoped_score_counts(metric=Metric.CSAT, scope=scope, **window)
        delivered, answered = scoped_delivery_counts(scope=scope, **window)
    csat = csat_from_scores(csat_scores)
    nps = nps_from_scores(nps_scores)
    before = (
        build_overview(session=session, team_id=team_id, period=period.previous(), compare=False,
                       scope=scope)
        if compare
        else None
    )
    def latest(metric: Metric, n: int) -> datetime | None:
        # Scoped overviews (a digest of one pulse) say only what their scope holds.
        if n or not compare or scope is not None:
            return None
        return latest_answer_at(session=session, team_id=team_id, metric=metric,
                                before=period.start)

    return Overview(
        period=period,
        nps=nps,
        csat=csat,
        delivered=delivered,
        answered=answered,
        response_rate=response_rate(answered, delivered),
        nps_scores=nps_scores,
        nps_change=nps_change(nps, before.nps) if before else None,
        csat_change=csat_change(csat, before.csat) if before else None,
        latest_nps_at=latest(Metric.NPS, nps.n),
        latest_csat_at=latest(Metric.CSAT, csat.n),
    )


@dataclass(frozen=True)
class TrendPoint:
    start: date
    nps: NpsResult
    csat: CsatResult


def build_trend(
    *, session: Session, team_id: str, period: Period, granularity: str
) -> list[TrendPoint]:
    window: dict[str, Any] = {
        "session": session, "team_id": team_id, "since": period.start, "until": period.end,
        "granularity": granularity,
    }
    nps = trend_counts(metric=Metric.NPS, **window)
    csat = trend_counts(metric=Metric.CSAT, **window)
    return [
        TrendPoint(
            start, nps_from_scores(nps.get(start, {})), csat_from_scores(csat.get(start, {}))
        )
        for start in sorted(set(nps) | set(csat))
    ]


@dataclass(frozen=True)
class SegmentRow:
    value: str
    respondents: int
    nps: NpsResult


@dataclass(frozen=True)
class SegmentBreakdown:
    attribute: str
    shown: list[SegmentRow]
    hidden: int  # groups not shown: those below the anonymity minimum, and `complementary`
    minimum: int
    # Of `hidden`, groups large enough to show, hidden so that the small ones cannot be worked
    # out by subtracting the groups shown from the whole (which /engagement nps shows).
    complementary: int = 0


def build_segments(
    *, session: Session, team_id: str, period: Period, attribute: str, minimum: int
) -> SegmentBreakdown:
    rows = segment_counts(
        session=session, team_id=team_id, metric=Metric.NPS, since=period.start,
        until=period.end, attribute=attribute,
    )
    return segments_from(rows, attribute=attribute, minimum=minimum)


def segments_from(rows: list[SegmentCounts], *, attribute: str, minimum: int) -> SegmentBreakdown:
    """The breakdown from NPS counts per attribute value (live or kept: bot.reporting.snapshots).

    Below the minimum a group could point at one person's answer: it is not shown. Nor is
    what the hidden groups hold together: the whole minus the groups shown gives it away, so
    the hidden groups must be at least two and hold at least `minimum` people between them.
    While they do not, the smallest group shown is hidden too (complementary suppression).
    """
    small = {r.value for r in rows if r.respondents < minimum}
    withheld = complements({r.value: r.respondents for r in sorted(rows, key=lambda r: r.value)},
                           small, minimum)
    shown = [
        SegmentRow(r.value, r.respondents, nps_from_scores(r.scores))
        for r in rows
        if r.respondents >= minimum and r.value not in withheld
    ]
    return SegmentBreakdown(attribute, shown, hidden=len(rows) - len(shown), minimum=minimum,
                            complementary=len(withheld))


def recent_comments(
    *, session: Session, team_id: str, period: Period, sentiment: str | None = None,
    theme: str | None = None, limit: int = 10, scope: ReportScope | None = None,
) -> list[CommentRow]:
    return latest_comments(
        session=session, team_id=team_id, since=period.start, until=period.end,
        sentiment=sentiment, theme=theme, limit=limit,
        where=scoped_comment_filter(session, team_id, scope) if scope else (),
    )


def unscored_comments(
    *, session: Session, team_id: str, period: Period, theme: str | None = None,
    scope: ReportScope | None = None,
) -> dict[str, int]:
    """Comments of the period not scored (another language), by language."""
    return unscored_comment_languages(
        session=session, team_id=team_id, since=period.start, until=period.end, theme=theme,
        where=scoped_comment_filter(session, team_id, scope) if scope else (),
    )


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def overview_json(overview: Overview) -> dict[str, Any]:
    """The machine-readable report (`report --json`)."""
    nps, csat = overview.nps, overview.csat
    return {
        "period": {
            "label": overview.period.label,
            "since": overview.period.start.isoformat(),
            "until": overview.period.end.isoformat(),
        },
        "nps": {
            "score": _rounded(nps.score),
            "n": nps.n,
            "promoters": nps.promoters,
            "passives": nps.passives,
            "detractors": nps.detractors,
            "ci95": None if nps.ci95 is None else [_rounded(nps.ci95.low), _rounded(nps.ci95.high)],
        },
        "csat": {
            "score": _rounded(csat.score),
            "n": csat.n,
            "satisfied": csat.satisfied,
            "mean": None if csat.mean is None else round(csat.mean, 2),
            "ci95": None
            if csat.ci95 is None
            else [_rounded(csat.ci95.low), _rounded(csat.ci95.high)],
            "distribution": {str(k): v for k, v in sorted(csat.distribution.items())},
        },
        "responses": overview.responses,
        "delivered": overview.delivered,
        "answered": overview.answered,
        "response_rate": _rounded(overview.response_rate),
    }
