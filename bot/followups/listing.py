"""`/engagement followups`: the period's response times and the open follow-ups."""

from __future__ import annotations

from sqlmodel import Session

from bot.core.periods import Period
from bot.core.services import Services
from bot.followups.blocks import MAX_SHOWN, followups_message
from bot.insights.followups import FollowUpFacts, FollowUpSummary, follow_up_summary
from bot.slack.message import ReportMessage
from storage.engine import session_scope
from storage.followups import open_follow_ups, raised_between


def period_follow_ups(session: Session, *, team_id: str, period: Period) -> FollowUpSummary:
    """The period's follow-ups in figures, for the digest and App Home."""
    raised = raised_between(session=session, team_id=team_id, start=period.start, end=period.end)
    return follow_up_summary(FollowUpFacts(*times) for times in raised)


def list_follow_ups(services: Services, *, team_id: str, period: Period) -> ReportMessage:
    now = services.clock()
    with session_scope(services.engine) as session:
        raised = raised_between(session=session, team_id=team_id, start=period.start,
                                end=period.end)
        summary = follow_up_summary(FollowUpFacts(*times) for times in raised)
        open_count, oldest = open_follow_ups(session=session, team_id=team_id, limit=MAX_SHOWN)
    return followups_message(summary, open_count, oldest, period=period.label, now=now)
