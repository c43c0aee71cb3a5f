"""`followups import`: how a team closed the loop on answers it had before the bot.

Columns (read as bot.workspaces.csv_import reads every import file): `customer` (see
bot.workspaces.customer_lookup) and `submitted_at` (ISO 8601) name the answer followed up, as
`responses import` stored it (or as it was given in Slack); `metric` (`nps`, the default, or
`csat`) says which of that instant's answers; `replied_at` and `resolved_at` (ISO 8601, at least
one, neither before the answer nor in the future) say what was done and when; `owner` (a Slack
user ID) who did it.

One follow-up per answer (storage.followup_imports): a file imported twice adds nothing, and
an answer that already has a follow-up keeps it. An answer not stored is a row problem: its
answers are imported first. A file naming the same answer twice is refused at the second row.
People the workspace was asked to forget are left out, as in the other imports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from slack_sdk import WebClient

from bot.core.ids import USER_ID
from bot.core.services import Services
from bot.privacy.subjects import forgotten_among
from bot.workspaces.csv_import import (
    CsvRow,
    ImportReport,
    InvalidCell,
    ParsedRows,
    RowProblem,
    bulk_rows,
    parse_metric,
    parse_moment,
    parse_rows,
    refuse_or_skip,
)
from bot.workspaces.customer_lookup import CustomerRef, customer_rows, read_customer
from storage.engine import session_scope
from storage.followup_imports import (
    ImportedFollowUp,
    find_answers,
    store_imported_follow_ups,
)
from storage.models import Metric
from storage.report_snapshots import drop_snapshots

REQUIRED = ("customer", "submitted_at")
OPTIONAL = ("metric", "replied_at", "resolved_at", "owner")
MAX_ROWS = 200_000


@dataclass(slots=True)  # one per row: slots, and no frozen __init__
class FollowUpRow:
    line: int
    customer: CustomerRef
    answered_at: datetime
    metric: Metric
    replied_at: datetime | None
    resolved_at: datetime | None
    owner: str | None


def _metric_or_nps(text: str) -> Metric:
    """An empty cell means NPS: the answers a team follows up are mostly NPS detractors."""
    return parse_metric(text) if text else Metric.NPS


def _done_at(row: CsvRow, column: str, *, answered_at: datetime, now: datetime
             ) -> datetime | None:
    text = row.get(column)
    if not text:
        return None
    moment = parse_moment(text, column=column, now=now)
    if moment < answered_at:
        raise InvalidCell(f"{column} {text[:40]!r} is before the answer (submitted_at)")
    return moment


def parse_follow_up_row(
    row: CsvRow, *, now: datetime, customers: dict[str, CustomerRef] | None = None
) -> FollowUpRow:
    """One row (InvalidCell names its first mistake); `customers` as for the answers."""
    customer = read_customer(row.get("customer"), customers)
    answered_at = parse_moment(row.get("submitted_at"), column="submitted_at", now=now)
    metric = _metric_or_nps(row.get("metric"))
    replied_at = _done_at(row, "replied_at", answered_at=answered_at, now=now)
    resolved_at = _done_at(row, "resolved_at", answered_at=answered_at, now=now)
    if replied_at is None and resolved_at is None:
        raise InvalidCell("neither replied_at nor resolved_at: give when the customer was "
                          "answered, when it was resolved, or both")
    owner = row.get("owner") or None
    if owner is not None and not USER_ID.match(owner):
        raise InvalidCell(f"owner {owner[:30]!r} is not a Slack user ID (like U012AB3CD)")
    return FollowUpRow(row.line, customer, answered_at, metric, replied_at, resolved_at, owner)


def parse_follow_ups(text: str, *, now: datetime, max_rows: int = MAX_ROWS
                     ) -> ParsedRows[FollowUpRow]:
    customers: dict[str, CustomerRef] = {}
    return parse_rows(text, required=REQUIRED, known=OPTIONAL, max_rows=max_rows,
                      parse=lambda row: parse_follow_up_row(row, now=now, customers=customers))


@dataclass(frozen=True)
class FollowUpsReport(ImportReport):
    added: int
    unchanged: int  # their answer had a follow-up already


@bulk_rows()
def import_follow_ups(
    services: Services, client: WebClient | None, text: str, *, team_id: str,
    skip_invalid: bool = False,
) -> FollowUpsReport:
    """Import the file into `team_id`: all of it in one transaction, or nothing (ImportRefused
    lists every mistake) unless `skip_invalid`."""
    now = services.clock()
    parsed = parse_follow_ups(text, now=now)
    rows = customer_rows(
        services, client, parsed, team_id=team_id, forgotten_among=forgotten_among,
        key=lambda row, customer: (customer.user_id, row.metric, row.answered_at),
        same="customer, submitted_at and metric")
    problems = rows.problems
    # One transaction from finding the answers to storing: an answer found is still there.
    with session_scope(services.engine) as session:
        answers = find_answers(session, team_id=team_id, wanted=(k.key for k in rows.kept))
        for k in rows.kept:
            if k.key not in answers:
                problems.append(RowProblem(
                    k.row.line, f"no {k.row.metric.value} answer of this customer at "
                                f"{k.row.answered_at.isoformat()}: import it first "
                                "(responses import)"))
        refuse_or_skip(problems, skip_invalid=skip_invalid)
        found = [(k.row, answers[k.key]) for k in rows.kept if k.key in answers]
        added = store_imported_follow_ups(session=session, team_id=team_id, follow_ups=[
            ImportedFollowUp(answer, row.replied_at, row.resolved_at, row.owner,
                             raised_at=row.answered_at)
            for row, answer in found
        ])
        if added:
            drop_snapshots(session, team_id=team_id)  # kept loop effects counted without them
    return FollowUpsReport(added=added, unchanged=len(found) - added,
                           forgotten=rows.forgotten, skipped=problems,
                           ignored_columns=parsed.ignored_columns)
