"""/engagement map movement, map (with advocacy) and plan, through signed slash commands, on the
hand-placed history of tests/db/continuum_history.py."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from bot.core.periods import PeriodSpec
from bot.core.services import Services
from bot.reporting.continuum import build_plan
from bot.sandbox.client import SignedSlackClient
from bot.sandbox.slack_api import SlackSandbox
from storage.engine import create_db_engine, session_scope
from storage.models import FollowUp, PlanStep
from tests.conftest import CUSTOMERS, FakeClock
from tests.db.continuum_history import NOW, seed_places

STAFF = "U0STAFF"


@pytest.fixture
def placed(engine: Engine, sandbox: SlackSandbox, clock: FakeClock) -> dict[str, int]:
    clock.now = NOW
    return seed_places(engine, team_id=sandbox.team_id)


def _shown(reply: object) -> str:
    body = reply.json()  # type: ignore[attr-defined]
    return str(body.get("blocks")) + body["text"]


def test_map_movement_hides_small_cells_and_names_who_fell_only_privately(
    placed: dict[str, int], slack: SignedSlackClient
) -> None:
    private = _shown(slack.slash_command(STAFF, "map movement 30d"))
    assert "Movement on the engagement map" in private
    # 2 of the 6 customers placed in both periods moved toward, 2 away (the paper working).
    assert "*33%* moved toward engaged advocate, *33%* away" in private
    # Every cell holds one customer, under the minimum of 5: none is shown as a number.
    assert "advoc          ·     ·     ·     ·     ·" in private
    assert "Acme &lt;b&gt;" in private
    assert "Hooli" in private
    assert "<b>" not in private

    shared = _shown(slack.slash_command(STAFF, "map movement 30d share"))
    assert "Hooli" not in shared
    assert "2 customers fell out of engaged advocate" in shared


def test_the_map_shows_advocacy_beside_stated_loyalty(
    placed: dict[str, int], slack: SignedSlackClient
) -> None:
    shown = _shown(slack.slash_command(STAFF, "map 30d"))
    assert "Revealed advocacy" in shown
    # Engaged advocates hold 4 customers (under 5): hidden like every other place here.
    assert "hidden: fewer than 5 customers" in shown


def test_a_plan_step_set_by_staff_survives_a_restart(
    placed: dict[str, int], slack: SignedSlackClient, services: Services, sandbox: SlackSandbox,
    database_url: str,
) -> None:
    reply = slack.slash_command(STAFF, 'plan set at_risk "Call within 5 days <!channel>"')
    assert "next step is now “Call within 5 days &lt;!channel&gt;”" in reply.json()["text"]

    # After a restart: a new engine on the same database reads what was chosen.
    engine = create_db_engine(database_url)
    try:
        with session_scope(engine) as session:
            plan = build_plan(session=session, team_id=sandbox.team_id,
                              period=PeriodSpec(days=30).resolve(NOW),
                              minimum=services.settings.anonymity_minimum)
    finally:
        engine.dispose()
    step = next(line for line in plan.lines if line.place.value == "at_risk")
    assert (step.next_step, step.chosen) == ("Call within 5 days <!channel>", True)

    shown = _shown(slack.slash_command(STAFF, "plan 30d"))
    assert "Call within 5 days &lt;!channel&gt;" in shown
    assert "<!channel>" not in shown
    assert "ask for a referral _(default)_" in shown


def test_customers_cannot_set_the_plan(placed: dict[str, int], slack: SignedSlackClient,
                                       engine: Engine) -> None:
    reply = slack.slash_command(CUSTOMERS[0], "plan set at_risk call them")
    assert "next step" not in reply.json()["text"]
    with session_scope(engine) as session:
        assert session.exec(select(PlanStep)).all() == []


def test_one_command_opens_follow_ups_for_a_whole_place(
    placed: dict[str, int], slack: SignedSlackClient, engine: Engine
) -> None:
    first = slack.slash_command(STAFF, "plan followup loyal_not_satisfied").json()["text"]
    again = slack.slash_command(STAFF, "plan followup loyal_not_satisfied").json()["text"]
    assert first.startswith("Opened 3 follow-ups for loyal, not satisfied (0 already open)")
    assert again.startswith("Opened 0 follow-ups for loyal, not satisfied (3 already open)")
    with session_scope(engine) as session:
        rows = session.exec(select(FollowUp)).all()
    assert sorted(r.respondent_id for r in rows) == sorted(
        placed[u] for u in ("UE", "UH", "UK"))


def test_a_typo_in_a_place_names_the_places(placed: dict[str, int],
                                            slack: SignedSlackClient) -> None:
    shown = _shown(slack.slash_command(STAFF, "plan set risky call them"))
    assert "the places are engaged_advocate, satisfied_not_loyal" in shown

