"""Commands that only read what is stored work with nothing but DATABASE_URL: no Slack token,
and no Slack to reach. Each mistake is one line, never a traceback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.integration.answer_history import TEAM, seed_answer_history
from tests.integration.cli_runner import run_cli


@pytest.fixture
def db_only(database_url: str, engine: Engine) -> dict[str, str]:
    seed_answer_history(engine)
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("SLACK_", "DATABASE_URL", "TEAM"))}
    # A Slack that cannot be reached, in case anything still asks it: a closed local port.
    return clean | {"DATABASE_URL": database_url, "SLACK_API_URL": "http://127.0.0.1:9/api/"}


@pytest.mark.parametrize("args", [
    ("benchmarks", "list"), ("digest", "list"), ("report",), ("report", "--json"),
    ("export", "--format", "jsonl"),
])
def test_reading_needs_only_the_database(db_only: dict[str, str], tmp_path: Path,
                                         args: tuple[str, ...]) -> None:
    result = run_cli(db_only, tmp_path, *args, "--team", TEAM)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "SLACK_BOT_TOKEN" not in result.stderr


def test_a_workspace_that_is_not_stored_is_one_line(db_only: dict[str, str],
                                                    tmp_path: Path) -> None:
    result = run_cli(db_only, tmp_path, "benchmarks", "list", "--team", "T0NOWHERE")
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "T0NOWHERE" in result.stderr
