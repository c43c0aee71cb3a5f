"""`outcomes import`: customers' renewals, churn, expansions… from billing or the CRM.

Columns (read as bot.workspaces.csv_import reads every import file): `customer` (see
bot.workspaces.customer_lookup), `event` (one of storage.kinds.OutcomeKind: renewed, churned,
expanded, contracted, purchased, referred, reviewed), `date` (ISO 8601, not in the future) and
optionally `amount`: the customer's annual revenue after the event (0 after a churn), a
non-negative number in the workspace's currency (bot.workspaces.currency), written with a dot
for decimals and no thousands separator or currency sign.

One event per customer, event and day: a file imported twice adds nothing, a row imported
again with another amount corrects it, and a blank amount leaves a stored one alone
(storage.outcome_imports). A file naming the same customer, event and day twice is refused at
the second row. People the workspace was asked to forget are left out, as in the answers
import.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, date

from slack_sdk import WebClient

from bot.core.services import Services
from bot.privacy.subjects import forgotten_among
from bot.workspaces.csv_import import (
    CsvRow,
    ImportReport,
    InvalidCell,
    ParsedRows,
    bulk_rows,
    parse_day,
    parse_rows,
    refuse_or_skip,
)
from bot.workspaces.currency import store_currency, workspace_currency
from bot.workspaces.customer_lookup import CustomerRef, customer_rows, read_customer
from bot.workspaces.grammar import SetCurrency
from storage.engine import session_scope
from storage.models import OutcomeKind
from storage.outcome_imports import ImportedOutcome, store_imported_outcomes
from storage.report_snapshots import drop_snapshots
from storage.respondents import ensure_customer_ids
from storage.workspaces import ensure_workspace

REQUIRED = ("customer", "event", "date")
OPTIONAL = ("amount",)
MAX_ROWS = 200_000
EVENTS = ", ".join(kind.value for kind in OutcomeKind)
# Digits with an optional decimal part: no sign, exponent, separator or currency symbol.
_AMOUNT = re.compile(r"^\d+(?:\.\d+)?$")


@dataclass(slots=True)  # one per row: slots, and no frozen __init__
class OutcomeRow:
    line: int
    customer: CustomerRef
    event: OutcomeKind
    occurred_on: date
    amount: float | None = None


def parse_event(text: str) -> OutcomeKind:
    try:
        return OutcomeKind(text.lower())
    except ValueError:
        raise InvalidCell(f"event {text[:30]!r} is not one of {EVENTS}") from None


def parse_amount(text: str) -> float | None:
    """None for a blank cell; else a finite number from 0 up."""
    if not text:
        return None
    if text.startswith("-") and _AMOUNT.match(text[1:]):
        raise InvalidCell(f"amount {text[:30]!r} is negative: write the revenue after the "
                          "event, 0 after a churn")
    if not _AMOUNT.match(text):
        raise InvalidCell(f"amount {text[:30]!r} is not a number: write it like 1200.50, "
                          "with no thousands separator or currency sign")
    amount = float(text)
    if not math.isfinite(amount):
        raise InvalidCell(f"amount {text[:30]!r} is too large")
    return amount


def parse_outcome_row(
    row: CsvRow, *, today: date, customers: dict[str, CustomerRef] | None = None
) -> OutcomeRow:
    """One row (InvalidCell names its first mistake); `customers` as for the answers."""
    customer = read_customer(row.get("customer"), customers)
    return OutcomeRow(
        line=row.line,
        customer=customer,
        event=parse_event(row.get("event")),
        occurred_on=parse_day(row.get("date"), column="date", today=today),
        amount=parse_amount(row.get("amount")),
    )


def parse_outcomes(text: str, *, today: date, max_rows: int = MAX_ROWS
                   ) -> ParsedRows[OutcomeRow]:
    customers: dict[str, CustomerRef] = {}
    return parse_rows(text, required=REQUIRED, known=OPTIONAL, max_rows=max_rows,
                      parse=lambda row: parse_outcome_row(row, today=today, customers=customers))


@dataclass(frozen=True)
class OutcomesReport(ImportReport):
    added: int
    corrected: int
    unchanged: int
    customers: int
    currency: str | None  # the workspace's, after this import


@bulk_rows()
def import_outcomes(
    services: Services, client: WebClient | None, text: str, *, team_id: str,
    skip_invalid: bool = False, currency: SetCurrency | None = None,
) -> OutcomesReport:
    """Import the file into `team_id`: all of it in one transaction, or nothing (ImportRefused
    lists every mistake) unless `skip_invalid`. `currency`, when given, is stored with the
    events, in the same transaction."""
    now = services.clock()
    parsed = parse_outcomes(text, today=now.astimezone(UTC).date())
    rows = customer_rows(
        services, client, parsed, team_id=team_id, forgotten_among=forgotten_among,
        key=lambda row, customer: (customer.user_id, row.event, row.occurred_on),
        same="customer, event and date")
    problems = refuse_or_skip(rows.problems, skip_invalid=skip_invalid)
    kept = rows.kept
    with session_scope(services.engine) as session:
        ensure_workspace(session=session, team_id=team_id, name="", now=now)
        if currency is not None:
            store_currency(session=session, team_id=team_id, code=currency.code, user_id=None,
                           now=now)
        ids = ensure_customer_ids(
            session=session, team_id=team_id, now=now,
            customers={k.customer.user_id: k.customer.account for k in kept},
        )
        written = store_imported_outcomes(session=session, team_id=team_id, now=now, outcomes=[
            ImportedOutcome(respondent_id=ids[k.customer.user_id], event=k.row.event,
                            occurred_on=k.row.occurred_on, amount=k.row.amount)
            for k in kept
        ])
        if written.added or written.corrected:
            drop_snapshots(session, team_id=team_id)
        chosen = workspace_currency(session=session, team_id=team_id)
    return OutcomesReport(
        added=written.added, corrected=written.corrected, unchanged=written.unchanged,
        customers=len(ids), currency=chosen, forgotten=rows.forgotten,
        skipped=problems, ignored_columns=parsed.ignored_columns,
    )
