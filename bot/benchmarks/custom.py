"""A workspace's benchmark settings: its industry, admins' own figures and its targets.

Validation happens before any session opens (bot.benchmarks.inputs), so bad input stores nothing.
`user_id` is the Slack admin who made the change, or None when it came from the CLI.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from sqlmodel import Session

from bot.benchmarks.inputs import (
    InvalidSetting,
    choose_industry,
    clean_name,
    clean_source,
    parse_benchmark_id,
    parse_metric,
    parse_value,
    parse_year,
)
from bot.benchmarks.published import (
    CSAT_PCT,
    NPS,
    Benchmark,
    custom_benchmark,
    industries,
    load_default_benchmarks,
)
from bot.core.services import Services
from bot.core.text import mention
from storage import benchmarks as store
from storage.engine import session_scope
from storage.models import CustomBenchmark, Metric

BENCHMARK_METRIC = {Metric.NPS: NPS, Metric.CSAT: CSAT_PCT}


@dataclass(frozen=True)
class CustomFigure:
    id: int
    metric: Metric
    value: float
    name: str
    year: int | None
    source: str | None
    added_by: str | None  # Slack user ID; None when added from the CLI


@dataclass(frozen=True)
class WorkspaceBenchmarks:
    """What every comparison of one workspace needs, read in one go."""

    industry: str | None  # None: cross-industry figures
    custom: list[CustomFigure]
    targets: dict[str, float]  # "nps" / "csat" → target

    @property
    def extra(self) -> list[Benchmark]:
        return [as_benchmark(figure) for figure in self.custom]


def shipped_industries() -> list[tuple[str, str]]:
    return industries(load_default_benchmarks())


def as_benchmark(figure: CustomFigure) -> Benchmark:
    """The stored figure as a Benchmark that says who added it and that it is not published."""
    who = mention(figure.added_by) if figure.added_by else "the CLI"
    benchmark = custom_benchmark(
        metric=BENCHMARK_METRIC[figure.metric],
        value=figure.value,
        added_by=who,
        company=figure.name,
        statistic="custom",
        year=figure.year,
        notes=figure.source,
    )
    source = "added from the CLI" if figure.added_by is None else benchmark.source
    return dataclasses.replace(benchmark, source=source, detail="not published")


def _figure(row: CustomBenchmark) -> CustomFigure:
    return CustomFigure(row.id or 0, Metric(row.metric), row.value, row.name, row.year,
                        row.source, row.added_by)


def load_workspace_benchmarks(*, session: Session, team_id: str) -> WorkspaceBenchmarks:
    rows = store.list_custom_benchmarks(session=session, team_id=team_id)
    return WorkspaceBenchmarks(
        industry=store.get_industry(session=session, team_id=team_id),
        custom=[_figure(row) for row in rows],
        targets={metric.value: value
                 for metric, value in store.get_targets(session=session, team_id=team_id).items()},
    )


def set_industry(
    services: Services, *, team_id: str, user_id: str | None, raw: str | None
) -> tuple[str, str] | None:
    """Store the industry (None clears it); returns its (key, name), or None when cleared."""
    chosen = None
    if raw is not None:
        known = shipped_industries()
        key = choose_industry(raw, known)
        chosen = (key, dict(known)[key])
    with session_scope(services.engine) as session:
        store.set_industry(session=session, team_id=team_id, industry=chosen and chosen[0],
                           user_id=user_id, now=services.clock())
    return chosen


def add_benchmark(
    services: Services, *, team_id: str, user_id: str | None, metric: str, value: str | float,
    name: str, year: str | int | None = None, source: str | None = None,
) -> CustomFigure:
    chosen = parse_metric(metric)
    number = parse_value(chosen, value)
    label = clean_name(name)
    when = parse_year(year, this_year=services.clock().year)
    note = clean_source(source)
    with session_scope(services.engine) as session:
        row = store.add_custom_benchmark(
            session=session, team_id=team_id, metric=chosen, value=number, name=label,
            year=when, source=note, user_id=user_id, now=services.clock(),
        )
        return _figure(row)


def list_benchmarks(services: Services, *, team_id: str) -> list[CustomFigure]:
    with session_scope(services.engine) as session:
        return load_workspace_benchmarks(session=session, team_id=team_id).custom


def remove_benchmark(services: Services, *, team_id: str, raw_id: str | int) -> int:
    benchmark_id = parse_benchmark_id(raw_id)
    with session_scope(services.engine) as session:
        removed = store.remove_custom_benchmark(
            session=session, team_id=team_id, benchmark_id=benchmark_id
        )
    if not removed:
        raise InvalidSetting(f"There is no custom benchmark #{benchmark_id} (see benchmark list)")
    return benchmark_id


def set_target(
    services: Services, *, team_id: str, user_id: str | None, metric: str, value: str | float
) -> tuple[Metric, float]:
    chosen = parse_metric(metric)
    number = parse_value(chosen, value)
    with session_scope(services.engine) as session:
        store.set_target(session=session, team_id=team_id, metric=chosen, value=number,
                         user_id=user_id, now=services.clock())
    return chosen, number


def clear_target(services: Services, *, team_id: str, metric: str) -> Metric:
    chosen = parse_metric(metric)
    with session_scope(services.engine) as session:
        store.clear_target(session=session, team_id=team_id, metric=chosen)
    return chosen
