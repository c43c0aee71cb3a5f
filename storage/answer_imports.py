"""Answers brought from other survey tools (`responses import`), written in bulk.

An imported answer has a respondent but no delivery, wave or anonymous key; its import key
(unique per workspace) finds it again, so a second import of the same rows adds nothing. Like a
click, it counts in the day rollups (storage.rollups) and takes its place in its customer's
order (storage.answer_order), in the transaction that writes it, so reports never see half an
import. Unlike a click it is written in bulk: one statement per few hundred rows, never one
ORM round trip per answer (100,000 rows in seconds).

A row imported again with another score, or another comment, corrects the stored answer: the
file is the record of what the customer said there. A blank comment leaves a stored one alone
(a partial export must not erase words). The rollups move the answer from its old score to its
new one, and the customer's order is renumbered, as for a changed click.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy import select as sa_select
from sqlmodel import Session

from storage.answer_order import lock_respondents, number_new_answers, renumber_respondents
from storage.batches import in_batches
from storage.models import Metric, Response
from storage.responses import NO_ACTION_TS, CommentSentiment
from storage.rollups import answer_day, count_answers

_response: Any = Response.__table__  # type: ignore[attr-defined]

# A corrected score (and the pulse named); with a comment given, its words and sentiment too.
_CORRECT_SCORE = (
    update(_response)
    .where(_response.c.id == bindparam("answer_id"))
    .values(score=bindparam("new_score"), import_pulse=bindparam("new_pulse"),
            changed_at=bindparam("when", type_=_response.c.changed_at.type))
)
_CORRECT_COMMENT = _CORRECT_SCORE.values(
    comment=bindparam("new_comment"),
    commented_at=bindparam("new_commented_at", type_=_response.c.commented_at.type),
    sentiment_polarity=bindparam("new_polarity"),
    sentiment_subjectivity=bindparam("new_subjectivity"),
    sentiment_label=bindparam("new_label"),
    comment_language=bindparam("new_language"),
)


@dataclass(slots=True)  # one per row: slots, and no frozen __init__
class ImportedAnswer:
    import_key: str
    respondent_id: int
    metric: Metric
    score: int
    answered_at: datetime
    # The words, or None: none given, or past the comment retention period (then only the
    # sentiment is kept, as for a live comment the retention sweep blanked).
    comment: str | None = None
    # Set when the row had a comment, kept or not.
    sentiment: CommentSentiment | None = None
    pulse: str | None = None


@dataclass(frozen=True)
class AnswersWritten:
    added: int
    corrected: int
    unchanged: int


@dataclass(frozen=True)
class StoredImport:
    """What an earlier import stored under a key: what a row imported again is compared with."""

    answer_id: int
    score: int
    comment: str | None
    label: str | None
    pulse: str | None
    changed_at: datetime | None


def store_imported_answers(
    *, session: Session, team_id: str, answers: Sequence[ImportedAnswer], now: datetime
) -> AnswersWritten:
    """Add the answers not stored yet and correct the ones that changed, in the caller's
    transaction (keys must be distinct: the caller refuses a file that repeats one)."""
    with roomy_sqlite_cache(session):
        return _store(session, team_id, answers, now)


ANALYZE_FROM = 10_000  # new answers in one import

# SQLite's page cache for the import's connection while it writes (KiB): the default 2 MB
# thrashes on 100,000 inserts into the answer table's six indexes, a third of the time
# (benchmarks/bench_import.py). Only this connection, only while it imports; pages are
# taken as needed, not reserved.
IMPORT_CACHE_KIB = 65_536


@contextmanager
def roomy_sqlite_cache(session: Session) -> Iterator[None]:
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    before = int(connection.exec_driver_sql("PRAGMA cache_size").scalar_one())
    connection.exec_driver_sql(f"PRAGMA cache_size=-{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={before}")


def _store(
    session: Session, team_id: str, answers: Sequence[ImportedAnswer], now: datetime
) -> AnswersWritten:
    # The customers first, as a click locks its customer: their order is renumbered below,
    # and a click of one of them waits until the import commits.
    lock_respondents(session, (a.respondent_id for a in answers))
    stored = stored_imports(session, team_id, [a.import_key for a in answers])
    deltas: Counter[tuple[Metric, date, int]] = Counter()
    new: list[dict[str, Any]] = []
    corrections: dict[bool, list[dict[str, Any]]] = {False: [], True: []}
    touched: set[int] = set()
    for answer in answers:
        before = stored.get(answer.import_key)
        day = (answer.metric, answer_day(answer.answered_at))
        if before is None:
            new.append(_row(team_id, answer))
            deltas[(*day, answer.score)] += 1
            touched.add(answer.respondent_id)
            continue
        correction = _correction(before, answer, now)
        if correction is None:
            continue
        corrections[answer.sentiment is not None].append(correction)
        if before.score != answer.score:
            deltas[(*day, before.score)] -= 1
            deltas[(*day, answer.score)] += 1
            touched.add(answer.respondent_id)
    number_new_answers(session, new)
    connection = session.connection()
    for batch in in_batches(new, 500):
        connection.execute(insert(_response), list(batch))
    if len(new) >= ANALYZE_FROM and connection.dialect.name == "postgresql":
        # The planner's statistics predate these rows until autovacuum comes by: the
        # renumbering below (and the next import's lookups) would plan for a table a fraction
        # of its size and scan it whole, once per batch of customers. In this transaction,
        # so it sees the new rows; it samples, so it costs a fraction of a second.
        connection.exec_driver_sql("ANALYZE response")
    for with_comment, statement in ((False, _CORRECT_SCORE), (True, _CORRECT_COMMENT)):
        if corrections[with_comment]:
            connection.execute(statement, corrections[with_comment])
    count_answers(session=session, team_id=team_id, deltas=deltas)
    renumber_respondents(session, touched)
    corrected = len(corrections[False]) + len(corrections[True])
    return AnswersWritten(added=len(new), corrected=corrected,
                          unchanged=len(answers) - len(new) - corrected)


def stored_imports(
    session: Session, team_id: str, keys: list[str]
) -> dict[str, StoredImport]:
    """The answers already stored under these import keys, by key."""
    c = _response.c
    found: dict[str, StoredImport] = {}
    for batch in in_batches(keys):
        for key, *values in session.connection().execute(
            sa_select(c.import_key, c.id, c.score, c.comment, c.sentiment_label, c.import_pulse,
                      c.changed_at)
            .where(c.team_id == team_id, c.import_key.in_(batch))
        ):
            found[key] = StoredImport(*values)
    return found


def _sentiment_values(sentiment: CommentSentiment | None) -> dict[str, Any]:
    return {
        "sentiment_polarity": None if sentiment is None else sentiment.polarity,
        "sentiment_subjectivity": None if sentiment is None else sentiment.subjectivity,
        "sentiment_label": None if sentiment is None else sentiment.label,
        "comment_language": None if sentiment is None else sentiment.language,
    }


def _row(team_id: str, answer: ImportedAnswer) -> dict[str, Any]:
    return {
        "delivery_id": None, "anonymous_key": None, "wave_id": None,
        "respondent_id": answer.respondent_id, "respondent_seq": None, "previous_score": None,
        "team_id": team_id, "metric": answer.metric.value, "score": answer.score,
        # No click can ever change an imported answer: the oldest possible click time.
        "action_ts": NO_ACTION_TS,
        "answered_at": answer.answered_at, "changed_at": None,
        "comment": answer.comment,
        "commented_at": answer.answered_at if answer.sentiment is not None else None,
        **_sentiment_values(answer.sentiment),
        "import_key": answer.import_key, "import_pulse": answer.pulse,
    }


def _correction(
    before: StoredImport, answer: ImportedAnswer, now: datetime
) -> dict[str, Any] | None:
    """The UPDATE's parameters when the row says something else than the stored answer."""
    # A blank comment in the file leaves the stored one (and its sentiment) alone.
    commented = answer.sentiment is not None
    comment = answer.comment if commented else before.comment
    label = answer.sentiment.label if answer.sentiment is not None else before.label
    pulse = answer.pulse if answer.pulse is not None else before.pulse
    if (before.score, before.comment, before.label, before.pulse) == (
            answer.score, comment, label, pulse):
        return None
    # changed_at says the score changed after it was given, as for a click.
    values = {"answer_id": before.answer_id, "new_score": answer.score, "new_pulse": pulse,
              "when": now if before.score != answer.score else before.changed_at}
    if commented:
        sentiment = _sentiment_values(answer.sentiment)
        values |= {"new_comment": comment, "new_commented_at": answer.answered_at,
                   "new_polarity": sentiment["sentiment_polarity"],
                   "new_subjectivity": sentiment["sentiment_subjectivity"],
                   "new_label": sentiment["sentiment_label"],
                   "new_language": sentiment["comment_language"]}
    return values
