"""Every command, however it fails, says so in one line: no traceback, a non-zero exit.

The commands are read from the typer app itself, so a command added later is tried too.
Each is run with a mistake in its input, with no configuration, with the database out of
reach and with Slack out of reach (a closed local port).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
from sqlalchemy import Engine

from bot.cli import app
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
