"""`export`: every answer as CSV or JSON Lines, anonymous pulses without a person."""

from __future__ import annotations

import csv
import io
import json
import time
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlmodel import Session

from bot.privacy.export import COLUMNS, ExportFormat, write_export
from storage.engine import read_only_session, session_scope
from storage.export import stream_answers
from storage.workspaces import ensure_workspace
from tests.integration.answer_history import ANN, BOB, OTHER_TEAM, TEAM, seed_answer_history


def _export(engine: Engine, fmt: ExportFormat, since: datetime | None = None) -> str:
    out = io.StringIO()
    with Session(engine) as session:
        write_export(stream_answers(session=session, team_id=TEAM, since=since), out, fmt)
    return out.getvalue()


def test_csv_has_the_documented_columns_and_values(engine: Engine) -> None:
    seed_answer_history(engine)

    rows = list(csv.reader(io.StringIO(_export(engine, ExportFormat.CSV))))

    assert tuple(rows[0]) == COLUMNS
    records = [dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]]
    assert len(records) == 7  # 3 + 2 + 2 answers here; the other workspace's answer is not
    ann = records[0]
    assert ann == {
        "answered_at": "2026-09-01T09:07:00+00:00", "pulse": "q3-nps", "anonymous": "false",
        "wave_scheduled_for": "2026-09-01T09:00:00+00:00", "metric": "nps", "score": "10",
        "nps_class": "promoter", "csat_satisfied": "", "comment": "Love it, great",
        "sentiment_polarity": "0.65", "sentiment_label": "positive", "respondent": ANN,
        "account": "'=HYPERLINK(\"http://x\")", "segments": '{"plan": "enterprise"}',
        "imported": "false",
    }
    bob = records[1]
    assert (bob["nps_class"], bob["comment"], bob["sentiment_polarity"]) == (
        "detractor", "'-slow exports", "-0.3"  # a negative number stays a number
    )
    assert bob["segments"] == '{"plan": "starter", "region": "EMEA"}'
    cat = records[2]
    assert (cat["nps_class"], cat["account"], cat["segments"]) == ("passive", "", "")
    csat = [r for r in records if r["metric"] == "csat"]
    assert [(r["score"], r["csat_satisfied"], r["nps_class"]) for r in csat] == [
        ("5", "true", ""), ("2", "false", "")
    ]
    assert csat[1]["comment"] == "'@here nobody answered"


def test_anonymous_pulses_export_no_person(engine: Engine) -> None:
    seed_answer_history(engine)

    rows = [json.loads(line) for line in _export(engine, ExportFormat.JSONL).splitlines()]

    secret = [r for r in rows if r["pulse"] == "secret-nps"]
    assert len(secret) == 2
    for row in secret:
        assert row["anonymous"] is True
        assert row["respondent"] is None
        assert row["account"] is None
        assert row["segments"] is None
        assert row["answered_at"] == "2026-10-31"  # the day only: no time to match against
    assert {r["comment"] for r in secret} == {"anonymous praise", None}
    assert ANN not in json.dumps(secret)
    assert BOB not in json.dumps(secret)


def test_jsonl_is_one_object_per_line_with_unescaped_values(engine: Engine) -> None:
    seed_answer_history(engine)

    lines = _export(engine, ExportFormat.JSONL).splitlines()

    rows = [json.loads(line) for line in lines]
    assert len(rows) == 7
    assert all(list(row) == list(COLUMNS) for row in rows)
    assert rows[0]["account"] == '=HYPERLINK("http://x")'  # no spreadsheet reads JSON Lines
    assert rows[0]["segments"] == {"plan": "enterprise"}
    assert rows[0]["score"] == 10
    assert rows[0]["sentiment_polarity"] == 0.65


def test_since_keeps_answers_from_that_day_on(engine: Engine) -> None:
    seed_answer_history(engine)

    text = _export(engine, ExportFormat.JSONL, since=datetime(2026, 10, 2, tzinfo=UTC))

    assert {json.loads(line)["pulse"] for line in text.splitlines()} == {"secret-nps"}


def test_other_workspaces_are_separate(engine: Engine) -> None:
    seed_answer_history(engine)
    out = io.StringIO()
    with Session(engine) as session:
        write_export(stream_answers(session=session, team_id=OTHER_TEAM), out, ExportFormat.JSONL)

    assert [json.loads(line)["pulse"] for line in out.getvalue().splitlines()] == ["other-nps"]


def test_a_long_export_does_not_hold_up_the_bot(engine: Engine) -> None:
    seed_answer_history(engine)

    with read_only_session(engine) as session:
        rows = stream_answers(session=session, team_id=TEAM)
        first = next(rows)
        # Mid-export, someone answers: on SQLite this would wait for the export's write lock.
        started = time.monotonic()
        with session_scope(engine) as writer:
            ensure_workspace(session=writer, team_id="T0NEW", name="new", now=first.answered_at)
        waited = time.monotonic() - started
        assert len(list(rows)) == 6

    assert waited < 5
