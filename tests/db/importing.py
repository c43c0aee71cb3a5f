"""What the import tests share: services whose Slack is never asked (their files name
customers by Slack ID or account only), in the workspace of tests/db/test_answer_order.py."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.core.config import load_settings
from bot.core.services import Services
from storage.engine import session_scope
from storage.workspaces import ensure_workspace
from tests.conftest import SIGNING_SECRET, FakeClock
from tests.db.test_answer_order import NOW, TEAM

# Never called: nothing to look up. An address nothing listens on, should that change.
NO_SLACK = WebClient(base_url="http://127.0.0.1:9/api/")


def import_services(engine: Engine, clock: FakeClock, **settings: Any) -> Services:
    with session_scope(engine) as session:
        ensure_workspace(session=session, team_id=TEAM, name="Test", now=NOW)
    return Services(
        settings=load_settings(env_file=None, database_url=str(engine.url),
                               slack_signing_secret=SIGNING_SECRET, **settings),
        engine=engine, clock=clock)
