"""`followups import` against a real database (SQLite and PostgreSQL): follow-ups recorded on
imported answers count in the loop effect, once, and a bad row imports nothing.

The answers (90 days to NOW, 20 Nov; recovered means a next NPS answer of 7 or more):

    customer  detractor answer       follow-up in the file         next answer
    U0C0000   1 Sep 10:00 NPS 3      replied 2 Sep (open)          1 Oct: 9, recovered, +6
    U0C0001   1 Sep NPS 4            resolved 3 Sep                1 Oct: 6, not, +2
    U0C0002   1 Sep NPS 2            none                          1 Oct: 9, recovered, +7

Followed up: 1 of 2 recovered, mean +4. Not followed up: 1 of 1, +7. Waiting: U0C0001's 6.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from bot.answers.history import import_history
from bot.core.periods import PeriodSpec
from bot.core.services import Services
from bot.followups.effect import build_loop_effect
from bot.followups.importing import FollowUpsReport, import_follow_ups
from bot.workspaces.csv_import import ImportRefused
from storage.continuum import raise_follow_ups
from storage.engine import session_scope
from storage.models import FollowUp, Metric, Response
from storage.retention import purge_expired_comments
from tests.db.importing import NO_SLACK
from tests.db.test_answer_order import NOW, TEAM

ANSWERS = ("customer,submitted_at,metric,score\n"
           "U0C0000,2026-09-01T10:00:00Z,nps,3\n"
           "U0C0000,2026-09-01T10:00:00Z,csat,2\n"
           "U0C0001,2026-09-01,nps,4\n"
           "U0C0002,2026-09-01,nps,2\n"
           "U0C0000,2026-10-01,nps,9\n"
           "U0C0001,2026-10-01,nps,6\n"
           "U0C0002,2026-10-01,nps,9\n")
DAY = timedelta(days=1)
HEADER = "customer,submitted_at,metric,replied_at,resolved_at,owner\n"
FILE = HEADER + ("U0C0000,2026-09-01T10:00:00Z,,2026-09-02,,U0STAFF\n"
                 "U0C0001,2026-09-01,nps,,2026-09-03,\n")


def _import(services: Services, text: str, **options: Any) -> FollowUpsReport:
    return import_follow_ups(services, NO_SLACK, text, team_id=TEAM, **options)


def _follow_ups(engine: Engine) -> list[FollowUp]:
    with Session(engine) as session:
        return list(session.exec(select(FollowUp).order_by(FollowUp.id)).all())  # type: ignore[arg-type]


@pytest.fixture
def answered(importer: Services) -> Services:
    assert import_history(importer, NO_SLACK, ANSWERS, team_id=TEAM).added == 7
    return importer


def test_imported_follow_ups_count_once_in_the_loop_effect(
    answered: Services, engine: Engine
) -> None:
    first = _import(answered, FILE)
    again = _import(answered, FILE)

    assert (first.added, first.unchanged) == (2, 0)
    assert (again.added, again.unchanged) == (0, 2)
    rows = _follow_ups(engine)
    assert [(r.first_response_at is not None, r.resolved_at is not None) for r in rows] == [
        (True, False), (False, True)]
    # The open one gets its alert (staff resolve it in Slack); the resolved one is history.
    assert [r.alert_revision < r.revision for r in rows] == [True, False]
    assert (rows[0].owner_user_id, rows[1].resolved_by) == ("U0STAFF", None)
    with session_scope(engine) as session:
        effect = build_loop_effect(session=session, team_id=TEAM,
                                   period=PeriodSpec(days=90).resolve(NOW), minimum=1).effect
    assert (effect.followed_up.n, effect.followed_up.recovered) == (2, 1)
    assert effect.followed_up.mean_change == pytest.approx(4.0)
    assert (effect.not_followed_up.n, effect.not_followed_up.recovered) == (1, 1)
    assert effect.waiting == 1


def test_the_metric_chooses_which_answer_of_that_instant(
    answered: Services, engine: Engine
) -> None:
    _import(answered, HEADER + "U0C0000,2026-09-01T10:00:00Z,csat,2026-09-02,,\n")

    [row] = _follow_ups(engine)
    with Session(engine) as session:
        answer = session.get(Response, row.response_id)
    assert answer is not None
    assert (answer.metric, answer.score, row.metric, row.raised_score) == (
        Metric.CSAT, 2, Metric.CSAT, 2)


def test_a_bad_row_imports_nothing_and_names_its_line(answered: Services, engine: Engine) -> None:
    text = FILE + ("U0C0002,2026-09-05,,2026-09-06,,\n"  # line 4: no answer then
                   "U0C0002,2026-09-01,,2026-08-31T23:59:59Z,,\n"  # line 5: before the answer
                   "U0C0002,2026-09-01,,,,\n"  # line 6: nothing done
                   "U0C0002,2026-09-01,,2026-09-02,,alice\n"  # line 7: not a user ID
                   "U0C0001,2026-09-01T00:00:00Z,nps,2026-09-02,,\n"  # line 8: as line 3
                   "U0C0002,2026-09-01,,2026-09-01T00:00:00Z,,\n")  # line 9: at the answer: fine

    with pytest.raises(ImportRefused) as refused:
        _import(answered, text)

    assert refused.value.problems == [
        "line 4: no nps answer of this customer at 2026-09-05T00:00:00+00:00: import it first "
        "(responses import)",
        "line 5: replied_at '2026-08-31T23:59:59Z' is before the answer (submitted_at)",
        "line 6: neither replied_at nor resolved_at: give when the customer was answered, when "
        "it was resolved, or both",
        "line 7: owner 'alice' is not a Slack user ID (like U012AB3CD)",
        "line 8: the same customer, submitted_at and metric as line 3",
    ]
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(FollowUp)).one() == 0
    assert _import(answered, text, skip_invalid=True).added == 3


def test_a_follow_up_opened_today_on_an_old_answer_loses_its_words_with_the_answer(
    importer: Services, engine: Engine
) -> None:
    """Retention blanks a follow-up's copy of the comment by its answer's time, not its own:
    an answer a day past the 30 days loses the copy; one exactly 30 days old keeps it."""
    cutoff = NOW - timedelta(days=30)
    import_history(importer, NO_SLACK, "customer,submitted_at,metric,score,comment\n"
                   f"U0C0000,{(cutoff - DAY).isoformat()},nps,2,Billing is wrong\n"
                   f"U0C0001,{cutoff.isoformat()},nps,3,Support is slow\n", team_id=TEAM)
    with session_scope(engine) as session:
        answers = session.exec(select(Response).order_by(col(Response.answered_at))).all()
        assert raise_follow_ups(session=session, answers=answers, now=NOW) == 2  # plan followup

    with session_scope(engine) as session:
        purge_expired_comments(session=session, now=NOW, days=30)

    assert [r.comment for r in _follow_ups(engine)] == [None, "Support is slow"]
