"""The continuum on a hand-placed history (tests/db/continuum_history.py has the working)."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import select

from bot.app.grammar import parse_engagement
from bot.core.config import load_settings
from bot.core.services import Services
from bot.digests.content import build_digest
from bot.insights.continuum import PLACES
from bot.insights.engagement import Segment
from bot.reporting.answers import answer_engagement
from bot.reporting.continuum import (
    build_advocacy,
    build_continuum,
    build_plan,
    open_place_follow_ups,
)
from bot.reporting.engagement_map import build_engagement_map
from bot.reporting.full_report import build_full_report
from bot.reporting.grammar import EngagementQuery
from bot.reporting.snapshots import map_from, map_payload
from storage.continuum import set_plan_step
from storage.engine import session_scope
from storage.models import FollowUp, OutcomeEvent, OutcomeKind, Respondent
from tests.conftest import FakeClock
from tests.db.continuum_history import NOW, PERIOD, TEAM, seed_places

EA, SNL, LNS, RISK, NONE = (Segment.ENGAGED_ADVOCATE, Segment.SATISFIED_NOT_LOYAL,
                            Segment.LOYAL_NOT_SATISFIED, Segment.AT_RISK, Segment.UNPLACED)


def test_the_movement_table_is_the_one_counted_on_paper(engine: Engine) -> None:
    seed_places(engine)
    with session_scope(engine) as session:
        report = build_continuum(session=session, team_id=TEAM, period=PERIOD, minimum=1)
    expected = {(EA, RISK): 1, (EA, EA): 1, (RISK, EA): 1, (SNL, EA): 1, (NONE, LNS): 1,
                (SNL, NONE): 1, (NONE, EA): 1, (EA, LNS): 1, (SNL, LNS): 1}
    counted = {(b, n): report.movement.cells[b][n] for b in PLACES for n in PLACES
               if report.movement.cells[b][n]}
    assert counted == expected
    assert report.movement.customers == 9  # UI (earlier only) and the anonymous answer left out
    assert report.movement.placed_both == 6
    assert (report.movement.toward, report.movement.away) == (2, 2)
    assert report.movement.share(1) == report.movement.share(-1) == 100 * 2 / 6
    assert [c.user_id for c in report.fell_out] == ["UA", "UH"]


def test_rows_and_columns_add_up_to_the_two_maps(engine: Engine) -> None:
    """Last period's places are the previous map's, this period's the current map's."""
    seed_places(engine)
    with session_scope(engine) as session:
        report = build_continuum(session=session, team_id=TEAM, period=PERIOD, minimum=1)
        engagement = build_engagement_map(session=session, team_id=TEAM, period=PERIOD)
    cells = report.movement.cells
    for segment in PLACES:
        column = sum(cells[before][segment] for before in PLACES)
        row = sum(cells[segment].values())
        if segment is NONE:
            # "Not placed" also holds the silent: the maps count only who answered.
            assert column == engagement.mix.unplaced + 1  # UF fell silent
            assert row == engagement.previous.unplaced + 1  # UE was silent before
        else:
            assert column == engagement.mix.counts[segment]
            assert row == engagement.previous.counts[segment]


def test_small_cells_are_hidden_with_their_complement(engine: Engine) -> None:
    seed_places(engine)
    with session_scope(engine) as session:
        report = build_continuum(session=session, team_id=TEAM, period=PERIOD, minimum=2)
    # Every non-empty cell holds one customer: all hidden at a minimum of 2.
    for before in PLACES:
        for now in PLACES:
            if report.movement.cells[before][now]:
                assert report.shown[before][now] is None


def test_advocacy_counts_this_periods_events_per_place(engine: Engine) -> None:
    seed_places(engine)
    with session_scope(engine) as session:
        report = build_advocacy(session=session, team_id=TEAM, period=PERIOD, minimum=1)
    advocates = report.places[EA]  # UB, UC, UD, UG
    assert (advocates.customers, advocates.referred, advocates.reviewed,
            advocates.advocates) == (4, 3, 1, 3)
    # Latest NPS: UB 9, UC 10, UD 8, UG 9 (from last period: still their latest).
    assert (advocates.promoters, advocates.passives, advocates.detractors) == (3, 1, 0)
    risk = report.places[RISK]  # UA: the referral was last period; a renewal is no advocacy
    assert (risk.customers, risk.referred, risk.reviewed, risk.detractors) == (1, 0, 0, 1)
    assert report.places[LNS].customers == 3  # UE, UH, UK
    assert report.places[NONE].customers == 0  # UF did not answer this period


def test_advocacy_hides_a_place_under_the_minimum(engine: Engine) -> None:
    seed_places(engine)
    with session_scope(engine) as session:
        report = build_advocacy(session=session, team_id=TEAM, period=PERIOD, minimum=3)
    assert report.shown(RISK) is None  # 1 customer
    assert report.shown(LNS) is not None  # 3: exactly the minimum is shown
    assert report.shown(SNL) is not None  # nobody: nothing to protect


def test_the_plan_counts_places_and_keeps_the_chosen_step(engine: Engine) -> None:
    ids = seed_places(engine)
    with session_scope(engine) as session:
        set_plan_step(session=session, team_id=TEAM, place=RISK.value,
                      next_step="call within 5 days", user_id="U0STAFF", now=NOW)
    with session_scope(engine) as session:
        plan = build_plan(session=session, team_id=TEAM, period=PERIOD, minimum=3)
    lines = {line.place: line for line in plan.lines}
    assert [line.place for line in plan.lines] == [EA, SNL, LNS, RISK]
    assert (lines[RISK].customers, lines[RISK].next_step, lines[RISK].chosen) == (
        1, "call within 5 days", True)
    assert (lines[EA].next_step, lines[EA].chosen) == ("ask for a referral", False)
    assert lines[RISK].themes == []  # one customer: under the minimum, no themes
    assert lines[LNS].customers == 3
    # UE, UH and UK all mention the onboarding docs (themes fold plurals); the only phrase
    # every comment of the place shares.
    assert lines[LNS].themes == ["onboarding doc"]
    assert {a.customer.respondent_id for a in lines[LNS].accounts} == {
        ids["UE"], ids["UH"], ids["UK"]}


def test_a_plan_step_can_go_back_to_the_default(engine: Engine) -> None:
    seed_places(engine)
    for step in ("call within 5 days", None):
        with session_scope(engine) as session:
            set_plan_step(session=session, team_id=TEAM, place=RISK.value, next_step=step,
                          user_id="U0STAFF", now=NOW)
    with session_scope(engine) as session:
        plan = build_plan(session=session, team_id=TEAM, period=PERIOD, minimum=3)
    line = next(line for line in plan.lines if line.place is RISK)
    assert (line.next_step, line.chosen) == ("follow up", False)


def test_a_whole_place_gets_follow_ups_once(engine: Engine) -> None:
    ids = seed_places(engine)
    with session_scope(engine) as session:
        opened = open_place_follow_ups(session=session, team_id=TEAM, period=PERIOD,
                                       segment=LNS, now=NOW)
    assert opened == (3, 0)
    with session_scope(engine) as session:
        again = open_place_follow_ups(session=session, team_id=TEAM, period=PERIOD,
                                      segment=LNS, now=NOW)
        rows = session.exec(select(FollowUp).where(FollowUp.team_id == TEAM)).all()
    assert again == (0, 3)
    # Each on the customer's latest NPS answer, or their CSAT one when they gave no NPS (UH
    # gave NPS 10 last period: that is their latest).
    assert sorted((r.respondent_id, str(r.metric), r.score) for r in rows) == sorted([
        (ids["UE"], "nps", 9), (ids["UH"], "nps", 10), (ids["UK"], "nps", 9)])
    assert all(r.alert_revision < r.revision for r in rows)  # the sweep will post the alerts


def test_report_json_carries_the_continuum_by_the_maps_place_names(engine: Engine) -> None:
    seed_places(engine)
    with session_scope(engine) as session:
        data = build_full_report(session=session, team_id=TEAM, period=PERIOD,
                                 anonymity_minimum=3)
    json.dumps(data)
    matrix = data["movement"]["continuum"]["matrix"]
    names = ["engaged_advocate", "satisfied_not_loyal", "loyal_not_satisfied", "at_risk",
             "not_placed"]
    assert list(matrix) == names
    assert all(list(row) == names for row in matrix.values())
    # Every non-empty cell holds one customer (under 3): hidden, as are the zeros beside them
    # that would give a lone hidden cell away. Nothing shown is a count under the minimum.
    assert matrix["engaged_advocate"]["at_risk"] is None
    assert all(n is None or n == 0 or n >= 3 for row in matrix.values() for n in row.values())
    assert data["movement"]["continuum"]["placed_both"] == 6
    assert data["advocacy"]["engaged_advocate"] == {"customers": 4, "referred": 3, "reviewed": 1}
    assert data["advocacy"]["at_risk"] is None  # 1 customer, under 3
    assert data["plan"]["at_risk"] == {"customers": 1, "next_step": "follow up",
                                       "top_themes": []}
    assert data["plan"]["loyal_not_satisfied"]["top_themes"] == ["onboarding doc"]
    assert "Hooli" not in json.dumps(data)  # a report file travels: nobody is named


def test_the_maps_own_counts_give_the_same_table(engine: Engine) -> None:
    """The digest and App Home read the table from the map's counts (and its snapshot); the
    answer to `map movement` from each customer: the two must agree."""
    seed_places(engine)
    with session_scope(engine) as session:
        engagement = build_engagement_map(session=session, team_id=TEAM, period=PERIOD)
        report = build_continuum(session=session, team_id=TEAM, period=PERIOD, minimum=1)
    assert engagement.movement == report.movement
    kept = map_from(map_payload(engagement), PERIOD)
    assert kept.movement == report.movement


def test_the_digest_says_how_the_map_moved_once_enough_were_placed_twice(
    engine: Engine,
) -> None:
    seed_places(engine)
    lines = {}
    for minimum in (6, 7):  # 6 customers were placed in both periods
        with session_scope(engine) as session:
            digest = build_digest(session=session, team_id=TEAM, period=PERIOD,
                                  anonymity_minimum=minimum)
        lines[minimum] = [extra for extra in digest.extras if "map movement" in extra]
    assert lines[6] == ["*Engagement map movement:* 33% of 6 customers placed in both periods "
                        "moved toward engaged advocate, 33% away from it"]
    assert lines[7] == []


def test_a_served_map_shows_the_advocacy_kept_with_it(engine: Engine, database_url: str) -> None:
    """A map served from its snapshot reads its advocacy lines from the snapshot too (placing
    every customer on each ask took seconds at a million answers): a referral recorded after
    the snapshot shows only once the map is computed again."""
    seed_places(engine)
    clock = FakeClock(NOW)
    settings = load_settings(env_file=None, database_url=database_url,
                             report_snapshot_minutes=5, report_snapshot_slow_ms=0,
                             anonymity_minimum=3)
    served = Services(settings=settings, engine=engine, clock=clock)
    live = Services(settings=settings.model_copy(update={"report_snapshot_minutes": 0}),
                    engine=engine, clock=clock)
    query = parse_engagement("engagement 30d")
    assert isinstance(query, EngagementQuery)

    def shown(services: Services) -> str:
        message = answer_engagement(services, team_id=TEAM, query=query)
        return str([block.to_dict() for block in message.blocks])

    assert "(3 referred, 1 reviewed)" in shown(served)  # computed now, and kept
    with session_scope(engine) as session:
        ug = session.exec(select(Respondent).where(Respondent.team_id == TEAM,
                                                   Respondent.user_id == "UG")).one()
        assert ug.id is not None
        session.add(OutcomeEvent(team_id=TEAM, respondent_id=ug.id, event=OutcomeKind.REFERRED,
                                 occurred_on=(NOW - timedelta(days=2)).date(), imported_at=NOW))
    clock.now = NOW + timedelta(minutes=7)  # served until 10 minutes old

    kept = shown(served)
    assert "as of 12:00 UTC" in kept
    assert "(3 referred, 1 reviewed)" in kept
    assert "(4 referred, 1 reviewed)" in shown(live)
