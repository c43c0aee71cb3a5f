"""The comment retention cut-off at its edge, on SQLite and PostgreSQL: a comment exactly
`days` old keeps its text; a day older loses it; a day younger keeps it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from storage.engine import session_scope
from storage.models import Delivery, Metric, PulseMetric, Response
from storage.pulses import create_pulse
from storage.respondents import ensure_respondents
from storage.responses import AnswerKey, CommentSentiment, record_comment, record_score
from storage.retention import purge_expired_comments
from storage.waves import enqueue_deliveries, open_wave
from storage.workspaces import ensure_workspace

TEAM = "T0KEEP"
NOW = datetime(2026, 11, 20, 9, 30, 15, 250000, tzinfo=UTC)


def _answers_at(engine: Engine, times: list[datetime]) -> None:
    """One commented NPS answer at each time, each from its own person."""
    users = [f"U0R{n:03d}" for n in range(len(times))]
    first = min(times)
    with session_scope(engine) as session:
        ensure_workspace(session=session, team_id=TEAM, name=TEAM, now=first)
        pulse = create_pulse(
            session=session, team_id=TEAM, name="kept", metric=PulseMetric.NPS,
            question="How?", follow_up="Why?", audience=users, now=first,
        )
        assert pulse.id is not None
        wave = open_wave(session=session, pulse_id=pulse.id, scheduled_for=first, now=first)
        assert wave.id is not None
        people = ensure_respondents(session=session, team_id=TEAM, user_ids=users, now=first)
        enqueue_deliveries(session=session, wave_id=wave.id,
                           respondent_ids=[people[u].id for u in users if people[u].id],
                           now=first)
        for user, at in zip(users, times, strict=True):
            delivery = session.exec(
                select(Delivery).where(Delivery.respondent_id == people[user].id)
            ).one()
            assert delivery.id is not None
            key = AnswerKey(delivery_id=delivery.id)
            record_score(session=session, key=key, delivery_id=delivery.id, wave_id=wave.id,
                         team_id=TEAM, metric=Metric.NPS, score=7,
                         action_ts=f"{at.timestamp():.6f}", now=at)
            record_comment(session=session, key=key, comment=f"said at {at:%d %b %H:%M}",
                           sentiment=CommentSentiment(0.1, 0.5, "neutral"), now=at)


def _comments(engine: Engine) -> list[str | None]:
    with Session(engine) as session:
        return list(session.exec(
            select(Response.comment).order_by(col(Response.answered_at))
        ).all())


def test_a_comment_exactly_as_old_as_the_period_keeps_its_text(engine: Engine) -> None:
    cutoff = NOW - timedelta(days=30)
    _answers_at(engine, [cutoff - timedelta(days=1), cutoff, cutoff + timedelta(days=1)])

    with session_scope(engine) as session:
        blanked = purge_expired_comments(session=session, now=NOW, days=30)

    assert blanked == 1
    assert _comments(engine) == [None, "said at 21 Oct 09:30", "said at 22 Oct 09:30"]
    with session_scope(engine) as session:  # what was blanked is not counted again
        assert purge_expired_comments(session=session, now=NOW, days=30) == 0


def test_a_one_day_period_is_allowed_and_blanks_what_is_older(engine: Engine) -> None:
    _answers_at(engine, [NOW - timedelta(days=1, microseconds=1), NOW - timedelta(days=1)])

    with session_scope(engine) as session:
        blanked = purge_expired_comments(session=session, now=NOW, days=1)

    assert blanked == 1
    assert _comments(engine) == [None, "said at 19 Nov 09:30"]


@pytest.mark.parametrize("days", [0, -1])
def test_a_period_shorter_than_a_day_is_refused(engine: Engine, days: int) -> None:
    _answers_at(engine, [NOW - timedelta(days=400)])

    with session_scope(engine) as session, pytest.raises(
        ValueError, match=r"^a retention period is at least one day$"
    ):
        purge_expired_comments(session=session, now=NOW, days=days)

    assert _comments(engine) == ["said at 16 Oct 09:30"]  # 2025: nothing blanked
