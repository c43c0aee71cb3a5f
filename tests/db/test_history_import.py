"""`responses import` against a real database (SQLite and PostgreSQL): imported answers are
stored once, count in the rollups exactly, take their place in each customer's order among the
answers given in Slack, and leave out people who asked to be forgotten.

Customers are named by Slack ID or account here, so Slack is never asked; e-mails are looked up
through the sandbox in tests/integration/test_import_commands.py.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from bot.answers.history import HistoryReport, import_history, import_key
from bot.answers.recording import stored_sentiment
from bot.core.services import Services
from bot.insights.sentiment import score_comment
from bot.privacy.forget import forget_person
from bot.privacy.retention import purge_old_comments
from bot.workspaces.csv_import import ImportRefused
from bot.workspaces.customer_lookup import CustomerKind, CustomerRef, external_customer_id
from storage.engine import session_scope
from storage.models import DailyScoreCount, Metric, Respondent, Response
from storage.report_snapshots import SnapshotKey, load_snapshot, save_snapshot
from storage.respondents import CustomerRecord, upsert_customers
from storage.scoped_reporting import ReportScope, scoped_score_counts
from tests.conftest import FakeClock
from tests.counters import summed_score_counts
from tests.db.importing import NO_SLACK, import_services
from tests.db.test_answer_order import (
    NOW,
    TEAM,
    USERS,
    _click,
    _random_clicks,
    _waves,
    assert_map_exact,
)

HEADER = "customer,submitted_at,metric,score,comment,pulse\n"


def _import(services: Services, text: str, **options: Any) -> HistoryReport:
    return import_history(services, NO_SLACK, text, team_id=TEAM, **options)


def _day(days_ago: int, hour: int = 10) -> str:
    return (NOW - timedelta(days=days_ago)).replace(hour=hour, minute=0).isoformat()


def _stored(engine: Engine) -> list[Response]:
    with Session(engine) as session:
        return list(session.exec(select(Response).where(col(Response.import_key).is_not(None))
                                 .order_by(col(Response.answered_at), col(Response.id))).all())


def _table_counts(engine: Engine) -> tuple[int, int, int]:
    with Session(engine) as session:
        return tuple(int(session.exec(select(func.count()).select_from(table)).one())
                     for table in (Response, Respondent, DailyScoreCount))  # type: ignore[return-value]


def assert_rollups_exact(engine: Engine) -> None:
    """The day rollups equal counting every answer afresh (days by UTC)."""
    with Session(engine) as session:
        rolled = summed_score_counts(session, team_id=TEAM)
        counted = Counter((str(a.metric), a.answered_at.astimezone(UTC).date(), a.score)
                          for a in session.exec(select(Response).where(Response.team_id == TEAM)))
    assert rolled == dict(counted)


FILE = HEADER + "".join([
    f"U0C0000,{_day(40)},nps,9,Great support,Delighted NPS\n",
    f"U0C0000,{_day(40)},csat,4,,\n",  # the same moment, another metric: another answer
    f"U0C0001,{_day(30)},nps,3,Billing charged us twice and support never replied.,\n",
    f"U0C0001,{_day(20)},nps,6,,\n",
    f"Acme,{_day(10)},nps,10,,\n",
    f"U0C0002,{_day(5)},csat,2,,\n",
])


def test_importing_the_same_file_twice_adds_nothing(importer: Services, engine: Engine) -> None:
    first = _import(importer, FILE)
    assert (first.added, first.corrected, first.unchanged, first.customers) == (6, 0, 0, 4)
    counts = _table_counts(engine)
    stored = [(a.score, a.comment, a.respondent_seq) for a in _stored(engine)]

    again = _import(importer, FILE)

    assert (again.added, again.corrected, again.unchanged) == (0, 0, 6)
    assert _table_counts(engine) == counts
    assert [(a.score, a.comment, a.respondent_seq) for a in _stored(engine)] == stored
    assert_rollups_exact(engine)


def test_an_imported_answer_is_a_customers_answer_with_no_delivery_or_wave(
    importer: Services, engine: Engine
) -> None:
    _import(importer, FILE)
    first = _stored(engine)[0]
    assert (first.delivery_id, first.wave_id, first.anonymous_key) == (None, None, None)
    assert (first.metric, first.score, first.import_pulse) == (Metric.NPS, 9, "Delighted NPS")
    assert first.answered_at == NOW.replace(hour=10, minute=0) - timedelta(days=40)
    assert first.import_key == import_key("U0C0000", first.answered_at, Metric.NPS)
    assert len(first.import_key or "") == 64


def test_rollups_and_each_customers_order_stay_exact_among_live_answers(
    importer: Services, engine: Engine
) -> None:
    waves = _waves(engine, 12)
    _random_clicks(engine, waves, random.Random(21))
    rng = random.Random(22)
    rows = [f"{user},{_day(rng.randint(0, 120), rng.randint(0, 23))},"
            f"{metric},{rng.choice(range(0, 11) if metric == 'nps' else range(1, 6))},,\n"
            for user in [*USERS, "U0NEW01", "U0NEW02"] for metric in ("nps", "csat")
            for _ in range(3)]
    report = _import(importer, HEADER + "".join(dict.fromkeys(rows)), skip_invalid=True)
    assert report.added > 40

    assert_rollups_exact(engine)
    assert assert_map_exact(engine, ends=(NOW, NOW - timedelta(days=20))) > 0


def test_imported_answers_take_their_place_between_live_ones(
    importer: Services, engine: Engine
) -> None:
    nps = [w for w in _waves(engine, 4) if w.metric is Metric.NPS]
    user = USERS[0]
    _click(engine, nps[0], user, 9, at=NOW - timedelta(days=90), ts="1700000000.000100")
    _click(engine, nps[1], user, 3, at=NOW - timedelta(days=30), ts="1700000001.000100")
    _import(importer, HEADER + f"{user},{_day(60)},nps,7,,\n{user},{_day(120)},nps,10,,\n")

    with Session(engine) as session:
        order = session.exec(
            select(Response.answered_at, Response.score, Response.respondent_seq,
                   Response.previous_score, col(Response.import_key).is_not(None))
            .where(Response.metric == Metric.NPS).order_by(col(Response.answered_at))).all()
    # By time: -120 d imported 10, -90 d clicked 9, -60 d imported 7, -30 d clicked 3. Each
    # takes the next place and names the score before it.
    assert [(score, seq, before, imported) for _, score, seq, before, imported in order] == [
        (10, 1, None, True), (9, 2, 10, False), (7, 3, 9, True), (3, 4, 7, False)]
    assert_map_exact(engine)


def test_a_reimport_with_another_score_corrects_the_answer_and_moves_its_count(
    importer: Services, engine: Engine, import_clock: FakeClock
) -> None:
    _import(importer, FILE)
    changed_day = (NOW - timedelta(days=30)).date()
    import_clock.now = NOW + timedelta(hours=1)

    report = _import(importer, FILE.replace(
        f"U0C0001,{_day(30)},nps,3,", f"U0C0001,{_day(30)},nps,8,"))

    assert (report.added, report.corrected, report.unchanged) == (0, 1, 5)
    [corrected, later] = [a for a in _stored(engine) if a.metric == Metric.NPS
                          and a.respondent_id == _respondent(engine, "U0C0001")]
    assert (corrected.score, corrected.changed_at) == (8, import_clock.now)
    assert later.previous_score == 8  # the answer after it names the corrected score
    with Session(engine) as session:
        day = {s: n for (m, d, s), n in summed_score_counts(session).items()
               if (m, d) == (Metric.NPS.value, changed_day)}
    assert (day.get(3, 0), day.get(8)) == (0, 1)  # moved from 3 to 8 on its day
    assert_rollups_exact(engine)
    assert _import(importer, FILE.replace(",nps,3,", ",nps,8,")).corrected == 0  # settled


def test_a_blank_comment_keeps_the_stored_one_and_another_comment_replaces_it(
    importer: Services, engine: Engine
) -> None:
    _import(importer, FILE)
    blank = FILE.replace("Great support,", ",")
    assert _import(importer, blank).corrected == 0
    assert _stored(engine)[0].comment == "Great support"

    report = _import(importer, FILE.replace("Great support", "Support is slow and unhelpful"))

    assert (report.corrected, report.added) == (1, 0)
    first = _stored(engine)[0]
    assert (first.comment, first.sentiment_label) == (
        "Support is slow and unhelpful", "negative")


def _respondent(engine: Engine, user_id: str) -> int | None:
    with Session(engine) as session:
        return session.exec(select(Respondent.id).where(Respondent.user_id == user_id)).first()


@pytest.mark.parametrize("second", [
    "U0C0000,{day},nps,3,,",
    # Midnight UTC written three ways is one instant: a date, a date-time and another offset.
    "U0C0000,{midnight}T00:00:00Z,nps,3,,",
    "U0C0000,{midnight}T02:00:00+02:00,nps,3,,",
])
def test_a_file_naming_one_answer_twice_is_refused_at_the_second_row(
    importer: Services, engine: Engine, second: str
) -> None:
    midnight = (NOW - timedelta(days=3)).date().isoformat()
    text = (HEADER + f"U0C0000,{midnight},nps,9,,\n" + f"U0C0001,{midnight},nps,9,,\n"
            + second.format(day=midnight, midnight=midnight) + "\n")

    with pytest.raises(ImportRefused) as refused:
        _import(importer, text)

    assert refused.value.problems == [
        "line 4: the same customer, submitted_at and metric as line 2"]
    assert _table_counts(engine) == (0, 0, 0)  # nothing at all, not even the customers
    report = _import(importer, text, skip_invalid=True)
    assert report.added == 2
    assert [str(p) for p in report.skipped] == [
        "line 4: the same customer, submitted_at and metric as line 2"]
    assert [a.score for a in _stored(engine)] == [9, 9]  # the first one is kept


def test_one_bad_row_imports_nothing_and_every_mistake_is_listed(
    importer: Services, engine: Engine
) -> None:
    text = FILE + f"U0C0003,{_day(1)},nps,11,,\n,{_day(1)},nps,5,,\n"

    with pytest.raises(ImportRefused) as refused:
        _import(importer, text)

    assert [p.split(":")[0] for p in refused.value.problems] == ["line 8", "line 9"]
    assert _table_counts(engine) == (0, 0, 0)


def test_an_account_names_its_one_slack_customer_or_a_new_customer_not_in_slack(
    importer: Services, engine: Engine
) -> None:
    with session_scope(engine) as session:
        upsert_customers(session=session, team_id=TEAM, now=NOW, records=[
            CustomerRecord("U0ACME1", "Acme", {}), CustomerRecord("U0GLOB1", "Globex", {}),
            CustomerRecord("U0GLOB2", "Globex", {})])
    text = HEADER + (f"acme,{_day(3)},nps,9,,\nGlobex,{_day(3)},nps,8,,\n"
                     f"Initech,{_day(3)},nps,2,,\n")

    with pytest.raises(ImportRefused) as refused:
        _import(importer, text)
    assert refused.value.problems == [
        "line 3: the account 'Globex' has 2 customers in Slack: name one by Slack user ID or "
        "e-mail"]

    _import(importer, text, skip_invalid=True)
    # Its case differs from the file's: an account is matched whatever the case.
    _import(importer, HEADER + f"INITECH,{_day(2)},csat,5,,\n")
    initech = external_customer_id(CustomerRef(CustomerKind.ACCOUNT, "initech"))
    with Session(engine) as session:
        people = {r.user_id: r for r in session.exec(select(Respondent))}
        by_answer = {people_id: score for people_id, score in session.exec(
            select(Response.respondent_id, Response.score).where(Response.metric == "nps"))}
    assert by_answer == {people["U0ACME1"].id: 9, people[initech].id: 2}
    assert (people[initech].account, people[initech].imported_at) == ("Initech", None)
    assert len(people) == 4  # Initech once, for both of its rows


def test_imported_answers_count_in_their_customers_segment(
    importer: Services, engine: Engine
) -> None:
    with session_scope(engine) as session:
        upsert_customers(session=session, team_id=TEAM, now=NOW, records=[
            CustomerRecord("U0C0000", "Northwind", {"plan": "enterprise"}),
            CustomerRecord("U0C0001", "Beta", {"plan": "starter"})])
    _import(importer, FILE)

    with Session(engine) as session:
        counts = scoped_score_counts(session=session, team_id=TEAM, metric=Metric.NPS,
                                     since=NOW - timedelta(days=90), until=NOW,
                                     scope=ReportScope(segment={"plan": "enterprise"}))
    assert counts == {9: 1}  # U0C0000's NPS 9; U0C0001 is a starter


def test_comments_are_scored_as_live_ones_are(importer: Services, engine: Engine) -> None:
    french = "Le support est vraiment très lent et personne ne répond jamais à nos questions"
    english = "Billing charged us twice and support never replied."
    _import(importer, HEADER + f'U0C0000,{_day(3)},nps,2,"{english}",\n'
                               f'U0C0001,{_day(3)},nps,5,"{french}",\n')

    stored = {a.comment: a for a in _stored(engine)}
    for text in (english, french):
        expected = stored_sentiment(score_comment(text))  # what a live comment stores
        answer = stored[text]
        assert (answer.sentiment_polarity, answer.sentiment_subjectivity,
                answer.sentiment_label, answer.comment_language) == (
            expected.polarity, expected.subjectivity, expected.label, expected.language)
        assert answer.commented_at == answer.answered_at
    assert stored[english].sentiment_label == "negative"
    assert (stored[french].sentiment_label, stored[french].comment_language) == (
        "unscored", "fr")


def test_a_comment_past_retention_keeps_its_sentiment_not_its_words(
    engine: Engine, import_clock: FakeClock
) -> None:
    services = import_services(engine, import_clock, comment_retention_days=365)
    cutoff = NOW - timedelta(days=365)
    just_kept = cutoff.isoformat()
    just_past = (cutoff - timedelta(microseconds=1)).isoformat()
    report = import_history(services, NO_SLACK, HEADER + (
        f"U0C0000,{just_kept},nps,2,Support never replied.,\n"
        f"U0C0001,{just_past},nps,2,Support never replied.,\n"), team_id=TEAM)

    assert report.comments_past_retention == 1
    kept, past = sorted(_stored(engine), key=lambda a: a.answered_at, reverse=True)
    assert (kept.comment, kept.sentiment_label) == ("Support never replied.", "negative")
    assert (past.comment, past.sentiment_label) == (None, "negative")
    # The sweep treats the imported comment as it treats a live one: a microsecond on, it goes.
    import_clock.now = NOW + timedelta(microseconds=1)
    assert purge_old_comments(services) == 1
    assert [a.comment for a in _stored(engine)] == [None, None]
    # Imported again, the file does not bring the words back.
    assert import_history(services, NO_SLACK, HEADER + (
        f"U0C0000,{just_kept},nps,2,Support never replied.,\n"), team_id=TEAM).corrected == 0


def test_an_import_that_adds_answers_drops_the_kept_breakdowns(
    importer: Services, engine: Engine
) -> None:
    key = SnapshotKey(TEAM, "engagement", "90d")

    def keep() -> None:
        with session_scope(engine) as session:
            save_snapshot(session, key, period_start=NOW - timedelta(days=90), period_end=NOW,
                          computed_at=NOW, compute_ms=900.0, payload={})

    def kept() -> bool:
        with Session(engine) as session:
            return load_snapshot(session, key) is not None

    keep()
    _import(importer, FILE)
    assert not kept()
    keep()
    _import(importer, FILE)  # adds nothing: what was kept still holds
    assert kept()


def test_someone_forgotten_is_not_brought_back_by_an_old_file(
    importer: Services, engine: Engine
) -> None:
    _import(importer, FILE)
    forget_person(importer, team_id=TEAM, user_id="U0C0001", requested_by="dpo")
    assert _respondent(engine, "U0C0001") is None

    report = _import(importer, FILE)

    assert (report.forgotten, report.added, report.unchanged) == (2, 0, 4)
    assert _respondent(engine, "U0C0001") is None
    assert_rollups_exact(engine)


def test_an_answer_given_at_midnight_utc_counts_on_its_own_day(
    importer: Services, engine: Engine
) -> None:
    # 23:59:59 at -01:00 is 00:59:59 UTC the next day; 00:00 UTC opens the day.
    _import(importer, HEADER + "U0C0000,2026-11-01T23:59:59-01:00,nps,9,,\n"
                               "U0C0001,2026-11-02,nps,7,,\nU0C0002,2026-11-01T23:59:59Z,nps,0,,\n")
    with Session(engine) as session:
        days = {(d, s): n for (_, d, s), n in summed_score_counts(session).items()}
    assert days == {(date(2026, 11, 2), 9): 1, (date(2026, 11, 2), 7): 1,
                    (date(2026, 11, 1), 0): 1}
