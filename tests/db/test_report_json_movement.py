"""`movement` and `loop_effect` in `report --json` (schema version 2): the paper table as data."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine

from bot.core.periods import PeriodSpec
from bot.reporting.full_report import build_full_report
from storage.engine import session_scope
from tests.db.movement_scenario import NOW, written
from tests.history_builder import History


def _report(engine: Engine, *, minimum: int, compare_days: int | None = None) -> dict[str, Any]:
    period = PeriodSpec(days=30).resolve(NOW)
    if compare_days is not None:
        period = replace(period, compare=timedelta(days=compare_days))
    with session_scope(engine) as session:
        data = build_full_report(session=session, team_id="T0ACME", period=period,
                                 anonymity_minimum=minimum)
    return json.loads(json.dumps(data))  # what a script reads back


def test_movement_as_data_with_its_periods(engine: Engine) -> None:
    written(History(engine))

    movement = _report(engine, minimum=1)["movement"]  # a minimum of 1 hides nothing

    assert movement["current"] == {"start": "2026-10-31T12:00:00+00:00",
                                   "end": "2026-11-30T12:00:00+00:00"}
    assert movement["previous"] == {"start": "2026-10-01T12:00:00+00:00",
                                    "end": "2026-10-31T12:00:00+00:00"}
    assert movement["matrix"] == {  # tests/db/movement_scenario.py, counted on paper
        "promoter": {"promoter": 1, "passive": 1, "detractor": 1, "silent": 1},
        "passive": {"promoter": 1, "passive": 0, "detractor": 1, "silent": 0},
        "detractor": {"promoter": 1, "passive": 2, "detractor": 1, "silent": 1},
        "silent": {"promoter": 2, "passive": 0, "detractor": 1, "silent": 0},
    }
    assert (movement["net"], movement["up"], movement["down"]) == (1, 4, 3)
    assert (movement["customers"], movement["hidden"]) == (14, 0)
    assert "U0B" not in json.dumps(movement)  # nobody is named in a report file


def test_hidden_cells_are_null_and_the_totals_stay(engine: Engine) -> None:
    written(History(engine))

    movement = _report(engine, minimum=3)["movement"]

    # Every non-empty cell holds 1 or 2 customers, below 3: all 12 hidden. The passive row
    # would then hide 1 + 1 = 2 customers beside two zeros shown, under 3 between them, so
    # its zeros are hidden too (the whole row: its total alone is known). silent→passive's 0
    # stays shown, and silent→silent is 0 by definition.
    cells = [v for row in movement["matrix"].values() for v in row.values()]
    assert cells.count(None) == movement["hidden"] == 14
    assert movement["matrix"]["silent"]["passive"] == 0
    assert movement["matrix"]["silent"]["silent"] == 0
    assert (movement["net"], movement["customers"], movement["minimum"]) == (1, 14, 3)


def test_compare_days_sets_the_earlier_period(engine: Engine) -> None:
    written(History(engine))

    data = _report(engine, minimum=1, compare_days=31)

    # The 31 days before reach M's answer (a microsecond before the 30 days before).
    assert data["movement"]["previous"]["start"] == "2026-09-30T12:00:00+00:00"
    assert data["movement"]["matrix"]["passive"]["silent"] == 1
    assert data["movement"]["current"]["start"] == "2026-10-31T12:00:00+00:00"


def test_the_loop_effect_keys(engine: Engine) -> None:
    written(History(engine))

    effect = _report(engine, minimum=3)["loop_effect"]

    # Detractor answers of the 30 days: B 3, E 6, J 2, I 6 (and G 8, N 7 are not detractors):
    # none answered again, no follow-ups raised.
    assert effect == {
        "followed_up": {"n": 0, "recovered": None, "recovered_percent": None, "ci95": None,
                        "mean_change": None},
        "not_followed_up": {"n": 0, "recovered": None, "recovered_percent": None,
                            "ci95": None, "mean_change": None},
        "difference": None, "ci95": None, "waiting": 4, "minimum": 3,
        "follow_ups": {"raised": 0, "median_hours_to_first_reply": None,
                       "median_hours_to_resolution": None},
    }
