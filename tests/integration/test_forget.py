"""`forget`: one person's data goes, everyone else's stays, and an audit without their ID."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text
from sqlmodel import Session, SQLModel

from bot.answers.history import import_history
from bot.core.services import Services
from bot.outcomes.importing import import_outcomes
from bot.privacy.anonymity import answer_key
from bot.privacy.forget import InvalidSubject, forget_person, resolve_subject
from bot.privacy.subjects import subject_hash, without_suppressed
from bot.slack.client import create_web_client
from storage.data_requests import STAFF_COLUMNS, data_requests
from storage.delivery_rollup import rebuild_delivery_counts
from storage.engine import session_scope
from storage.models import (
    Delivery,
    FollowUp,
    Metric,
    OutcomeEvent,
    Response,
)
from storage.rollups import rebuild_daily_counts
from tests.counters import summed_delivery_counts, summed_score_counts
from tests.integration.answer_history import (
    ANN,
    BOB,
    CAT,
    OTHER_TEAM,
    START,
    TEAM,
    respondent_id,
    seed_answer_history,
)

# Customers, never staff here: nothing to pseudonymise (see test_forget_staff.py).
NOT_STAFF = {f"{model.__tablename__}.{column}": 0 for model, column in STAFF_COLUMNS}


def _hashable(value: Any) -> Any:
    return json.dumps(value, sort_keys=True) if isinstance(value, list | dict) else value


def _rows(engine: Engine) -> dict[str, set[tuple[Any, ...]]]:
    """Every row of every table of ours, as tuples."""
    with Session(engine) as session:
        return {
            table.name: {tuple(_hashable(v) for v in row) for row in session.execute(select(table))}
            for table in SQLModel.metadata.sorted_tables
        }


# Rows of these tables are shards of counts: taking answers out may add a row (a negative
# count in another shard) and change no count. Their sums are compared by _rollups instead.
_COUNTERS = {"dailyscorecount", "dailydeliverycount"}


def _counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return {
            table.name: int(session.execute(select(func.count()).select_from(table)).scalar_one())
            for table in SQLModel.metadata.sorted_tables if table.name not in _COUNTERS
        }


def _rollups(engine: Engine) -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    with Session(engine) as session:
        scores = {(*key, n) for key, n in summed_score_counts(session).items()}
        sends = {(day, *counts) for day, counts in summed_delivery_counts(session).items()
                 if counts[0] != 0}
    return scores, sends


def _seed(services: Services) -> None:
    seed_answer_history(
        services.engine,
        lambda d: answer_key(services, delivery_id=d, anonymous=True).anonymous_key,
    )


def test_forget_removes_everything_of_that_person_and_nothing_of_others(
    services: Services,
) -> None:
    _seed(services)
    engine = services.engine
    bob = respondent_id(engine, TEAM, BOB)
    before, counts_before = _rows(engine), _counts(engine)

    report = forget_person(services, team_id=TEAM, user_id=BOB, requested_by="dpo@acme.test")

    assert report.counts == {"response": 3, "follow_up": 0, "delivery": 3, "outcome_event": 0,
                             "respondent": 1, "pulse_audience": 3,
                             "surveysuppression": 1} | NOT_STAFF
    after, counts_after = _rows(engine), _counts(engine)
    assert {t: counts_after[t] - counts_before[t] for t in counts_before} == {
        t: {"response": -3, "delivery": -3, "respondent": -1, "surveysuppression": 1,
            "datarequest": 1}.get(t, 0)
        for t in counts_before
    }
    # Nothing about anyone else changed; Bob is gone from every row that stayed.
    with Session(engine) as session:
        assert respondent_id(engine, TEAM, BOB) is None
        assert respondent_id(engine, OTHER_TEAM, BOB) is not None  # another workspace
        assert session.execute(
            text("SELECT COUNT(*) FROM delivery WHERE respondent_id = :r"), {"r": bob}
        ).scalar_one() == 0
    for table in ("workspace", "wave", "processedevent"):
        assert after[table] == before[table]
    unchanged = before["response"] & after["response"]
    assert len(unchanged) == len(before["response"]) - 3
    assert all(BOB not in json.dumps(list(row), default=str) for row in after["pulse"]
               if TEAM in row)
    remaining = {row for row in after["respondent"]}
    assert {r for r in before["respondent"] if BOB not in r or OTHER_TEAM in r} == remaining


def test_the_audit_names_who_asked_and_a_hash_never_the_id(services: Services) -> None:
    _seed(services)

    forget_person(services, team_id=TEAM, user_id=BOB, requested_by="dpo@acme.test")

    with Session(services.engine) as session:
        [record] = data_requests(session=session, team_id=TEAM)
        dumped = json.dumps(record.model_dump(), default=str)
    assert record.requested_by == "dpo@acme.test"
    assert record.subject_hash == subject_hash(services, team_id=TEAM, user_id=BOB)
    assert record.counts["response"] == 3
    assert BOB not in dumped
    for row in _rows(services.engine)["datarequest"] | _rows(services.engine)["surveysuppression"]:
        assert BOB not in json.dumps(list(row), default=str)


def test_forgetting_twice_is_fine(services: Services) -> None:
    _seed(services)
    forget_person(services, team_id=TEAM, user_id=BOB, requested_by="dpo")
    counts = _counts(services.engine)

    again = forget_person(services, team_id=TEAM, user_id=BOB, requested_by="dpo")

    assert set(again.counts.values()) == {0}
    assert _counts(services.engine) == counts | {"datarequest": counts["datarequest"] + 1}


def test_a_dry_run_changes_nothing(services: Services) -> None:
    _seed(services)
    before = _rows(services.engine)

    report = forget_person(services, team_id=TEAM, user_id=ANN, requested_by="dpo", dry_run=True)

    # Ann answered the named NPS and CSAT pulses and the (still open) anonymous one.
    assert report.counts == {"response": 3, "follow_up": 0, "delivery": 3, "outcome_event": 0,
                             "respondent": 1, "pulse_audience": 3,
                             "surveysuppression": 0} | NOT_STAFF
    assert _rows(services.engine) == before


def test_only_an_opted_out_person_stays_unsurveyable(services: Services) -> None:
    _seed(services)

    forget_person(services, team_id=TEAM, user_id=BOB, requested_by="dpo")  # had opted out
    forget_person(services, team_id=TEAM, user_id=ANN, requested_by="dpo")  # had not

    assert without_suppressed(services, team_id=TEAM, user_ids=[ANN, BOB, CAT]) == [ANN, CAT]
    assert without_suppressed(services, team_id=OTHER_TEAM, user_ids=[BOB]) == [BOB]


def test_closed_anonymous_answers_are_not_anyones_and_stay(services: Services) -> None:
    seed_answer_history(services.engine)  # anonymous keys that no delivery derives (closed)

    report = forget_person(services, team_id=TEAM, user_id=ANN, requested_by="dpo")

    assert report.counts["response"] == 2
    with Session(services.engine) as session:
        left = session.execute(text("SELECT COUNT(*) FROM response WHERE score = 9")).scalar_one()
    assert left == 1  # Ann's anonymous 9 stays, linked to nobody


@pytest.mark.parametrize("subject", ["alice", "U0ANN; DROP TABLE respondent", "x@y"])
def test_a_bad_subject_is_refused(subject: str) -> None:
    with pytest.raises(InvalidSubject, match="neither a Slack user ID"):
        resolve_subject(subject, None)


def test_a_follow_up_on_their_answer_goes_with_it(services: Services) -> None:
    _seed(services)
    engine = services.engine
    bob = respondent_id(engine, TEAM, BOB)
    with Session(engine) as session:
        delivery = session.scalars(select(Delivery).where(Delivery.respondent_id == bob)).first()
        assert delivery is not None
        answer = session.scalars(select(Response).where(Response.delivery_id == delivery.id)
                                 ).first()
        assert answer is not None
        session.add(FollowUp(team_id=TEAM, delivery_id=delivery.id, response_id=answer.id,
                             respondent_id=bob,
                             metric=Metric.NPS, raised_score=2, score=2, comment="awful",
                             raised_at=START, touched_at=START))
        session.commit()

    report = forget_person(services, team_id=TEAM, user_id=BOB, requested_by="dpo")

    assert report.counts["follow_up"] == 1
    with Session(engine) as session:
        assert session.scalars(select(FollowUp)).all() == []


def test_the_daily_rollups_stay_exact_after_a_person_is_forgotten(services: Services) -> None:
    _seed(services)
    forget_person(services, team_id=TEAM, user_id=BOB, requested_by="dpo")

    kept = _rollups(services.engine)
    with session_scope(services.engine) as session:
        rebuild_daily_counts(session=session, team_id=TEAM)
        rebuild_delivery_counts(session=session, team_id=TEAM)
    assert _rollups(services.engine) == kept


def test_imported_answers_and_outcome_events_go_with_the_person(services: Services) -> None:
    _seed(services)
    engine = services.engine
    client = create_web_client(services.settings)  # never asked: no e-mail in these files
    import_history(services, client, team_id=TEAM, text=(
        "customer,submitted_at,metric,score,comment\n"
        f"{BOB},2026-03-01,nps,2,Imported complaint\n{BOB},2026-04-01,csat,1,\n"
        f"{CAT},2026-03-01,nps,9,\n"))
    import_outcomes(services, client, team_id=TEAM, text=(
        f"customer,event,date,amount\n{BOB},churned,2026-05-01,0\n"
        f"{CAT},renewed,2026-05-01,900\n"))
    bob = respondent_id(engine, TEAM, BOB)
    before = _counts(engine)

    dry = forget_person(services, team_id=TEAM, user_id=BOB, requested_by="dpo", dry_run=True)
    report = forget_person(services, team_id=TEAM, user_id=BOB, requested_by="dpo")

    # 3 answers given in Slack + 2 imported; 1 outcome event. Cat's stay.
    for counts in (dry.counts, report.counts):
        assert (counts["response"], counts["outcome_event"]) == (5, 1)
    after = _counts(engine)
    assert (after["response"], after["outcome_event"]) == (
        before["response"] - 5, before["outcome_event"] - 1)
    with Session(engine) as session:
        for model in (Response, OutcomeEvent):
            assert session.execute(select(func.count()).select_from(model)
                                   .where(model.respondent_id == bob)).scalar_one() == 0
        assert "Imported complaint" not in json.dumps(
            [list(r) for r in session.execute(text("SELECT * FROM response"))], default=str)
    # The rollups no longer count Bob's imported answers either: counting afresh agrees.
    kept = _rollups(engine)
    with session_scope(engine) as session:
        rebuild_daily_counts(session=session, team_id=TEAM)
    assert _rollups(engine) == kept
