"""`export` and `forget` as a person runs them (in process: tests/integration/cli_runner.py),
one clear line on bad input."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.privacy.export import COLUMNS
from bot.sandbox.slack_api import SlackSandbox
from tests.conftest import SIGNING_SECRET
from tests.integration.answer_history import ANN, BOB, OTHER_TEAM, TEAM, seed_answer_history
from tests.integration.cli_runner import CliResult, run_cli


@pytest.fixture
def env(sandbox: SlackSandbox, database_url: str, engine: Engine) -> dict[str, str]:
    seed_answer_history(engine)
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("SLACK_", "DATABASE_URL", "COMMENT_RETENTION"))}
    return clean | {
        "SLACK_BOT_TOKEN": sandbox.bot_token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": sandbox.api_url,
        "DATABASE_URL": database_url,
    }


def bot(env: dict[str, str], cwd: Path, *args: str) -> CliResult:
    return run_cli(env, cwd, *args)


def test_export_to_a_file(env: dict[str, str], tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "answers.csv"

    result = bot(env, tmp_path, "export", "--team", TEAM, "--since", "2026-10-01",
                 "--output", str(target))

    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert "Exported 4 answers." in result.stderr
    with target.open(newline="", encoding="utf-8") as exported:
        rows = list(csv.reader(exported))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == 5
    assert [p.name for p in out_dir.iterdir()] == ["answers.csv"]  # no temporary left


def test_export_to_stdout_as_jsonl(env: dict[str, str], tmp_path: Path) -> None:
    result = bot(env, tmp_path, "export", "--format", "jsonl", "--team", OTHER_TEAM)

    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 1
    assert '"pulse": "other-nps"' in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--since", "31/01/2026"), "--since '31/01/2026' is not a date: write YYYY-MM-DD"),
        (("--since", "2026-02-30"), "is not a date"),
        (("--format", "xlsx"), "--format 'xlsx' is not known: use csv or jsonl"),
        ((), "Several workspaces: pick one with --team"),
        (("--team", "T0NOPE"), "No workspace 'T0NOPE' here"),
    ],
)
def test_export_refuses_bad_input_in_one_line_and_writes_nothing(
    env: dict[str, str], tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    result = bot(env, tmp_path, "export", *args, "--output", str(out_dir / "out.csv"))

    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert list(out_dir.iterdir()) == []


def test_forget_by_email_dry_run_then_for_real(
    env: dict[str, str], tmp_path: Path, sandbox: SlackSandbox
) -> None:
    sandbox.add_user(ANN, name="ann", email="ann@acme.test")

    dry = bot(env, tmp_path, "forget", "ann@acme.test", "--team", TEAM, "--dry-run")
    real = bot(env, tmp_path, "forget", "ANN@acme.test", "--team", TEAM,
               "--requested-by", "ticket 42")
    again = bot(env, tmp_path, "forget", ANN, "--team", TEAM)

    assert dry.returncode == 0, dry.stderr
    assert "Would delete" in dry.stdout
    assert "response: 2" in dry.stdout
    assert "nothing was changed" in dry.stdout
    assert real.returncode == 0, real.stderr
    assert "Deleted" in real.stdout
    assert "response: 2" in real.stdout
    assert again.returncode == 0
    assert "response: 0" in again.stdout
    for result in (dry, real, again):
        assert ANN not in result.stdout + result.stderr
        assert sandbox.bot_token not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("alice", "--team", TEAM), "'alice' is neither a Slack user ID"),
        (("nobody@acme.test", "--team", TEAM), "Slack knows no user with that e-mail"),
        ((BOB,), "Several workspaces: pick one with --team"),
    ],
)
def test_forget_refuses_bad_input_and_deletes_nothing(
    env: dict[str, str], tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    result = bot(env, tmp_path, "forget", *args)
    check = bot(env, tmp_path, "forget", BOB, "--team", TEAM, "--dry-run")

    assert result.returncode == 2
    assert message in result.stderr
    assert "response: 2" in check.stdout  # Bob's two named answers are all still there
