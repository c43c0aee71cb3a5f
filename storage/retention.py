"""Comment retention: old comment text is blanked; the answer itself stays.

The score, the sentiment polarity and label, and `commented_at` stay, so the figures and the
sentiment mix of past periods do not change when the words go; only the text, the part that
can identify or quote a person, is erased: with it, the follow-up's copy of the comment and
its resolution note, at the same cut-off.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col

from storage.followups import blank_words_answered_before
from storage.models import Response


def retention_cutoff(*, now: datetime, days: int) -> datetime:
    """Comments of answers given before this instant are past the retention period; one given
    exactly at it is kept (for now)."""
    if days < 1:
        raise ValueError("a retention period is at least one day")
    return now - timedelta(days=days)


def purge_expired_comments(*, session: Session, now: datetime, days: int) -> int:
    """Blank the comments of answers older than `days`, and their follow-ups' copies; how many
    rows lost words (answers and follow-ups)."""
    cutoff = retention_cutoff(now=now, days=days)
    result = session.exec(
        update(Response)
        .where(col(Response.answered_at) < cutoff, col(Response.comment).is_not(None))
        .values(comment=None)
    )
    return int(result.rowcount) + blank_words_answered_before(session=session, cutoff=cutoff)
