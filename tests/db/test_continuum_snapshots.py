"""`map movement` and the plan served from the map's snapshot, on the hand-placed history
(tests/db/continuum_history.py): the live answer of the snapshot's moment, exactly, with the
owners of open follow-ups and the chosen steps read when asked."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from bot.app.grammar import parse_engagement
from bot.core.config import load_settings
from bot.core.periods import Period, PeriodSpec
from bot.core.services import Services
from bot.insights.engagement import Segment
from bot.privacy.forget import forget_person
from bot.reporting.answers import answer_engagement
from bot.reporting.continuum import (
    ContinuumReport,
    PlanReport,
    build_continuum,
    build_plan,
    open_place_follow_ups,
)
from bot.reporting.grammar import EngagementQuery
from bot.reporting.snapshots import (
    Snapshotted,
    answer_from_snapshot,
    continuum_from_map,
    map_key,
    plan_from_map,
    refresh_snapshots,
)
from storage.answer_order import renumber_team_answers
from storage.continuum import open_follow_up_owners, set_plan_step
from storage.engine import session_scope
from storage.models import FollowUp, Metric, ReportSnapshot, Response
from tests.conftest import FakeClock
from tests.db.continuum_history import NOW, TEAM, seed_places

SPEC = PeriodSpec(days=30)
MINIMUM = 3
EA, LNS, RISK = Segment.ENGAGED_ADVOCATE, Segment.LOYAL_NOT_SATISFIED, Segment.AT_RISK
MINUTE = timedelta(minutes=1)


def _services(engine: Engine, database_url: str, clock: FakeClock, *, minutes: int = 5
              ) -> Services:
    """Every map counts as slow to compute (REPORT_SNAPSHOT_SLOW_MS=0), as at a million
    answers; kept for twice `minutes`."""
    return Services(settings=load_settings(env_file=None, database_url=database_url,
                                           report_snapshot_minutes=minutes,
                                           report_snapshot_slow_ms=0,
                                           anonymity_minimum=MINIMUM,
                                           slack_signing_secret="test-only"),
                    engine=engine, clock=clock)


def _ask(services: Services) -> tuple[Snapshotted, ContinuumReport, PlanReport]:
    """The map as /engagement gets it, and the two views served from it."""
    with session_scope(services.engine) as session:
        kept = answer_from_snapshot(services, session, map_key(TEAM, SPEC), SPEC)
        continuum = continuum_from_map(kept.payload, kept.period, session=session,
                                       minimum=MINIMUM)
        plan = plan_from_map(kept.payload, kept.period, session=session, team_id=TEAM,
                             minimum=MINIMUM)
    assert continuum is not None
    assert plan is not None
    return kept, continuum, plan


def _live(engine: Engine, period: Period) -> tuple[ContinuumReport, PlanReport]:
    with session_scope(engine) as session:
        return (build_continuum(session=session, team_id=TEAM, period=period, minimum=MINIMUM),
                build_plan(session=session, team_id=TEAM, period=period, minimum=MINIMUM))


def _line(plan: PlanReport, place: Segment) -> tuple[int, list[str], dict[str, str | None]]:
    """A place's customers, themes and, per listed account, its follow-up's owner."""
    line = next(line for line in plan.lines if line.place is place)
    return line.customers, line.themes, {
        a.customer.user_id: a.owner if a.followed_up else "none" for a in line.accounts}


def _uf_becomes_an_engaged_advocate(engine: Engine, uf: int) -> None:
    """UF (satisfied, not loyal last period, silent now) answers NPS 10 and CSAT 5 now."""
    with session_scope(engine) as session:
        for n, (metric, score) in enumerate(((Metric.NPS, 10), (Metric.CSAT, 5))):
            session.add(Response(team_id=TEAM, respondent_id=uf, import_key=f"uf-{n}",
                                 metric=metric, score=score, action_ts="0000000000.000000",
                                 answered_at=NOW - timedelta(days=1)))
        session.flush()
        renumber_team_answers(session=session, team_id=TEAM)


def _set_owner(engine: Engine, respondent_id: int, owner: str) -> None:
    with session_scope(engine) as session:
        row = session.exec(select(FollowUp).where(FollowUp.respondent_id == respondent_id)).one()
        row.owner_user_id = owner
        session.add(row)


def _message(services: Services, view: str) -> str:
    query = parse_engagement(f"{view} 30d")
    assert isinstance(query, EngagementQuery)
    return json.dumps(answer_engagement(services, team_id=TEAM, query=query).blocks,
                      default=lambda block: block.to_dict())


def test_served_views_are_the_live_ones_of_their_moment(engine: Engine, database_url: str
                                                          ) -> None:
    ids = seed_places(engine)
    with session_scope(engine) as session:
        set_plan_step(session=session, team_id=TEAM, place=RISK.value,
                      next_step="call within 5 days", user_id="U0STAFF", now=NOW)
        open_place_follow_ups(session=session, team_id=TEAM, period=SPEC.resolve(NOW),
                              segment=LNS, now=NOW)
    _set_owner(engine, ids["UH"], "U0OWNER")
    clock = FakeClock(NOW)
    services = _services(engine, database_url, clock)
    assert _ask(services)[0].as_of is None  # computed and kept
    clock.now = NOW + 7 * MINUTE

    kept, continuum, plan = _ask(services)

    assert kept.as_of == NOW
    assert (continuum, plan) == _live(engine, kept.period)
    assert [c.user_id for c in continuum.fell_out] == ["UA", "UH"]
    assert continuum.fell_out_total == 2
    assert continuum.movement.placed_both == 6
    assert _line(plan, LNS) == (3, ["onboarding doc"],
                                {"UE": None, "UH": "U0OWNER", "UK": None})
    assert _line(plan, RISK) == (1, [], {"UA": "none"})  # one customer: no themes
    # And as /engagement renders them: the same blocks, the served ones saying "as of".
    live = _services(engine, database_url, clock, minutes=0)
    for view in ("map movement", "plan"):
        served = _message(services, view)
        assert ", as of 12:00 UTC" in served
        assert served.replace(", as of 12:00 UTC", "") == _message(live, view)


def test_the_snapshot_holds_no_name_and_forgetting_drops_it(engine: Engine, database_url: str
                                                             ) -> None:
    seed_places(engine)
    clock = FakeClock(NOW)
    services = _services(engine, database_url, clock)
    kept = _ask(services)[0]
    kept_text = json.dumps(kept.payload)
    for name in ('"UA"', '"UH"', "Acme", "Hooli"):
        assert name not in kept_text
    clock.now = NOW + MINUTE

    forget_person(services, team_id=TEAM, user_id="UA", requested_by="U0STAFF")
    again, continuum, plan = _ask(services)

    assert again.as_of is None  # computed again, not the kept one
    assert [c.user_id for c in continuum.fell_out] == ["UH"]
    assert continuum.fell_out_total == 1
    assert _line(plan, RISK)[0] == 0


def test_a_change_is_served_once_the_snapshot_is_past_its_freshness(
    engine: Engine, database_url: str
) -> None:
    ids = seed_places(engine)
    clock = FakeClock(NOW)
    services = _services(engine, database_url, clock)  # served until 10 minutes old
    _ask(services)
    _uf_becomes_an_engaged_advocate(engine, ids["UF"])

    clock.now = NOW + 10 * MINUTE
    kept, continuum, plan = _ask(services)
    assert kept.as_of == NOW
    assert _line(plan, EA)[0] == 4  # UB, UC, UD, UG: the kept figure
    assert continuum.movement.cells[Segment.SATISFIED_NOT_LOYAL][EA] == 1  # UD

    clock.now = NOW + 10 * MINUTE + timedelta(microseconds=1)
    kept, continuum, plan = _ask(services)
    assert kept.as_of is None
    assert _line(plan, EA)[0] == 5
    assert continuum.movement.cells[Segment.SATISFIED_NOT_LOYAL][EA] == 2  # UD and UF
    assert (continuum, plan) == _live(engine, SPEC.resolve(clock.now))


def test_the_leaders_refresh_brings_a_change_into_the_served_views(
    engine: Engine, database_url: str
) -> None:
    ids = seed_places(engine)
    clock = FakeClock(NOW)
    services = _services(engine, database_url, clock)
    _ask(services)
    _uf_becomes_an_engaged_advocate(engine, ids["UF"])
    clock.now = NOW + 6 * MINUTE  # due: older than REPORT_SNAPSHOT_MINUTES
    assert _line(_ask(services)[2], EA)[0] == 4  # served, as kept

    assert refresh_snapshots(services, team_id=TEAM) == 1
    clock.now = NOW + 7 * MINUTE
    kept, continuum, plan = _ask(services)

    assert kept.as_of == NOW + 6 * MINUTE
    assert _line(plan, EA)[0] == 5
    assert (continuum, plan) == _live(engine, kept.period)


def test_owners_and_steps_are_read_when_asked_not_kept(engine: Engine, database_url: str
                                                        ) -> None:
    ids = seed_places(engine)
    with session_scope(engine) as session:
        open_place_follow_ups(session=session, team_id=TEAM, period=SPEC.resolve(NOW),
                              segment=LNS, now=NOW)
    clock = FakeClock(NOW)
    services = _services(engine, database_url, clock)
    assert _line(_ask(services)[2], LNS)[2] == {"UE": None, "UH": None, "UK": None}
    clock.now = NOW + MINUTE

    _set_owner(engine, ids["UK"], "U0OWNER")
    with session_scope(engine) as session:
        set_plan_step(session=session, team_id=TEAM, place=LNS.value,
                      next_step="fix the docs", user_id="U0STAFF", now=clock.now)
    kept, _, plan = _ask(services)

    assert kept.as_of == NOW
    line = next(line for line in plan.lines if line.place is LNS)
    assert (line.next_step, line.chosen) == ("fix the docs", True)
    assert _line(plan, LNS)[2] == {"UE": None, "UH": None, "UK": "U0OWNER"}


def test_open_follow_ups_are_read_only_for_the_customers_asked_about(engine: Engine) -> None:
    ids = seed_places(engine)
    with session_scope(engine) as session:
        open_place_follow_ups(session=session, team_id=TEAM, period=SPEC.resolve(NOW),
                              segment=LNS, now=NOW)
    _set_owner(engine, ids["UH"], "U0OWNER")

    with session_scope(engine) as session:
        one = open_follow_up_owners(session=session, team_id=TEAM, respondent_ids=[ids["UH"]])
        none_open = open_follow_up_owners(session=session, team_id=TEAM,
                                          respondent_ids=[ids["UA"], ids["UB"]])
        nobody = open_follow_up_owners(session=session, team_id=TEAM, respondent_ids=[])

    assert one == {ids["UH"]: "U0OWNER"}
    assert none_open == nobody == {}


@pytest.mark.parametrize("view", ["map movement", "plan"])
def test_a_map_kept_before_these_views_were_is_completed_live(
    engine: Engine, database_url: str, view: str
) -> None:
    """A map kept by an older version has no plan or fell-out list: the view computes them."""
    seed_places(engine)
    clock = FakeClock(NOW)
    services = _services(engine, database_url, clock)
    kept = _ask(services)[0]
    older = {k: v for k, v in kept.payload.items() if k not in ("continuum", "plan")}
    with session_scope(engine) as session:
        row = session.get(ReportSnapshot, (TEAM, "map", "30d"))
        assert row is not None
        row.payload = older
        session.add(row)
    clock.now = NOW + MINUTE
    live = _services(engine, database_url, clock, minutes=0)

    served = _message(services, view)

    assert ", as of 12:00 UTC" in served
    assert served.replace(", as of 12:00 UTC", "") == _message(live, view)
