"""The command line starts without the heavy libraries: they load only in the command that uses
them, so `python -m bot --help` answers at once (benchmarks/bench_cli_startup.py times it)."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("matplotlib", "sqlmodel", "sqlalchemy", "alembic", "slack_bolt", "textblob", "lingua")


def test_building_the_cli_imports_no_heavy_library() -> None:
    # A fresh interpreter: this test process has long imported all of them.
    probe = (
        "import sys, bot.cli\n"
        "bot.cli.app.registered_commands  # the Typer app is built at import\n"
        "import typer.main\n"
        "typer.main.get_command(bot.cli.app)  # what --help builds: every command's options\n"
        f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    loaded = subprocess.run(  # noqa: S603 (our own probe, fixed arguments)
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    ).stdout.split()
    assert loaded == []
