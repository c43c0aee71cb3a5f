"""`export`: every answer as CSV or JSON Lines, for people who want their data elsewhere.

One row per answer, in the order of COLUMNS. Anonymous pulses export no respondent, account or
segments, and their answer time only to the day: an exact time could be matched against who
was sent the survey when. Imported answers (`responses import`) are there too, marked
`imported`, with the pulse name their file gave and no wave. `--outcomes` exports the
customers' outcome events instead (renewals, churn…; OUTCOME_COLUMNS), one row each.
CSV cells that a spreadsheet would run as a formula (starting with
= + - @, tab or carriage return) get a leading apostrophe, the OWASP CSV-injection mitigation;
JSON Lines keeps every value as it is, since no spreadsheet evaluates it.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, TextIO

from bot.core.errors import UserFacingError
from bot.insights.metrics import nps_class
from storage.export import ExportedAnswer, ExportedOutcome

COLUMNS = (
    "answered_at",
    "pulse",
    "anonymous",
    "wave_scheduled_for",
    "metric",
    "score",
    "nps_class",
    "csat_satisfied",
    "comment",
    "sentiment_polarity",
    "sentiment_label",
    "respondent",
    "account",
    "segments",
    "imported",
)
OUTCOME_COLUMNS = (
    "occurred_on",
    "event",
    "amount",
    "currency",
    "respondent",
    "account",
    "segments",
    "imported_at",
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ExportFormat(StrEnum):
    CSV = "csv"
    JSONL = "jsonl"


class InvalidExportRequest(UserFacingError):
    """A bad --format or --since; nothing is written."""


def parse_format(value: str) -> ExportFormat:
    try:
        return ExportFormat(value.strip().lower())
    except ValueError:
        raise InvalidExportRequest(
            f"--format {value[:20]!r} is not known: use csv or jsonl"
        ) from None


def parse_since(value: str | None) -> datetime | None:
    """YYYY-MM-DD → the start of that day in UTC."""
    if value is None:
        return None
    try:
        if not _DAY.match(value):
            raise ValueError
        day = date.fromisoformat(value)
    except ValueError:
        raise InvalidExportRequest(
            f"--since {value[:20]!r} is not a date: write YYYY-MM-DD, e.g. 2026-01-31"
        ) from None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def export_record(answer: ExportedAnswer) -> dict[str, Any]:
    """One answer as plain values, keyed by COLUMNS."""
    nps = answer.metric == "nps"
    return {
        "answered_at": (
            answer.answered_at.date().isoformat()
            if answer.anonymous
            else answer.answered_at.isoformat(timespec="seconds")
        ),
        "pulse": answer.pulse,
        "anonymous": answer.anonymous,
        "wave_scheduled_for": (
            answer.wave_scheduled_for.isoformat(timespec="seconds")
            if answer.wave_scheduled_for
            else None
        ),
        "metric": answer.metric,
        "score": answer.score,
        "nps_class": nps_class(answer.score) if nps else None,
        "csat_satisfied": None if nps else answer.score >= 4,
        "comment": answer.comment,
        "sentiment_polarity": answer.sentiment_polarity,
        "sentiment_label": answer.sentiment_label,
        "respondent": answer.respondent,
        "account": answer.account,
        "segments": dict(sorted(answer.attributes.items())) if answer.attributes else None,
        "imported": answer.imported,
    }


def outcome_record(outcome: ExportedOutcome, *, currency: str | None) -> dict[str, Any]:
    """One outcome event as plain values, keyed by OUTCOME_COLUMNS."""
    return {
        "occurred_on": outcome.occurred_on.isoformat(),
        "event": outcome.event,
        "amount": outcome.amount,
        "currency": currency if outcome.amount is not None else None,
        "respondent": outcome.respondent,
        "account": outcome.account,
        "segments": dict(sorted(outcome.attributes.items())) if outcome.attributes else None,
        "imported_at": outcome.imported_at.isoformat(timespec="seconds"),
    }


def csv_cell(value: Any) -> str:
    """A value as a CSV cell a spreadsheet shows but never evaluates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        # Our own numbers (a negative polarity too) are left alone: they cannot be formulas.
        # str() of a float is its shortest exact form (repr), every digit kept.
        return str(value)
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def write_csv(
    records: Iterable[dict[str, Any]], out: TextIO, columns: tuple[str, ...] = COLUMNS
) -> int:
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(columns)
    count = 0
    for record in records:
        writer.writerow([csv_cell(record[column]) for column in columns])
        count += 1
    return count


def write_jsonl(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    count = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def write_export(answers: Iterable[ExportedAnswer], out: TextIO, fmt: ExportFormat) -> int:
    """Write every answer; the number of rows written."""
    records: Iterator[dict[str, Any]] = (export_record(answer) for answer in answers)
    return write_csv(records, out) if fmt is ExportFormat.CSV else write_jsonl(records, out)


def write_outcomes_export(
    outcomes: Iterable[ExportedOutcome], out: TextIO, fmt: ExportFormat, *, currency: str | None
) -> int:
    """Write every outcome event; the number of rows written."""
    records: Iterator[dict[str, Any]] = (outcome_record(o, currency=currency) for o in outcomes)
    if fmt is ExportFormat.CSV:
        return write_csv(records, out, OUTCOME_COLUMNS)
    return write_jsonl(records, out)
