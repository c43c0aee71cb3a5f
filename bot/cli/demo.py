"""`demo`: the whole loop against the local Slack sandbox, no credentials needed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console


def demo(
    workdir: Annotated[Path, typer.Option(help="Where the demo's SQLite file goes")] = Path(
        "demo-output"
    ),
) -> None:
    """Send an NPS pulse to simulated customers in a local Slack sandbox and show the result."""
    from bot.cli.demo_flow import run_demo
    from bot.core.logs import configure_logging

    configure_logging("WARNING")
    run_demo(Console(), workdir)
