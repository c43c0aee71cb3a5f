"""Admin subcommands of /engagement for the industry, custom benchmarks and targets."""

from __future__ import annotations

from typing import assert_never

from bot.benchmarks import blocks as views
from bot.benchmarks import custom as settings
from bot.benchmarks.grammar import (
    AddBenchmark,
    ClearTarget,
    ListBenchmarks,
    RemoveBenchmark,
    SetIndustry,
    SetTarget,
    SettingsCommand,
)
from bot.core.services import Services
from bot.slack.message import ReportMessage


def run_settings_command(
    services: Services, *, team_id: str, user_id: str, command: SettingsCommand
) -> ReportMessage:
    """Raises UserFacingError (InvalidSetting) for bad input; nothing is stored then."""
    scope = {"team_id": team_id}
    if isinstance(command, SetIndustry):
        chosen = settings.set_industry(services, user_id=user_id, raw=command.industry, **scope)
        return views.industry_message(chosen)
    if isinstance(command, AddBenchmark):
        figure = settings.add_benchmark(
            services, user_id=user_id, metric=command.metric, value=command.value,
            name=command.name, year=command.year, source=command.source, **scope,
        )
        return views.benchmark_added_message(figure)
    if isinstance(command, ListBenchmarks):
        return views.benchmark_list_message(settings.list_benchmarks(services, **scope))
    if isinstance(command, RemoveBenchmark):
        removed = settings.remove_benchmark(services, raw_id=command.benchmark_id, **scope)
        return views.benchmark_removed_message(removed)
    if isinstance(command, SetTarget):
        metric, value = settings.set_target(
            services, user_id=user_id, metric=command.metric, value=command.value, **scope
        )
        return views.target_set_message(metric, value)
    if isinstance(command, ClearTarget):
        cleared = settings.clear_target(services, metric=command.metric, **scope)
        return views.target_cleared_message(cleared)
    assert_never(command)
