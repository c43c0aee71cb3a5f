"""COMMENT_RETENTION_DAYS: only comments older than the period lose their text."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.core.services import Services
from bot.slack.client import create_web_client
from bot.worker.leader import PulseWorker
from storage.engine import session_scope
from storage.models import Response
from storage.retention import purge_expired_comments
from tests.conftest import FakeClock
from tests.integration.answer_history import seed_answer_history

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _answers(engine: Engine) -> list[tuple[int, str | None, str | None, float | None]]:
    with Session(engine) as session:
        rows = session.exec(select(Response).order_by(col(Response.id))).all()
        return [(r.score, r.comment, r.sentiment_label, r.sentiment_polarity) for r in rows]


def test_only_old_comments_are_blanked_and_scores_and_sentiment_stay(engine: Engine) -> None:
    seed_answer_history(engine)
    before = _answers(engine)

    with session_scope(engine) as session:
        # 30 days back from 20 Nov: the answers of 1 Sep and 1 Oct go, those of 31 Oct stay.
        purged = purge_expired_comments(session=session, now=NOW, days=30)
    with session_scope(engine) as session:
        again = purge_expired_comments(session=session, now=NOW, days=30)

    after = _answers(engine)
    # Every workspace's: "Love it", "-slow exports", "@here nobody answered", "elsewhere".
    assert purged == 4
    assert again == 0
    assert [(s, label, polarity) for s, _, label, polarity in after] == [
        (s, label, polarity) for s, _, label, polarity in before
    ]
    assert {c for _, c, _, _ in after if c is not None} == {"anonymous praise"}


def test_a_period_below_a_day_is_refused(engine: Engine) -> None:
    with session_scope(engine) as session, pytest.raises(ValueError, match="at least one day"):
        purge_expired_comments(session=session, now=NOW, days=0)


def test_the_leaders_maintenance_applies_the_setting(
    services: Services, clock: FakeClock
) -> None:
    seed_answer_history(services.engine)
    clock.now = NOW
    keep_forever = PulseWorker(services, create_web_client(services.settings), scheduler_name="k")
    keep_forever.run_once()
    keep_forever.stop()
    assert sum(c is not None for _, c, _, _ in _answers(services.engine)) == 5

    settings = services.settings.model_copy(update={"comment_retention_days": 30})
    limited = dataclasses.replace(services, settings=settings)
    worker = PulseWorker(limited, create_web_client(settings), scheduler_name="r")
    worker.run_once()
    clock.now += timedelta(minutes=1)
    worker.run_once()  # within the hour: no second sweep needed, nothing breaks
    worker.stop()

    assert sum(c is not None for _, c, _, _ in _answers(services.engine)) == 1
