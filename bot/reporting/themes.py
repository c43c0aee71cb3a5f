"""Themes for a period: what customers talk about overall, and promoters against detractors."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlmodel import Session

from bot.core.periods import Period
from bot.insights.metrics import nps_class
from bot.insights.themes import CommentForThemes, Theme, extract_themes, themes_by_class
from storage.models import Metric
from storage.reporting import comments_in_period
from storage.scoped_reporting import ReportScope, scoped_comment_filter

# Themes are counted over the newest comments of the period: at 50,000 the counting takes about
# half a second, and a theme that matters this period shows in its newest comments anyway.
MAX_COMMENTS = 50_000


@dataclass(frozen=True)
class ThemesReport:
    period: Period
    comments: int  # read for the themes
    overall: list[Theme]
    by_class: dict[str, list[Theme]]  # promoter / passive / detractor (NPS comments only)
    # Comments not scored (another language), by ISO 639-1 code: left out of the themes, whose
    # words and feelings are read in English, and counted here instead.
    not_scored: dict[str, int] = field(default_factory=dict)


def build_themes(
    *, session: Session, team_id: str, period: Period, top: int = 8,
    scope: ReportScope | None = None,
) -> ThemesReport:
    rows = comments_in_period(
        session=session, team_id=team_id, since=period.start, until=period.end,
        limit=MAX_COMMENTS, where=scoped_comment_filter(session, team_id, scope) if scope else (),
    )
    comments = [
        CommentForThemes(
            row.comment,
            nps_class(row.score) if row.metric is Metric.NPS else None,
            row.polarity or 0.0,
        )
        for row in rows
        if row.unscored_language is None
    ]
    not_scored = Counter(row.unscored_language for row in rows if row.unscored_language)
    return ThemesReport(period, len(comments), extract_themes(comments, top=top),
                        themes_by_class(comments, top=5), dict(not_scored))
