"""The history the playground starts on. `load_demo_history` is the one place that chooses it:
switching the playground to another generator is a change to this function alone."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from storage.engine import session_scope
from storage.models import Workspace
from storage.seed import seed_history

# A year of monthly NPS and CSAT waves (alternating, about every fifteen days) for 200
# customers: enough answers in the default 90 days for figures with a useful margin.
HISTORY_CUSTOMERS = 200
HISTORY_WAVES = 24
HISTORY_DAYS = 365


def load_demo_history(engine: Engine, *, team_id: str, team_name: str, now: datetime) -> str:
    """Fill the empty workspace `team_id` with the demo's history up to `now`; returns one line
    that says what was loaded."""
    report = seed_history(engine, responses=HISTORY_CUSTOMERS * HISTORY_WAVES,
                          customers=HISTORY_CUSTOMERS, now=now, team_id=team_id,
                          days=HISTORY_DAYS)
    with session_scope(engine) as session:
        workspace = session.get(Workspace, team_id)
        assert workspace is not None  # the seed created it
        workspace.name = team_name  # the bot signs its replies to customers with it
        session.add(workspace)
    return (f"{report.responses:,} answers from {report.customers} customers in "
            f"{report.waves} waves over the last {HISTORY_DAYS} days")
