"""The export's rules one value at a time: the CSV formula guard, each column, the options."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.privacy.export import (
    COLUMNS,
    OUTCOME_COLUMNS,
    ExportFormat,
    InvalidExportRequest,
    csv_cell,
    export_record,
    outcome_record,
    parse_format,
    parse_since,
    write_export,
    write_outcomes_export,
)
from storage.export import ExportedAnswer, ExportedOutcome

ANSWERED = datetime(2026, 10, 31, 14, 5, 9, 123456, tzinfo=UTC)
WAVE = datetime(2026, 10, 31, 9, 0, tzinfo=UTC)


def _answer(**changes: Any) -> ExportedAnswer:
    values: dict[str, Any] = {
        "answered_at": ANSWERED, "pulse": "q4-nps", "anonymous": False,
        "wave_scheduled_for": WAVE, "metric": "nps", "score": 9, "comment": "fine",
        "sentiment_polarity": 0.25, "sentiment_label": "positive", "respondent": "U0ANN",
        "account": "Acme", "attributes": {"region": "EMEA", "plan": "pro"},
    }
    return ExportedAnswer(**(values | changes))


# OWASP's list: every character a spreadsheet reads as the start of a formula or a command.
@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_starting_a_formula_gets_a_leading_apostrophe(start: str) -> None:
    assert csv_cell(f"{start}SUM(A1:A9)") == f"'{start}SUM(A1:A9)"
    assert csv_cell(start) == f"'{start}"


@pytest.mark.parametrize("text", ["SUM(A1:A9)", "a=b", "x+1", "me@example.com", " =1", "\n=1", ""])
def test_a_cell_that_starts_otherwise_is_left_as_it_is(text: str) -> None:
    # Only the first character counts: a formula sign inside the text is harmless.
    assert csv_cell(text) == text


def test_a_segments_dict_is_guarded_on_its_json_text() -> None:
    assert csv_cell({"plan": "pro"}) == '{"plan": "pro"}'
    assert csv_cell({"plan": "=1+1", "région": "Île"}) == '{"plan": "=1+1", "région": "Île"}'


def test_numbers_booleans_and_nothing_read_as_themselves() -> None:
    assert csv_cell(-0.3) == "-0.3"  # our own negative number is not a formula
    assert csv_cell(-3) == "-3"
    assert csv_cell(0.1 + 0.2) == "0.30000000000000004"  # repr: every digit, nothing rounded
    assert csv_cell(7) == "7"
    assert csv_cell(True) == "true"
    assert csv_cell(False) == "false"
    assert csv_cell(None) == ""


def test_a_guarded_cell_survives_the_csv_writer() -> None:
    out = io.StringIO()
    write_export([_answer(comment="\r=cmd|' /C calc'!A0", account="+1 555")], out, ExportFormat.CSV)

    header, row = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    record = dict(zip(header, row, strict=True))
    assert record["comment"] == "'\r=cmd|' /C calc'!A0"
    assert record["account"] == "'+1 555"
    assert out.getvalue().endswith("\r\n")


def test_a_named_answer_exports_every_column() -> None:
    assert export_record(_answer()) == {
        "answered_at": "2026-10-31T14:05:09+00:00",  # to the second, no microseconds
        "pulse": "q4-nps", "anonymous": False,
        "wave_scheduled_for": "2026-10-31T09:00:00+00:00", "metric": "nps", "score": 9,
        "nps_class": "promoter", "csat_satisfied": None, "comment": "fine",
        "sentiment_polarity": 0.25, "sentiment_label": "positive", "respondent": "U0ANN",
        "account": "Acme", "segments": {"plan": "pro", "region": "EMEA"}, "imported": False,
    }
    assert list(export_record(_answer())) == list(COLUMNS)
    assert list(export_record(_answer())["segments"]) == ["plan", "region"]  # sorted by name


def test_an_imported_answer_says_so_with_its_files_pulse_and_no_wave() -> None:
    record = export_record(_answer(imported=True, pulse="Delighted NPS", wave_scheduled_for=None))
    assert (record["imported"], record["pulse"], record["wave_scheduled_for"]) == (
        True, "Delighted NPS", None)
    assert record["answered_at"] == "2026-10-31T14:05:09+00:00"  # named: to the second
    assert csv_cell(record["imported"]) == "true"


def test_an_outcome_event_exports_every_column_and_its_currency_only_with_an_amount() -> None:
    outcome = ExportedOutcome(occurred_on=date(2026, 10, 1), event="renewed", amount=1200.5,
                              respondent="U0ANN", account="Acme",
                              attributes={"region": "EMEA", "plan": "pro"}, imported_at=ANSWERED)
    assert outcome_record(outcome, currency="EUR") == {
        "occurred_on": "2026-10-01", "event": "renewed", "amount": 1200.5, "currency": "EUR",
        "respondent": "U0ANN", "account": "Acme", "segments": {"plan": "pro", "region": "EMEA"},
        "imported_at": "2026-10-31T14:05:09+00:00",
    }
    assert list(outcome_record(outcome, currency=None)) == list(OUTCOME_COLUMNS)
    blank = outcome_record(replace(outcome, amount=None, attributes={}), currency="EUR")
    assert (blank["amount"], blank["currency"], blank["segments"]) == (None, None, None)
    out = io.StringIO()
    assert write_outcomes_export([outcome], out, ExportFormat.CSV, currency="EUR") == 1
    header, row = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert tuple(header) == OUTCOME_COLUMNS
    assert row[:4] == ["2026-10-01", "renewed", "1200.5", "EUR"]


def test_an_anonymous_answer_keeps_only_its_day() -> None:
    record = export_record(_answer(anonymous=True, respondent=None, account=None, attributes=None))
    assert record["answered_at"] == "2026-10-31"
    assert (record["respondent"], record["account"], record["segments"]) == (None, None, None)


def test_missing_wave_time_and_empty_segments_read_as_nothing() -> None:
    record = export_record(_answer(wave_scheduled_for=None, attributes={}))
    assert (record["wave_scheduled_for"], record["segments"]) == (None, None)


@pytest.mark.parametrize(("score", "satisfied"), [(1, False), (3, False), (4, True), (5, True)])
def test_csat_satisfied_starts_at_4(score: int, satisfied: bool) -> None:
    record = export_record(_answer(metric="csat", score=score))
    assert (record["csat_satisfied"], record["nps_class"]) == (satisfied, None)


@pytest.mark.parametrize(
    ("score", "label"), [(0, "detractor"), (6, "detractor"), (7, "passive"), (8, "passive"),
                         (9, "promoter"), (10, "promoter")],
)
def test_nps_class_follows_each_boundary(score: int, label: str) -> None:
    assert export_record(_answer(score=score))["nps_class"] == label


def test_jsonl_keeps_values_as_they_are() -> None:
    out = io.StringIO()
    count = write_export([_answer(account="=1+1", comment="Ça va"), _answer()], out,
                         ExportFormat.JSONL)

    lines = out.getvalue().split("\n")
    assert count == 2
    assert lines[-1] == ""  # every record ends its line
    assert json.loads(lines[0])["account"] == "=1+1"
    assert '"Ça va"' in lines[0]  # written as UTF-8, not \u escapes


def test_write_export_counts_csv_rows_after_the_header() -> None:
    out = io.StringIO()
    assert write_export([_answer(), _answer(), _answer()], out, ExportFormat.CSV) == 3
    assert write_export([], io.StringIO(), ExportFormat.CSV) == 0
    assert out.getvalue().split("\r\n")[0] == ",".join(COLUMNS)


@pytest.mark.parametrize("value", ["csv", "CSV", " jsonl ", "JsonL"])
def test_a_format_is_read_whatever_its_case_and_spaces(value: str) -> None:
    assert parse_format(value) is ExportFormat(value.strip().lower())


def test_an_unknown_format_is_refused_by_name() -> None:
    with pytest.raises(InvalidExportRequest,
                       match=r"^--format 'xlsx' is not known: use csv or jsonl$"):
        parse_format("xlsx")
    with pytest.raises(InvalidExportRequest, match=r"--format 'x{20}' is not known"):
        parse_format("x" * 50)  # quoted back, but only its start


def test_since_is_the_start_of_that_day_in_utc() -> None:
    assert parse_since("2026-01-31") == datetime(2026, 1, 31, tzinfo=UTC)
    assert parse_since(None) is None


@pytest.mark.parametrize("value", ["2026-1-31", "2026-02-30", "31/01/2026", "2026-01-31T00:00",
                                   " 2026-01-31", "2026-01-31\n", ""])
def test_since_must_be_one_real_day_written_yyyy_mm_dd(value: str) -> None:
    with pytest.raises(InvalidExportRequest, match="is not a date: write YYYY-MM-DD"):
        parse_since(value)


def test_a_long_since_is_quoted_back_only_by_its_start() -> None:
    with pytest.raises(InvalidExportRequest, match=r"^--since '9{20}' is not a date: write "):
        parse_since("9" * 50)
