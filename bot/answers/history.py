"""`responses import`: answers given in another survey tool (Delighted, Typeform, a spreadsheet).

Columns (read as bot.workspaces.csv_import reads every import file): `customer` (see
bot.workspaces.customer_lookup), `submitted_at` (ISO 8601 date, meaning midnight UTC, or
date-time, UTC unless it names an offset; never in the future), `metric` (`nps` or `csat`),
`score` (0–10 for NPS, 1–5 for CSAT), and optionally `comment` and `pulse`.

What an imported answer is: an answer of its customer at that time, counted in every figure
of its period like an answer given in Slack (the day rollups, the customer's order of answers,
segments, themes), but with no delivery or wave, so it is in no response rate and no pulse's
own figures. `pulse` is kept as provenance only (the export shows it): a name from another
tool need not mean one of our pulses, and an answer linked to no wave cannot be counted in a
pulse's response rate anyway. Imported detractors raise no follow-up alert: they are history.

A comment is scored as a live one is (language, then sentiment: bot.answers.recording
.stored_sentiment); one older than COMMENT_RETENTION_DAYS keeps its sentiment but not its
words, exactly as the retention sweep leaves a live one.

Each answer's import key is a SHA-256 of its customer (their Slack or synthetic ID, so the
same person named by e-mail in one file and by Slack ID in another is one person), its time to
the microsecond in UTC, and its metric: a file imported twice adds nothing, and a row imported
again with another score or comment corrects the answer (storage.answer_imports). A file
naming the same customer, time and metric twice is refused at the second row.

People the workspace was asked to forget are left out (and counted), so an old file does not
bring them back.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from slack_sdk import WebClient

from bot.answers.comment_modal import COMMENT_MAX_LENGTH
from bot.answers.recording import stored_sentiment
from bot.core.services import Services
from bot.insights import sentiment
from bot.insights.metrics import CSAT_SCALE, NPS_SCALE
from bot.privacy.subjects import forgotten_among
from bot.workspaces.csv_import import (
    CsvRow,
    ImportReport,
    InvalidCell,
    ParsedRows,
    bulk_rows,
    parse_metric,
    parse_moment,
    parse_rows,
    refuse_or_skip,
)
from bot.workspaces.customer_lookup import (
    CustomerRef,
    KeyedRow,
    customer_rows,
    read_customer,
)
from storage.answer_imports import ImportedAnswer, store_imported_answers, stored_imports
from storage.engine import read_only_session, session_scope
from storage.models import Metric
from storage.report_snapshots import drop_snapshots
from storage.respondents import ensure_customer_ids
from storage.responses import CommentSentiment
from storage.retention import retention_cutoff
from storage.workspaces import ensure_workspace

REQUIRED = ("customer", "submitted_at", "metric", "score")
OPTIONAL = ("comment", "pulse")
MAX_ROWS = 200_000
MAX_PULSE = 80  # Pulse.name
SCALES = {Metric.NPS: NPS_SCALE, Metric.CSAT: CSAT_SCALE}
# A whole number; "9.0" too, as spreadsheets export whole numbers.
_WHOLE = re.compile(r"^\d{1,3}(?:\.0+)?$")


@dataclass(slots=True)  # one per row: slots, and no frozen __init__
class HistoryRow:
    line: int
    customer: CustomerRef
    answered_at: datetime
    metric: Metric
    score: int
    comment: str | None = None
    pulse: str | None = None


def parse_score(text: str, metric: Metric) -> int:
    """A score on the metric's scale: 0–10 for NPS, 1–5 for CSAT."""
    scale = SCALES[metric]
    if not text:
        raise InvalidCell("no score")
    if not _WHOLE.match(text):
        raise InvalidCell(f"score {text[:20]!r} is not a whole number")
    score = int(float(text))
    if score not in scale:
        raise InvalidCell(f"score {score} is not on the {metric.value.upper()} scale "
                          f"({scale.start}–{scale.stop - 1})")
    return score


def parse_history_row(
    row: CsvRow, *, now: datetime, customers: dict[str, CustomerRef] | None = None
) -> HistoryRow:
    """One row (InvalidCell names its first mistake). `customers`: the customer cells read so
    far, as a file names each customer many times."""
    customer = read_customer(row.get("customer"), customers)
    answered_at = parse_moment(row.get("submitted_at"), column="submitted_at", now=now)
    metric = parse_metric(row.get("metric"))
    score = parse_score(row.get("score"), metric)
    comment = row.get("comment") or None
    if comment is not None and len(comment) > COMMENT_MAX_LENGTH:
        raise InvalidCell(f"the comment is longer than {COMMENT_MAX_LENGTH:,} characters "
                          f"({len(comment):,})")
    pulse = row.get("pulse") or None
    if pulse is not None and len(pulse) > MAX_PULSE:
        raise InvalidCell(f"the pulse name is longer than {MAX_PULSE} characters")
    return HistoryRow(row.line, customer, answered_at, metric, score, comment, pulse)


def parse_history(text: str, *, now: datetime, max_rows: int = MAX_ROWS
                  ) -> ParsedRows[HistoryRow]:
    customers: dict[str, CustomerRef] = {}
    return parse_rows(text, required=REQUIRED, known=OPTIONAL, max_rows=max_rows,
                      parse=lambda row: parse_history_row(row, now=now, customers=customers))


def import_key(user_id: str, answered_at: datetime, metric: Metric) -> str:
    moment = answered_at.astimezone(UTC).isoformat(timespec="microseconds")
    return hashlib.sha256(f"{user_id}|{moment}|{metric.value}".encode()).hexdigest()


@dataclass(frozen=True)
class HistoryReport(ImportReport):
    added: int
    corrected: int
    unchanged: int
    customers: int  # distinct customers in the rows imported
    comments_past_retention: int = 0  # comments whose words were not kept


_Keyed = KeyedRow[HistoryRow, str]


@bulk_rows()
def import_history(
    services: Services, client: WebClient | None, text: str, *, team_id: str,
    skip_invalid: bool = False,
) -> HistoryReport:
    """Import the file into `team_id`: all of it in one transaction, or nothing (ImportRefused
    lists every mistake) unless `skip_invalid`."""
    now = services.clock()
    parsed = parse_history(text, now=now)
    rows = customer_rows(
        services, client, parsed, team_id=team_id, forgotten_among=forgotten_among,
        key=lambda row, customer: import_key(customer.user_id, row.answered_at, row.metric),
        same="customer, submitted_at and metric")
    problems = refuse_or_skip(rows.problems, skip_invalid=skip_invalid)
    kept = rows.kept
    days = services.settings.comment_retention_days
    cutoff = None if days is None else retention_cutoff(now=now, days=days)
    with read_only_session(services.engine) as session:
        before = stored_imports(session, team_id, [
            k.key for k in kept if k.row.comment is not None])
    # A comment an earlier import stored as the file has it needs no scoring again: its row
    # is given as if its comment were blank, which leaves the stored one as it is.
    commented = [k for k in kept if k.row.comment is not None and (
        k.key not in before or before[k.key].comment != k.row.comment)]
    scored = _score_comments(commented)
    fresh = {k.key for k in commented}
    with session_scope(services.engine) as session:
        ensure_workspace(session=session, team_id=team_id, name="", now=now)
        ids = ensure_customer_ids(
            session=session, team_id=team_id, now=now,
            customers={k.customer.user_id: k.customer.account for k in kept},
        )
        written = store_imported_answers(session=session, team_id=team_id, now=now, answers=[
            _answer(k, ids[k.customer.user_id], scored if k.key in fresh else {}, cutoff)
            for k in kept
        ])
        if written.added or written.corrected:
            # Kept breakdowns were computed without these answers.
            drop_snapshots(session, team_id=team_id)
    return HistoryReport(
        added=written.added, corrected=written.corrected, unchanged=written.unchanged,
        customers=len(ids), forgotten=rows.forgotten,
        comments_past_retention=sum(
            1 for k in commented if cutoff is not None and k.row.answered_at < cutoff),
        skipped=problems, ignored_columns=parsed.ignored_columns,
    )


def _answer(
    k: _Keyed, respondent_id: int, scored: dict[str, CommentSentiment], cutoff: datetime | None
) -> ImportedAnswer:
    """The row as stored: its comment only when `scored` holds it (else as if blank), and its
    words only within the retention period."""
    row = k.row
    felt = scored.get(row.comment) if row.comment is not None else None
    kept = felt is not None and (cutoff is None or row.answered_at >= cutoff)
    return ImportedAnswer(
        import_key=k.key, respondent_id=respondent_id, metric=row.metric, score=row.score,
        answered_at=row.answered_at, comment=row.comment if kept else None, sentiment=felt,
        pulse=row.pulse)


def _score_comments(rows: list[_Keyed]) -> dict[str, CommentSentiment]:
    """Each distinct comment scored once (exports repeat "Great!" a lot)."""
    return {text: stored_sentiment(sentiment.score_comment(text))
            for text in {k.row.comment for k in rows if k.row.comment is not None}}

