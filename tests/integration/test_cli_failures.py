"""Every command, however it fails, says so in one line: no traceback, a non-zero exit.

The commands are read from the typer app itself, so a command added later is tried too.
Each is run with a mistake in its input, with no configuration, with the database out of
reach and with Slack out of reach (a closed local port).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
from sqlalchemy import Engine

from bot.cli import app
from bot.cli.failures import TRACEBACK_LOG
from tests.integration.answer_history import TEAM, seed_answer_history
from tests.integration.cli_runner import CliResult, run_cli

# They bring their own Slack sandbox and database, so no configuration can be missing or out
# of reach; `playground` then serves until stopped.
SELF_CONTAINED = {("demo",), ("playground",)}
CLOSED_PORT = "127.0.0.1:9"


def _leaves(command: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    children = getattr(command, "commands", None)
    if children is None:
        yield path, command
        return
    for name, child in children.items():
        yield from _leaves(child, (*path, name))


COMMANDS = dict(_leaves(typer.main.get_command(app), ()))


def _arguments(command: Any, csv_file: Path) -> list[str]:
    """A plausible value for each required argument, so the command gets as far as it can."""
    values = []
    for parameter in command.params:
        if parameter.param_type_name != "argument" or not parameter.required:
            continue
        annotation = parameter.type_descriptor.annotation
        values.append(str(csv_file) if annotation is Path else "1" if annotation is int
                      else "x")
    return values


def _assert_one_line(result: CliResult, *, allow_success: bool = False) -> None:
    assert "Traceback" not in result.stdout + result.stderr
    if allow_success and result.returncode == 0:
        return
    assert result.returncode != 0, result.stdout
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("error: ")


@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    path = tmp_path / "rows.csv"
    path.write_text("slack_user_id,plan\nU0ANN,pro\n", encoding="utf-8")
    return path


def _bare_environment() -> dict[str, str]:
    """This process's environment without any of the bot's settings."""
    return {k: v for k, v in os.environ.items()
            if not k.startswith(("SLACK_", "DATABASE_URL", "TEAM", "TOKEN_", "LOG_LEVEL"))}


def _runnable() -> list[tuple[str, ...]]:
    return [path for path in COMMANDS if path not in SELF_CONTAINED]


def test_the_self_contained_commands_exist() -> None:
    # A renamed command must not silently leave this list, and with it these tests.
    assert set(COMMANDS) >= SELF_CONTAINED
    assert len(COMMANDS) > 20


@pytest.mark.parametrize("path", list(COMMANDS), ids=" ".join)
def test_an_unknown_option_is_one_line(path: tuple[str, ...], tmp_path: Path,
                                       csv_file: Path) -> None:
    args = _arguments(COMMANDS[path], csv_file)
    result = run_cli(_bare_environment(), tmp_path, *path, *args, "--no-such-option")
    _assert_one_line(result)
    assert result.returncode == 2
    assert "--no-such-option" in result.stderr
    assert f"python -m bot {' '.join(path)} --help" in result.stderr


@pytest.mark.parametrize("path", [p for p in COMMANDS
                                  if any(param.param_type_name == "argument"
                                         and param.required for param in COMMANDS[p].params)],
                         ids=" ".join)
def test_a_missing_argument_is_one_line(path: tuple[str, ...], tmp_path: Path) -> None:
    result = run_cli(_bare_environment(), tmp_path, *path)
    _assert_one_line(result)
    assert "Missing argument" in result.stderr


@pytest.mark.parametrize("path", _runnable(), ids=" ".join)
def test_without_configuration(path: tuple[str, ...], tmp_path: Path, csv_file: Path) -> None:
    """No Slack settings and no DATABASE_URL: the default SQLite file, never upgraded."""
    result = run_cli(_bare_environment(), tmp_path, *path, *_arguments(COMMANDS[path], csv_file))
    # Some need nothing of it (`db upgrade` creates the default database, `benchmarks industry`
    # lists the industries); the others name what is missing, in one line.
    _assert_one_line(result, allow_success=True)


@pytest.mark.parametrize("url", [
    f"postgresql+psycopg://postgres@{CLOSED_PORT}/test",
    "sqlite:////no/such/directory/bot.db",
], ids=["postgresql", "sqlite"])
@pytest.mark.parametrize("path", _runnable(), ids=" ".join)
def test_with_the_database_out_of_reach(path: tuple[str, ...], url: str, tmp_path: Path,
                                        csv_file: Path) -> None:
    env = _bare_environment() | {
        "DATABASE_URL": url, "SLACK_BOT_TOKEN": "xoxb-0-0-unreachable",
        "SLACK_SIGNING_SECRET": "not-a-secret", "SLACK_API_URL": f"http://{CLOSED_PORT}/api/"}
    result = run_cli(env, tmp_path, *path, *_arguments(COMMANDS[path], csv_file))
    # Some have no database to reach (`db new-token-key`, `benchmarks industry` listing the
    # industries); others stop first at a missing option or a bad placeholder argument.
    _assert_one_line(result, allow_success=True)
    assert "xoxb-0-0-unreachable" not in result.stderr


@pytest.mark.parametrize("url", [
    f"postgresql+psycopg://postgres@{CLOSED_PORT}/test",
    "sqlite:////no/such/directory/bot.db",
], ids=["postgresql", "sqlite"])
@pytest.mark.parametrize("args", [
    ("report",), ("report", "trend", "--period", "quarter"), ("export",), ("pulse", "list"),
    ("benchmarks", "list"), ("digest", "list"), ("db", "upgrade"),
])
def test_the_database_out_of_reach_is_named(args: tuple[str, ...], url: str,
                                            tmp_path: Path) -> None:
    result = run_cli(_bare_environment() | {"DATABASE_URL": url}, tmp_path, *args)
    _assert_one_line(result)
    assert result.stderr.startswith("error: The database failed (DATABASE_URL): ")
    assert result.stdout == ""


@pytest.mark.parametrize("path", _runnable(), ids=" ".join)
def test_with_slack_out_of_reach(path: tuple[str, ...], database_url: str, engine: Engine,
                                 tmp_path: Path, csv_file: Path) -> None:
    seed_answer_history(engine)
    env = _bare_environment() | {
        "DATABASE_URL": database_url, "SLACK_BOT_TOKEN": "xoxb-0-0-unreachable",
        "SLACK_SIGNING_SECRET": "not-a-secret", "SLACK_API_URL": f"http://{CLOSED_PORT}/api/"}
    if path == ("run",):
        # A server's log is its output, and Bolt warns at start-up that SLACK_BOT_TOKEN is
        # read twice; at ERROR, only failures remain.
        env["LOG_LEVEL"] = "ERROR"
    command = COMMANDS[path]
    # Two workspaces are stored: name one, so the command gets as far as Slack.
    team = ["--team", TEAM] if any(p.name == "team" for p in command.params) else []
    result = run_cli(env, tmp_path, *path, *_arguments(command, csv_file), *team)
    # Commands that only read or write what is stored succeed; the others say Slack is out of
    # reach — in one line, not one per retry.
    _assert_one_line(result, allow_success=True)
    if result.returncode != 0:
        assert "xoxb-0-0-unreachable" not in result.stderr


@pytest.fixture
def corrupt_database(tmp_path: Path) -> dict[str, str]:
    """A stored date that is not one: reading it fails in a way no command foresees."""
    path = tmp_path / "corrupt.db"
    env = _bare_environment() | {"DATABASE_URL": f"sqlite:///{path}"}
    assert run_cli(env, tmp_path, "db", "upgrade").returncode == 0
    with sqlite3.connect(path) as connection:
        connection.execute("INSERT INTO workspace (team_id, name, created_at) "
                           "VALUES ('T0CORRUPT', 'Corrupt', 'not a date')")
    return env


def test_a_bug_is_one_line_naming_the_file_with_its_traceback(
    corrupt_database: dict[str, str], tmp_path: Path,
) -> None:
    before = TRACEBACK_LOG.stat().st_size if TRACEBACK_LOG.exists() else 0
    result = run_cli(corrupt_database, tmp_path, "benchmarks", "list")

    _assert_one_line(result)
    assert result.returncode == 1
    assert result.stderr.startswith("error: unexpected ValueError: ")
    assert f"the traceback is in {TRACEBACK_LOG}" in result.stderr
    with TRACEBACK_LOG.open(encoding="utf-8") as log:
        log.seek(before)
        added = log.read()
    assert "Traceback (most recent call last)" in added
    assert "'not a date'" in added


@pytest.mark.parametrize("debug", [("--debug",), ("LOG_LEVEL=DEBUG",)], ids=["flag", "env"])
def test_debug_shows_the_traceback(corrupt_database: dict[str, str], tmp_path: Path,
                                   debug: tuple[str]) -> None:
    env = dict(corrupt_database)
    args = ["benchmarks", "list"]
    if debug[0].startswith("LOG_LEVEL"):
        env["LOG_LEVEL"] = "DEBUG"
    else:
        args.append(debug[0])
    # A real process: the traceback is what Python prints when nothing catches the error.
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bot", *args], env=env, cwd=tmp_path, capture_output=True,
        text=True, check=False)

    assert result.returncode == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert "ValueError" in result.stderr
