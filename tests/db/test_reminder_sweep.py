"""The leader's reminder sweep over many pending deliveries, on both databases: it claims the
due ones a batch at a time, longest-waiting first, each once, and never one not yet due."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, update
from sqlmodel import col

from storage.deliveries import claim_due, mark_sent
from storage.engine import session_scope
from storage.lifecycle import claim_reminders
from storage.models import Delivery, Metric
from storage.pulses import PulsePolicy, create_pulse
from storage.respondents import ensure_respondents
from storage.waves import enqueue_deliveries, open_wave
from storage.workspaces import ensure_workspace

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
TEAM = "T0TEST"
PEOPLE = 120  # per pulse


def _sent_wave(engine: Engine, name: str, remind_after_hours: int, sent_from: datetime,
               *, closed: bool = False) -> dict[int, datetime]:
    """A wave of PEOPLE deliveries sent one minute apart from `sent_from`: {delivery: sent_at}.
    Every recipient is in the pulse's audience, as a real wave's are."""
    users = [f"U{name.upper()}{n:05d}" for n in range(PEOPLE)]
    with session_scope(engine) as session:
        ensure_workspace(session=session, team_id=TEAM, name="Test", now=NOW)
        pulse = create_pulse(session=session, team_id=TEAM, name=name, metric=Metric.NPS,
                             question="Q?", follow_up="Why?", audience=users, now=NOW,
                             policy=PulsePolicy(remind_after_hours=remind_after_hours,
                                                close_after_days=30))
        assert pulse.id is not None
        wave = open_wave(session=session, pulse_id=pulse.id, scheduled_for=sent_from,
                         now=sent_from)
        assert wave.id is not None
        if closed:
            wave.closed_at = NOW
        respondents = ensure_respondents(session=session, team_id=TEAM, user_ids=users,
                                         now=sent_from)
        enqueue_deliveries(session=session, wave_id=wave.id, now=sent_from,
                           respondent_ids=[r.id for r in respondents.values() if r.id])
    sent: dict[int, datetime] = {}
    with session_scope(engine) as session:
        for n, delivery in enumerate(claim_due(session=session, now=NOW, limit=PEOPLE,
                                               wave_id=wave.id)):
            at = sent_from + timedelta(minutes=n)
            mark_sent(session=session, delivery_id=delivery.delivery_id, channel_id="D1",
                      message_ts=f"{n}.1", now=at)
            sent[delivery.delivery_id] = at
    return sent


def test_the_sweep_claims_due_reminders_in_sent_order_a_batch_at_a_time(engine: Engine) -> None:
    # Sent 2 days ago with a 24 h delay: all due. Sent 10 h ago with a 12 h delay: none due.
    # Sent 49 h ago with a 48 h delay, one a minute: the first 61 are due (up to NOW - 48 h).
    day = _sent_wave(engine, "day", 24, NOW - timedelta(days=2))
    _sent_wave(engine, "soon", 12, NOW - timedelta(hours=10))
    slow = _sent_wave(engine, "slow", 48, NOW - timedelta(hours=49))
    _sent_wave(engine, "closed", 1, NOW - timedelta(days=3), closed=True)
    answered = sorted(day)[:5]
    with session_scope(engine) as session:
        session.exec(update(Delivery).where(col(Delivery.id).in_(answered))
                     .values(answered_at=NOW - timedelta(hours=30)))
    remind_at = {d: at + timedelta(hours=24) for d, at in day.items() if d not in answered}
    remind_at |= {d: at + timedelta(hours=48) for d, at in slow.items()}
    due = sorted((at - timedelta(hours=24 if d in day else 48), d)
                 for d, at in remind_at.items() if at <= NOW)
    assert len(due) == PEOPLE - 5 + 61

    with session_scope(engine) as session:
        first = claim_reminders(session=session, now=NOW, limit=25, team_id=TEAM)
    assert [p.delivery_id for p in first] == [d for _, d in due[:25]]

    claimed = [p.delivery_id for p in first]
    while batch := _sweep(engine, limit=25):
        assert len(batch) <= 25
        claimed += batch
    assert claimed == [d for _, d in due]


def test_concurrent_sweeps_claim_each_reminder_once(engine: Engine) -> None:
    day = _sent_wave(engine, "day", 24, NOW - timedelta(days=2))

    def sweep_all() -> list[int]:
        mine: list[int] = []
        while batch := _sweep(engine, limit=7):
            mine += batch
        return mine

    with ThreadPoolExecutor(max_workers=4) as pool:
        claimed = [d for ids in pool.map(lambda _: sweep_all(), range(4)) for d in ids]
    assert sorted(claimed) == sorted(day)


def _sweep(engine: Engine, *, limit: int) -> list[int]:
    with session_scope(engine) as session:
        return [p.delivery_id for p in claim_reminders(session=session, now=NOW, limit=limit)]
