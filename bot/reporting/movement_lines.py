"""The movement and loop-effect lines of the weekly digest and App Home's staff view."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from bot.core.periods import DEFAULT_DAYS, Period
from bot.followups.effect import build_loop_effect
from bot.followups.effect_blocks import loop_effect_line
from bot.reporting.movement import build_movement
from bot.reporting.movement_blocks import movement_line

WHOLE_WORKSPACE = " _(whole workspace)_"


def movement_lines(
    session: Session, *, team_id: str, period: Period, minimum: int, scoped: bool = False
) -> list[str]:
    """Movement since the period before `period`, and the loop effect on the detractor
    answers of the DEFAULT_DAYS up to its end: a week holds too few customers who answered
    again to say anything. Each line only when there is something to say; both are about the
    whole workspace (`scoped`: the digest is about a pulse or segment, so they say so)."""
    lines = []
    moved = movement_line(build_movement(session=session, team_id=team_id, period=period,
                                         minimum=minimum))
    window = Period(period.end - timedelta(days=DEFAULT_DAYS), period.end,
                    f"last {DEFAULT_DAYS} days")
    effect = loop_effect_line(build_loop_effect(session=session, team_id=team_id,
                                                period=window, minimum=minimum).effect,
                              window=window.label)
    for line in (moved, effect):
        if line is not None:
            lines.append(line + (WHOLE_WORKSPACE if scoped else ""))
    return lines
