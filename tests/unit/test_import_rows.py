"""Reading import files: the cells of `responses import` and `outcomes import` at their edges,
and the file-level promises every import shares (header case, BOM, line numbers)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.answers.history import parse_history, parse_score
from bot.core.ids import USER_ID
from bot.outcomes.importing import parse_amount, parse_event, parse_outcomes
from bot.workspaces.csv_import import (
    ImportRefused,
    InvalidCell,
    parse_day,
    parse_moment,
    read_table,
)
from bot.workspaces.currency import InvalidCurrency, parse_currency
from bot.workspaces.customer_lookup import (
    CustomerKind,
    CustomerRef,
    external_customer_id,
    parse_customer,
)
from storage.models import Metric, OutcomeKind

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
HEADER = "customer,submitted_at,metric,score,comment,pulse\n"


def _problems(text: str) -> list[str]:
    return [str(p) for p in parse_history(text, now=NOW).problems]


@pytest.mark.parametrize(("metric", "score", "ok"), [
    # NPS is 0–10: both ends, and one beyond each (-1 is not a whole number to the parser).
    (Metric.NPS, "-1", False), (Metric.NPS, "0", True), (Metric.NPS, "10", True),
    (Metric.NPS, "11", False),
    # CSAT is 1–5.
    (Metric.CSAT, "0", False), (Metric.CSAT, "1", True), (Metric.CSAT, "5", True),
    (Metric.CSAT, "6", False),
])
def test_a_score_is_taken_exactly_on_its_scale(metric: Metric, score: str, ok: bool) -> None:
    if ok:
        assert parse_score(score, metric) == int(score)
    else:
        with pytest.raises(InvalidCell):
            parse_score(score, metric)


def test_an_out_of_scale_score_names_the_scale() -> None:
    with pytest.raises(InvalidCell, match=r"score 11 is not on the NPS scale \(0–10\)"):
        parse_score("11", Metric.NPS)
    with pytest.raises(InvalidCell, match=r"score 6 is not on the CSAT scale \(1–5\)"):
        parse_score("6", Metric.CSAT)


@pytest.mark.parametrize(("text", "score"), [("9.0", 9), ("7.00", 7)])
def test_a_whole_number_written_as_a_decimal_is_read(text: str, score: int) -> None:
    assert parse_score(text, Metric.NPS) == score


@pytest.mark.parametrize("text", ["9.5", "nine", "", "1e1", "0x9", " "])
def test_anything_but_a_whole_number_is_refused(text: str) -> None:
    with pytest.raises(InvalidCell):
        parse_score(text.strip(), Metric.NPS)


@pytest.mark.parametrize(("text", "moment"), [
    ("2026-01-31", datetime(2026, 1, 31, tzinfo=UTC)),  # a date: midnight UTC
    ("2026-01-31T14:05:00", datetime(2026, 1, 31, 14, 5, tzinfo=UTC)),  # naive: UTC
    ("2026-01-31 14:05", datetime(2026, 1, 31, 14, 5, tzinfo=UTC)),
    ("2026-01-31T14:05:00Z", datetime(2026, 1, 31, 14, 5, tzinfo=UTC)),
    # An offset is converted: 01:30 at +02:00 is 23:30 UTC the day before.
    ("2026-02-01T01:30:00+02:00", datetime(2026, 1, 31, 23, 30, tzinfo=UTC)),
    ("2026-01-31T14:05:00.250000", datetime(2026, 1, 31, 14, 5, 0, 250000, tzinfo=UTC)),
])
def test_submitted_at_is_an_iso_date_or_date_time_in_utc(text: str, moment: datetime) -> None:
    parsed = parse_moment(text, column="submitted_at", now=NOW)
    assert parsed == moment
    assert parsed.utcoffset() == timedelta(0)


@pytest.mark.parametrize("text", [
    "31/01/2026", "01/31/2026", "2026-02-30", "2026-13-01", "yesterday", "", "2026-1-31",
    "1769868300",  # a Unix time: ISO 8601 only
])
def test_a_date_that_is_not_iso_8601_is_refused_with_what_to_write(text: str) -> None:
    with pytest.raises(InvalidCell, match="is not a date: write 2026-01-31"):
        parse_moment(text, column="submitted_at", now=NOW)


def test_an_answer_from_the_future_is_refused_from_one_microsecond_on() -> None:
    assert parse_moment(NOW.isoformat(), column="submitted_at", now=NOW) == NOW
    later = (NOW + timedelta(microseconds=1)).isoformat()
    with pytest.raises(InvalidCell, match="is in the future"):
        parse_moment(later, column="submitted_at", now=NOW)


def test_an_outcome_date_is_a_day_up_to_today() -> None:
    today = NOW.date()
    assert parse_day("2026-11-20", column="date", today=today) == today
    # A date-time gives its UTC day: 23:30 at -05:00 is 04:30 UTC the next day.
    assert parse_day("2026-11-18T23:30:00-05:00", column="date", today=today) == date(
        2026, 11, 19)
    with pytest.raises(InvalidCell, match="is in the future"):
        parse_day("2026-11-21", column="date", today=today)
    with pytest.raises(InvalidCell, match="is not a date"):
        parse_day("20/11/2026", column="date", today=today)


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("U012AB3CD", CustomerKind.SLACK_USER, "U012AB3CD"),
    ("W0123ABCD", CustomerKind.SLACK_USER, "W0123ABCD"),
    ("Ana@Example.COM", CustomerKind.EMAIL, "ana@example.com"),
    ("Acme Corp", CustomerKind.ACCOUNT, "Acme Corp"),
    # Capitals after a U or W without a digit are a company, not a Slack ID.
    ("WALMART", CustomerKind.ACCOUNT, "WALMART"),
    ("UBER", CustomerKind.ACCOUNT, "UBER"),
    ("crm-00042", CustomerKind.ACCOUNT, "crm-00042"),
])
def test_a_customer_is_a_slack_id_an_email_or_an_account(
    text: str, kind: CustomerKind, value: str
) -> None:
    assert parse_customer(text) == CustomerRef(kind, value)


@pytest.mark.parametrize(("text", "message"), [
    ("", "no customer"),
    ("x@y", "is not an e-mail address"),
    ("a" * 256, "longer than 255 characters"),
])
def test_a_customer_cell_that_names_nobody_is_refused(text: str, message: str) -> None:
    with pytest.raises(InvalidCell, match=message):
        parse_customer(text)


def test_a_customer_of_255_characters_is_an_account() -> None:
    assert parse_customer("a" * 255).kind is CustomerKind.ACCOUNT


def test_a_synthetic_id_can_never_be_a_slack_id_and_is_the_same_for_the_same_name() -> None:
    acme = external_customer_id(CustomerRef(CustomerKind.ACCOUNT, "Acme"))
    assert acme.startswith("ext:")
    assert len(acme) == 32  # Respondent.user_id holds 32
    assert not USER_ID.match(acme)
    # Accounts match whatever their case; an e-mail is another namespace.
    assert acme == external_customer_id(CustomerRef(CustomerKind.ACCOUNT, "ACME"))
    assert acme != external_customer_id(CustomerRef(CustomerKind.EMAIL, "acme"))


def test_headers_are_read_whatever_their_case_and_a_bom_is_ignored() -> None:
    text = ("\ufeffCustomer,Submitted At,METRIC,Score,Comment\n"
            "U0CUST1,2026-01-31,NPS,9,Fast\n")
    parsed = parse_history(text, now=NOW)
    assert parsed.problems == []
    [row] = parsed.rows
    assert (row.customer.value, row.metric, row.score, row.comment) == (
        "U0CUST1", Metric.NPS, 9, "Fast")


def test_a_missing_column_refuses_the_file_at_line_1() -> None:
    with pytest.raises(ImportRefused, match="line 1: needs the columns customer, "
                                            "submitted_at, metric, score"):
        parse_history("customer,submitted_at,score\nU0CUST1,2026-01-31,9\n", now=NOW)


def test_an_unknown_column_is_ignored_and_named() -> None:
    parsed = parse_history("customer,submitted_at,metric,score,Survey ID\n"
                           "U0CUST1,2026-01-31,nps,9,abc\n", now=NOW)
    assert parsed.ignored_columns == ["Survey ID"]
    assert len(parsed.rows) == 1


def test_a_column_twice_refuses_the_file() -> None:
    with pytest.raises(ImportRefused, match="the column score appears more than once"):
        parse_history("customer,submitted_at,metric,score,Score\n", now=NOW)


def test_each_problem_names_the_line_the_row_starts_on() -> None:
    text = (HEADER
            + 'U0CUST1,2026-01-31,nps,9,"Two\nlines",q1\n'  # lines 2-3
            + "\n"  # line 4, blank: skipped
            + "U0CUST2,2026-01-31,nps,11,,q1\n"  # line 5
            + ",2026-01-31,nps,9,,q1\n"  # line 6
            + "U0CUST3,31/01/2026,nps,9,,q1\n"  # line 7
            + "U0CUST4,2026-01-31,ces,9,,q1\n"  # line 8
            + "U0CUST5,2026-01-31,csat,0,,q1\n")  # line 9
    assert _problems(text) == [
        "line 5: score 11 is not on the NPS scale (0–10)",
        "line 6: no customer (a Slack user ID, an e-mail or an account)",
        "line 7: submitted_at '31/01/2026' is not a date: write 2026-01-31, "
        "or 2026-01-31T14:05:00Z for a time",
        "line 8: metric 'ces' is not nps or csat",
        "line 9: score 0 is not on the CSAT scale (1–5)",
    ]
    [row] = parse_history(text, now=NOW).rows
    assert (row.line, row.comment) == (2, "Two\nlines")


def test_an_unquoted_comma_in_a_comment_is_refused_not_cut() -> None:
    assert _problems(HEADER + "U0CUST1,2026-01-31,nps,9,Great, fast support,q1\n") == [
        "line 2: 7 cells but the header names 6 columns (put a comment holding a comma in "
        "quotes)"]


def test_a_short_row_leaves_its_optional_cells_blank() -> None:
    [row] = parse_history(HEADER + "U0CUST1,2026-01-31,nps,9\n", now=NOW).rows
    assert (row.comment, row.pulse) == (None, None)


def test_nul_characters_and_surrounding_spaces_are_dropped() -> None:
    [row] = parse_history(HEADER + "U0CUST1 , 2026-01-31 ,nps, 9 ,Fi\x00ne,\n", now=NOW).rows
    assert (row.customer.value, row.score, row.comment) == ("U0CUST1", 9, "Fine")


def test_more_rows_than_the_limit_is_a_problem_at_the_first_row_beyond() -> None:
    text = HEADER + "".join(f"U0CUST1,2026-01-{d:02d},nps,9,,\n" for d in range(1, 5))
    # 3 rows allowed: lines 2-4 are read, line 5 is the first beyond.
    table = read_table(text, required=("customer",), known=(), max_rows=3)
    assert len(table.rows) == 3
    assert [str(p) for p in table.problems] == [
        "line 5: more than 3 rows in one file; split it and import each part"]
    assert read_table(text, required=("customer",), known=(), max_rows=4).problems == []


def test_a_comment_is_kept_to_the_live_limit() -> None:
    ok, long = "x" * 3000, "x" * 3001
    assert _problems(HEADER + f"U0CUST1,2026-01-31,nps,9,{ok},\n") == []
    assert _problems(HEADER + f"U0CUST1,2026-01-31,nps,9,{long},\n") == [
        "line 2: the comment is longer than 3,000 characters (3,001)"]


@pytest.mark.parametrize(("text", "amount"), [
    ("", None), ("0", 0.0), ("1200", 1200.0), ("1200.50", 1200.5), ("0.01", 0.01)])
def test_an_amount_is_a_number_from_zero_up_or_blank(text: str, amount: float | None) -> None:
    assert parse_amount(text) == amount


@pytest.mark.parametrize(("text", "message"), [
    ("-0.01", "is negative"), ("-1200", "is negative"),
    ("1,200.50", "is not a number: write it like 1200.50"),
    ("1.200,50", "is not a number"), ("€1200", "is not a number"), ("1200 EUR", "is not a number"),
    ("nan", "is not a number"), ("inf", "is not a number"), ("1e3", "is not a number"),
    ("+5", "is not a number"), (".5", "is not a number"),
    ("9" * 400, "is too large"),  # past a float's range
])
def test_an_amount_that_is_not_a_plain_non_negative_number_is_refused(
    text: str, message: str
) -> None:
    with pytest.raises(InvalidCell, match=message):
        parse_amount(text)


@pytest.mark.parametrize("kind", list(OutcomeKind))
def test_every_outcome_kind_is_an_event_whatever_its_case(kind: OutcomeKind) -> None:
    assert parse_event(kind.value) is kind
    assert parse_event(kind.value.upper()) is kind


def test_an_unknown_event_names_the_known_ones() -> None:
    with pytest.raises(InvalidCell, match="event 'upgraded' is not one of renewed, churned, "
                                          "expanded, contracted, purchased, referred, reviewed"):
        parse_event("upgraded")


def test_outcome_rows_are_read_with_their_lines() -> None:
    parsed = parse_outcomes(
        "Customer,Event,Date,Amount\nAcme,Renewed,2026-10-01,12000\n"
        "U0CUST1,churned,2026-11-21,0\nGlobex,expanded,2026-10-01,\n", today=NOW.date())
    assert [str(p) for p in parsed.problems] == ["line 3: date '2026-11-21' is in the future"]
    assert [(r.line, r.customer.value, r.event, r.occurred_on, r.amount) for r in parsed.rows] == [
        (2, "Acme", OutcomeKind.RENEWED, date(2026, 10, 1), 12000.0),
        (4, "Globex", OutcomeKind.EXPANDED, date(2026, 10, 1), None)]


@pytest.mark.parametrize(("text", "code"), [
    ("EUR", "EUR"), ("eur", "EUR"), (" gbp ", "GBP"), ("off", None), ("Clear", None),
    ("none", None)])
def test_a_currency_is_three_letters_or_off(text: str, code: str | None) -> None:
    assert parse_currency(text) == code


@pytest.mark.parametrize("text", ["EU", "EURO", "E1R", "€", "", "US$", "ÉUR"])
def test_anything_but_three_letters_is_not_a_currency(text: str) -> None:
    with pytest.raises(InvalidCurrency, match="is not a currency code: write three letters"):
        parse_currency(text)
