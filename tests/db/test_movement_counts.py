"""The movement table from stored answers, on both databases, against a table counted on paper."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine

from bot.core.periods import PeriodSpec
from bot.reporting.movement import build_movement
from storage.engine import session_scope
from tests.db.movement_scenario import EXPECTED, FALLEN_ACCOUNT, NOW, written
from tests.history_builder import History


def test_the_table_counted_on_paper(engine: Engine) -> None:
    written(History(engine))

    with session_scope(engine) as session:
        movement = build_movement(session=session, team_id="T0ACME",
                                  period=PeriodSpec(days=30).resolve(NOW), minimum=3, named=True)

    table = movement.shown.table
    assert dict(table.counts) == EXPECTED
    assert (table.customers, table.up, table.down, table.net) == (14, 4, 3, 1)
    assert movement.previous.start == NOW - timedelta(days=60)
    assert movement.previous.end == movement.period.start == NOW - timedelta(days=30)
    assert movement.fallen_total == 1
    [fallen] = movement.fallen
    assert (fallen.user_id, fallen.account) == ("U0B", FALLEN_ACCOUNT)
    assert (fallen.previous_score, fallen.current_score) == (9, 3)


def test_names_are_looked_up_only_when_asked_for(engine: Engine) -> None:
    written(History(engine))

    with session_scope(engine) as session:
        movement = build_movement(session=session, team_id="T0ACME",
                                  period=PeriodSpec(days=30).resolve(NOW), minimum=3)

    assert movement.fallen_total == 1
    assert movement.fallen == []


def test_a_longer_earlier_period_reaches_further_back(engine: Engine) -> None:
    # Compared with the 31 days before, M's answer (a microsecond before the 30 days before)
    # counts: M 8 → silent joins passive→silent.
    written(History(engine))
    period = PeriodSpec(days=30).resolve(NOW)

    with session_scope(engine) as session:
        movement = build_movement(session=session, team_id="T0ACME",
                                  period=type(period)(period.start, period.end, period.label,
                                                      compare=timedelta(days=31)),
                                  minimum=3)

    assert movement.shown.table.counts[("passive", "silent")] == 1
    assert movement.shown.table.customers == 15
    assert movement.previous.label == "the 31 days before"


def test_a_workspace_with_no_answers_has_an_empty_table(engine: Engine) -> None:
    with session_scope(engine) as session:
        movement = build_movement(session=session, team_id="T0NONE",
                                  period=PeriodSpec(days=30).resolve(NOW), minimum=3)

    assert movement.shown.table.customers == 0
    assert movement.fallen_total == 0
