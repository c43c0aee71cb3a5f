"""Where the benchmarks put their data: a fresh database per run, or a kept one.

Not a benchmark: the scripts beside it import it (run from the root as
`python benchmarks/bench_X.py`, this folder is on the path). It imports no more than the engine,
so a bot process that a benchmark spawns from its script is not made heavier by it.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy import text

from storage.engine import create_db_engine

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
Measured = TypeVar("Measured")


def _on_server(statement: str) -> None:
    admin = create_db_engine(POSTGRES, pool_size=1, max_overflow=0)
    with admin.begin() as connection:
        connection.execute(text(statement))
    admin.dispose()


def _in_schema(schema: str) -> str:
    return f"{POSTGRES}?options=-csearch_path%3D{schema}"


def kept_schema(schema: str) -> str:
    """A PostgreSQL schema kept between runs (created when missing, never dropped)."""
    _on_server(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    return _in_schema(schema)


@contextmanager
def database_url(database: str, *, kept_file: Path | None = None,
                 kept_schema_name: str | None = None) -> Iterator[str]:
    """A fresh, empty database (a SQLite file in a temporary folder, or a private PostgreSQL
    schema), gone afterwards; or, when a kept SQLite file or PostgreSQL schema is named, that
    one, kept for the next run (and for the other benchmarks that seed the same history:
    seeding a million answers takes minutes)."""
    if database == "sqlite" and kept_file is not None:
        yield f"sqlite:///{kept_file}"
    elif database == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / 'bench.db'}"
    elif kept_schema_name is not None:
        yield kept_schema(kept_schema_name)
    else:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        _on_server(f'CREATE SCHEMA "{schema}"')
        try:
            yield _in_schema(schema)
        finally:
            _on_server(f'DROP SCHEMA "{schema}" CASCADE')


def chosen_databases(choice: str) -> list[str]:
    """The databases a `--database sqlite|postgresql|both` option names."""
    return ["sqlite", "postgresql"] if choice == "both" else [choice]


def measure_sizes(database: str, sizes: list[int], measure: Callable[[str, int], Measured], *,
                  kept_file: Path | None = None, kept_schema_name: str | None = None
                  ) -> dict[int, Measured]:
    """`measure(url, size)` for each size, each in a fresh database; only the largest size's
    goes to the kept file or schema, if one is named (the one worth keeping: the slowest to
    seed)."""
    results: dict[int, Measured] = {}
    for size in sizes:
        print(f"{database}, {size:,} answers:")
        largest = size == sizes[-1]
        with database_url(database, kept_file=kept_file if largest else None,
                          kept_schema_name=kept_schema_name if largest else None) as url:
            results[size] = measure(url, size)
    return results
