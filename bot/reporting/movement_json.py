"""`movement` and `loop_effect` in `report --json` (schema version 2; docs/REPORT-JSON.md).

Pure, like bot.reporting.report_json: it only reads what the builders made. A hidden figure
(below the anonymity minimum, or hidden with one) is null, never left out, so a script can
tell "hidden" from "zero".
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.core.periods import Period
from bot.followups.effect import LoopEffectReport
from bot.insights.loop_effect import EffectGroup
from bot.insights.movement import STANDINGS
from bot.reporting.movement import Movement


def _span(period: Period) -> dict[str, str]:
    return {"start": period.start.isoformat(), "end": period.end.isoformat()}


def movement_json(movement: Movement) -> dict[str, Any]:
    shown, table = movement.shown, movement.shown.table
    return {
        "current": _span(movement.period),
        "previous": _span(movement.previous),
        "matrix": {before: {after: shown.cell((before, after)) for after in STANDINGS}
                   for before in STANDINGS},
        "net": table.net,
        "up": table.up,
        "down": table.down,
        "customers": table.customers,
        "hidden": len(shown.hidden),
        "minimum": shown.minimum,
    }


def _rounded(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def _hours(span: timedelta | None) -> float | None:
    return None if span is None else round(span.total_seconds() / 3600, 1)


def _group(group: EffectGroup) -> dict[str, Any]:
    interval = group.ci95
    return {
        "n": group.n,
        "recovered": group.recovered if group.shown else None,
        "recovered_percent": _rounded(group.recovered_percent),
        "ci95": None if interval is None else [_rounded(interval.low), _rounded(interval.high)],
        "mean_change": _rounded(group.mean_change, 2),
    }


def loop_effect_json(report: LoopEffectReport) -> dict[str, Any]:
    effect, times = report.effect, report.times
    interval = effect.ci95
    return {
        "followed_up": _group(effect.followed_up),
        "not_followed_up": _group(effect.not_followed_up),
        "difference": _rounded(effect.difference),
        "ci95": None if interval is None else [_rounded(interval.low), _rounded(interval.high)],
        "waiting": effect.waiting,
        "minimum": effect.minimum,
        "follow_ups": {
            "raised": times.raised,
            "median_hours_to_first_reply": _hours(times.median_first_response),
            "median_hours_to_resolution": _hours(times.median_close),
        },
    }
