"""The bulk generator fills a workspace with history the reports can read, and never mixes into
real data."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from bot.core.periods import PeriodSpec
from bot.reporting.figures import build_overview
from storage.engine import session_scope
from storage.lifecycle import claim_closed_notices
from storage.seed import SeedRefused, seed_history

NOW = datetime(2026, 11, 25, tzinfo=UTC)


def test_seeded_history_is_what_the_reports_count(engine: Engine) -> None:
    report = seed_history(engine, responses=1200, customers=100, now=NOW,
                          rng=random.Random(1))

    with session_scope(engine) as session:
        everything = build_overview(session=session, team_id=report.team_id,
                                    period=PeriodSpec(days=800).resolve(NOW))
    assert (report.responses, report.customers, report.waves) == (1200, 100, 12)
    assert everything.responses == 1200
    assert everything.nps.n == everything.csat.n == 600
    assert everything.answered == everything.delivered == 1200
    assert everything.nps.score is not None
    assert 10 < everything.nps.score < 60  # a realistic programme, not a degenerate one


def test_seeding_a_workspace_twice_is_refused(engine: Engine) -> None:
    seed_history(engine, responses=10, customers=5, now=NOW)
    with pytest.raises(SeedRefused, match="already has data"):
        seed_history(engine, responses=10, customers=5, now=NOW)


def test_seeded_waves_leave_the_worker_no_message_to_edit(engine: Engine) -> None:
    # Their DMs are made up: a worker started on a seeded database (a benchmark's) that
    # tried to mark these closed in Slack would fail once per answer, every cycle.
    seed_history(engine, responses=40, customers=10, now=NOW)

    with session_scope(engine) as session:
        assert claim_closed_notices(session=session, now=NOW) == []
