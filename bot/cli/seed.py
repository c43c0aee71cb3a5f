"""`seed`: fill a database with realistic synthetic history (demos, benchmarks)."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from bot.cli.common import CliFailure, services_or_fail, settings_or_fail


def seed(
    responses: Annotated[int, typer.Option(min=1, max=20_000_000, help="How many answers")] = 1000,
    customers: Annotated[int, typer.Option(min=1, help="How many customers")] = 500,
    team: Annotated[str, typer.Option(help="Workspace (team) ID to fill")] = "T0SEED",
) -> None:
    """Two years of NPS and CSAT waves with comments, for a workspace of its own."""
    from storage.seed import SeedRefused, seed_history

    services = services_or_fail(settings_or_fail())
    started = time.perf_counter()
    try:
        report = seed_history(services.engine, responses=responses, customers=customers,
                              now=services.clock(), team_id=team)
    except SeedRefused as exc:
        raise CliFailure(str(exc)) from None
    typer.echo(
        f"Seeded {report.responses} answers from {report.customers} customers in "
        f"{report.waves} waves for {report.team_id} ({time.perf_counter() - started:.1f} s)."
    )
