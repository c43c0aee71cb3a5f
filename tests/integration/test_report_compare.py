"""`report --json` as a person runs it: schema version 2, and --compare-days."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.sandbox.slack_api import SlackSandbox
from tests.conftest import SIGNING_SECRET
from tests.history_builder import History
from tests.integration.cli_runner import run_cli


@pytest.fixture
def env(sandbox: SlackSandbox, database_url: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("SLACK_", "DATABASE_URL", "ANONYMITY_"))}
    return clean | {"SLACK_BOT_TOKEN": sandbox.bot_token, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                    "SLACK_API_URL": sandbox.api_url, "DATABASE_URL": database_url}


def test_compare_days_moves_the_earlier_period_and_bad_values_are_refused(
    env: dict[str, str], tmp_path: Path, engine: Engine
) -> None:
    # The command reads the wall clock: answers are placed days away from any edge.
    now = datetime.now(UTC)
    history = History(engine)
    history.answer("U0A", 9, now - timedelta(days=40))  # promoter → detractor
    history.answer("U0A", 3, now - timedelta(days=5))
    history.answer("U0B", 8, now - timedelta(days=70))  # before the 30 days before
    history.answer("U0B", 10, now - timedelta(days=5))

    same = json.loads(run_cli(env, tmp_path, "report", "--json", "--days", "30").stdout)
    longer = run_cli(env, tmp_path, "report", "--json", "--days", "30", "--compare-days", "45")
    refused = run_cli(env, tmp_path, "report", "--json", "--compare-days", "0")

    assert same["schema_version"] == 2
    movement = same["movement"]
    # The 30 days before: U0A promoter → detractor (down), U0B silent → promoter (neither).
    assert (movement["up"], movement["down"], movement["net"]) == (0, 1, -1)
    start = datetime.fromisoformat(movement["previous"]["start"])
    assert timedelta(days=60) - (now - start) < timedelta(minutes=5)
    # Each cell holds one customer, under the default minimum of 5: null, never left out.
    assert movement["matrix"]["promoter"]["detractor"] is None
    assert movement["matrix"]["silent"]["silent"] == 0
    assert longer.returncode == 0, longer.stderr
    # The 45 days before reach U0B's 8: passive → promoter (up).
    moved = json.loads(longer.stdout)["movement"]
    assert (moved["up"], moved["down"], moved["net"]) == (1, 1, 0)
    current, previous = (datetime.fromisoformat(moved[key]["start"])
                         for key in ("current", "previous"))
    assert current - previous == timedelta(days=45)
    assert datetime.fromisoformat(moved["previous"]["end"]) == current
    assert refused.returncode != 0
    assert refused.stdout == ""
    assert "--compare-days" in refused.stderr
