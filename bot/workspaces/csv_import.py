"""Reading an import file (customers, answers, outcomes): one place for what every import
promises about the file.

- Header names are read case- and space-insensitively ("Submitted At" is `submitted_at`); a
  byte-order mark (as Excel writes one) is ignored; a column the import does not know is
  ignored and named in its report.
- Each row is reported by the line it starts on (the header is line 1), also when a quoted
  comment spans several lines; blank lines are skipped.
- Cells are stripped of surrounding spaces, and the file of NUL characters (PostgreSQL
  refuses them).
- A file with mistakes changes nothing (ImportRefused lists every mistake with its line)
  unless the import is told to skip them.
"""

from __future__ import annotations

import csv
import gc
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Generic, TypeVar

from bot.core.errors import UserFacingError
from bot.core.text import plural
from storage.models import Metric

_NOT_A_NAME = re.compile(r"[^a-z0-9_]+")
MAX_SHOWN = 20


class ImportRefused(UserFacingError):
    """The file has mistakes; nothing was imported. `problems` lists each with its line."""

    def __init__(self, problems: Sequence[object]) -> None:
        problems = [str(p) for p in problems]
        shown = "\n".join(f"  {p}" for p in problems[:MAX_SHOWN])
        more = (f"\n  … and {len(problems) - MAX_SHOWN} more"
                if len(problems) > MAX_SHOWN else "")
        super().__init__(
            f"Nothing imported: {plural(len(problems), 'problem')} in the file\n{shown}{more}\n"
            "Fix them, or import the valid rows with --skip-invalid."
        )
        self.problems = problems


@dataclass(frozen=True, order=True)
class RowProblem:
    """A row that cannot be imported, and why; listed in line order."""

    line: int
    text: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.text}"


class InvalidCell(ValueError):
    """One cell cannot be read; the message says why, for the row's problem line."""


def parse_metric(text: str) -> Metric:
    """A `metric` cell: nps or csat, in any case."""
    try:
        return Metric(text.lower())
    except ValueError:
        raise InvalidCell(f"metric {text[:20]!r} is not nps or csat") from None


def column_name(header: str) -> str:
    """A header as the name an import knows it by: lower case, words joined by `_` (a
    byte-order mark before the first one goes with the other characters that are not)."""
    return _NOT_A_NAME.sub("_", header.strip().lower()).strip("_")[:40]


class CsvRow:
    """One row: where it starts in the file (the header is line 1) and its stripped cells,
    read by column name. A plain class with slots: an import reads 100,000 of them."""

    __slots__ = ("_cells", "_index", "line")

    def __init__(self, line: int, cells: list[str], index: dict[str, int]) -> None:
        self.line = line
        self._cells = cells
        self._index = index  # column name → position, shared by every row of the file

    def get(self, column: str) -> str:
        """The cell, or "" when the column is absent or the row shorter."""
        position = self._index.get(column)
        return self._cells[position] if position is not None and position < len(
            self._cells) else ""

    @property
    def values(self) -> dict[str, str]:
        """Every named cell, blank ones as ""."""
        return {name: self.get(name) for name in self._index}


@dataclass(frozen=True)
class CsvTable:
    columns: list[str]  # the header's names, as column_name reads them
    rows: list[CsvRow]
    ignored_columns: list[str]  # as written in the header
    problems: list[RowProblem]  # rows that cannot be read at all


def read_table(
    text: str, *, required: Iterable[str], known: Iterable[str] | None, max_rows: int,
    needs: str | None = None,
) -> CsvTable:
    """The rows of `text`, or ImportRefused when its header lacks a required column.

    `known`: the optional columns; any other is ignored and named in `ignored_columns`. None:
    every column is kept (the customer import turns them into segments). `needs`: the
    sentence for a header that lacks what is required, instead of listing `required`.
    A row with more cells than the header has columns is a problem, not cut short: an
    unquoted comma in a comment would otherwise lose the words after it."""
    # NUL characters go before anything reads the text: PostgreSQL refuses them in text.
    # A byte-order mark needs no removing: column_name drops it with the other non-letters.
    reader = csv.reader(io.StringIO(text.replace("\x00", "")))
    header = next(reader, [])
    names = [column_name(h) for h in header]
    required = tuple(required)
    missing = [c for c in required if c not in names]
    if missing or not any(names):
        raise ImportRefused([f"line 1: {needs}" if needs else
                             f"line 1: needs the columns {', '.join(required)} "
                             f"(missing: {', '.join(missing) or 'all'})"])
    repeated = sorted({n for n in names if n and names.count(n) > 1})
    if repeated:
        raise ImportRefused([f"line 1: the column {repeated[0]} appears more than once"])
    wanted = None if known is None else {*required, *known}
    index = {name: position for position, name in enumerate(names) if name}
    ignored = [h.strip() for h, n in zip(header, names, strict=True)
               if h.strip() and wanted is not None and n not in wanted]
    rows: list[CsvRow] = []
    problems: list[RowProblem] = []
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise ImportRefused([f"line {start}: the file is not valid CSV ({exc})"]) from None
        cells = [cell.strip() for cell in cells]
        if not any(cells):
            continue
        if len(rows) == max_rows:
            problems.append(RowProblem(start, f"more than {max_rows:,} rows in one file; "
                                              "split it and import each part"))
            break
        if len(cells) > len(header) and any(cells[len(header):]):
            problems.append(RowProblem(
                start, f"{len(cells)} cells but the header names {len(header)} columns "
                       "(put a comment holding a comma in quotes)"))
            continue
        rows.append(CsvRow(start, cells, index))
    return CsvTable(names, rows, ignored, problems)


T = TypeVar("T")


@dataclass(frozen=True)
class ParsedRows(Generic[T]):
    """Every row of a file that reads, and a problem for every one that does not (nothing asked
    of Slack or the database yet)."""

    rows: list[T]
    problems: list[RowProblem]
    ignored_columns: list[str]


def parse_rows(
    text: str, *, required: Iterable[str], known: Iterable[str], max_rows: int,
    parse: Callable[[CsvRow], T],
) -> ParsedRows[T]:
    """The file's rows read by `parse`, whose InvalidCell names a row's first mistake."""
    table = read_table(text, required=required, known=known, max_rows=max_rows)
    rows: list[T] = []
    problems = list(table.problems)
    for row in table.rows:
        try:
            rows.append(parse(row))
        except InvalidCell as mistake:
            problems.append(RowProblem(row.line, str(mistake)))
    return ParsedRows(rows, problems, table.ignored_columns)


@dataclass(frozen=True, kw_only=True)
class ImportReport:
    """What every import's report says it did not import; each kind's report adds what it
    stored (keyword-only here, so a kind's own fields come first and need no default)."""

    forgotten: int = 0  # rows left out: their customer asked to be forgotten
    skipped: list[RowProblem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


def refuse_or_skip(problems: list[RowProblem], *, skip_invalid: bool) -> list[RowProblem]:
    """The problems in line order, for the report of an import told to skip them; without
    `skip_invalid`, ImportRefused lists them all and nothing is imported."""
    problems.sort()
    if problems and not skip_invalid:
        raise ImportRefused(problems)
    return problems


@contextmanager
def bulk_rows() -> Iterator[None]:
    """Python's cycle collector paused while an import builds its rows. It rescans every
    object it tracks each time enough new ones were made, so 100,000 rows of small objects
    (none of them in a cycle) cost it more than the reading itself: half of the parsing
    time, measured by benchmarks/bench_import.py. Restored as it was, whatever happens."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
WRITE_MOMENT = "write 2026-01-31, or 2026-01-31T14:05:00Z for a time"


def parse_moment(text: str, *, column: str, now: datetime) -> datetime:
    """An ISO 8601 date (midnight UTC) or date-time (UTC when it names no offset), in UTC,
    no later than `now`."""
    if not (_DAY.match(text) or _MOMENT.match(text)):
        raise InvalidCell(f"{column} {text[:40]!r} is not a date: {WRITE_MOMENT}")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidCell(f"{column} {text[:40]!r} is not a date: {WRITE_MOMENT}") from None
    moment = (moment.replace(tzinfo=UTC) if moment.tzinfo is None
              else moment.astimezone(UTC))
    if moment > now:
        raise InvalidCell(f"{column} {text[:40]!r} is in the future")
    return moment


def parse_day(text: str, *, column: str, today: date) -> date:
    """An ISO 8601 date (a date-time gives its UTC day), no later than `today`."""
    if not (_DAY.match(text) or _MOMENT.match(text)):
        raise InvalidCell(f"{column} {text[:40]!r} is not a date: write 2026-01-31")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidCell(f"{column} {text[:40]!r} is not a date: write 2026-01-31") from None
    day = (moment if moment.tzinfo is None else moment.astimezone(UTC)).date()
    if day > today:
        raise InvalidCell(f"{column} {text[:40]!r} is in the future")
    return day
