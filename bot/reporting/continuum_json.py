"""The continuum in `report --json`: movement between the map's places, advocacy, the plan.

Places are spelled as the engagement map's keys, with "not_placed"; no customer is named (a
report file travels). Cells and places under the anonymity minimum are null.
"""

from __future__ import annotations

from typing import Any

from bot.insights.continuum import PLACES
from bot.insights.engagement import PLACED_SEGMENTS, Segment
from bot.reporting.continuum import AdvocacyReport, ContinuumReport, PlanReport


def place_key(segment: Segment) -> str:
    return "not_placed" if segment is Segment.UNPLACED else segment.value


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def continuum_json(report: ContinuumReport) -> dict[str, Any]:
    movement = report.movement
    return {
        "matrix": {place_key(before): {place_key(now): report.shown[before][now]
                                       for now in PLACES}
                   for before in PLACES},
        "placed_both": movement.placed_both,
        "toward_percent": _percent(movement.share(1)),
        "away_percent": _percent(movement.share(-1)),
    }


def advocacy_json(report: AdvocacyReport) -> dict[str, Any]:
    places: dict[str, Any] = {}
    for segment in PLACES:
        line = report.shown(segment)
        places[place_key(segment)] = None if line is None else {
            "customers": line.customers, "referred": line.referred, "reviewed": line.reviewed,
        }
    return places


def plan_json(report: PlanReport) -> dict[str, Any]:
    lines = {line.place: line for line in report.lines}
    return {
        place_key(segment): {
            "customers": lines[segment].customers,
            "next_step": lines[segment].next_step,
            "top_themes": lines[segment].themes,
        }
        for segment in PLACED_SEGMENTS
    }
