"""`seed`: fill a database with the demo's year of history, for a workspace of its own."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from bot.cli.common import services_or_fail, settings_or_fail, user_errors
from bot.demo.history import MAX_CUSTOMERS


def seed(
    customers: Annotated[
        int, typer.Option(min=1, max=MAX_CUSTOMERS, help="How many customers (accounts)")
    ] = 200,
    team: Annotated[str, typer.Option(help="Workspace (team) ID to fill")] = "T0SEED",
) -> None:
    """A year of monthly NPS and CSAT answers, comments, renewals and churns, up to today."""
    from bot.demo.seeding import seed_workspace

    services = services_or_fail(settings_or_fail())
    started = time.perf_counter()
    with user_errors():
        loaded = seed_workspace(services, team_id=team, customers=customers)
    typer.echo(f"Seeded {team}: {loaded.summary()} ({time.perf_counter() - started:.1f} s).")
