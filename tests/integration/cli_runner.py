"""`python -m bot ...` run in this process: the same entry point, in milliseconds, not seconds.

Each command runs `bot.cli.main` as `python -m bot` would, under Click's CliRunner isolation:
its own environment, working directory, stdout and stderr, and the exit status main() gives.
What a real process ends by itself is ended here too: the database engines the command made
are disposed and the logging it configured is put back. test_cli.py keeps one real process
as the smoke test of `python -m bot` itself.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

from typer.testing import CliRunner

from bot import cli
from bot.core import services as services_module


@dataclass(frozen=True)
class CliResult:
    """What subprocess.run gave before: exit status and the two streams, as text."""

    returncode: int
    stdout: str
    stderr: str


def run_cli(env: Mapping[str, str], cwd: Path, *args: str) -> CliResult:
    """`python -m bot *args` with exactly `env` as its environment, in `cwd`."""
    # Variables of this process that `env` leaves out are unset for the command, as they
    # would be for a child started with env=env.
    environment: dict[str, str | None] = {name: None for name in os.environ if name not in env}
    environment.update(env)
    runner = CliRunner()
    with (
        _engines_disposed(),
        _logging_restored(),
        _working_directory(cwd),
        runner.isolation(env=environment) as (stdout, stderr, _),
        mock.patch.object(sys, "argv", ["python -m bot", *args]),
    ):
        try:
            cli.main()
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else int(exit_.code is not None)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
        return CliResult(code, stdout.getvalue().decode(), stderr.getvalue().decode())


@contextmanager
def _engines_disposed() -> Iterator[None]:
    """Each command builds its own engine; a process's exit would close its connections."""
    made: list[services_module.Services] = []
    create = services_module.create_services

    def create_and_remember(*args: Any, **kwargs: Any) -> services_module.Services:
        services = create(*args, **kwargs)
        made.append(services)
        return services

    # Commands import create_services when they run, so the module attribute is what they find.
    with mock.patch.object(services_module, "create_services", create_and_remember):
        try:
            yield
        finally:
            for services in made:
                services.engine.dispose()


@contextmanager
def _logging_restored() -> Iterator[None]:
    """The command replaces the root handlers with its own (writing to its stderr)."""
    root, alembic = logging.getLogger(), logging.getLogger("alembic")
    handlers, level, alembic_level = list(root.handlers), root.level, alembic.level
    try:
        yield
    finally:
        for handler in list(root.handlers):
            if handler not in handlers:
                root.removeHandler(handler)
                handler.close()
        for handler in handlers:
            if handler not in root.handlers:
                root.addHandler(handler)
        root.setLevel(level)
        alembic.setLevel(alembic_level)


@contextmanager
def _working_directory(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)
