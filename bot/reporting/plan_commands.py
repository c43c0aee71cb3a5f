"""`/engagement plan set|reset|followup PLACE`: staff choose each place's step and act on it."""

from __future__ import annotations

from bot.core.periods import PeriodSpec
from bot.core.services import Services
from bot.core.text import escape_mrkdwn, plural
from bot.insights.continuum import DEFAULT_STEPS
from bot.insights.engagement import PLACED_SEGMENTS, Segment
from bot.reporting.continuum import open_place_follow_ups
from bot.reporting.continuum_blocks import PLACE_NAMES
from bot.reporting.grammar import PlanAction, PlanCommand
from bot.slack.message import ReportMessage
from storage.continuum import set_plan_step
from storage.engine import session_scope

PLACE_KEYS = tuple(segment.value for segment in PLACED_SEGMENTS)


def run_plan_command(
    services: Services, *, team_id: str, user_id: str | None, command: PlanCommand
) -> ReportMessage:
    segment = Segment(command.place)
    name = PLACE_NAMES[segment]
    now = services.clock()
    with session_scope(services.engine) as session:
        if command.action is PlanAction.FOLLOWUP:
            # The places as `/engagement plan` shows them by default.
            opened, already = open_place_follow_ups(
                session=session, team_id=team_id, period=PeriodSpec().resolve(now),
                segment=segment, now=now)
            text = (f"Opened {plural(opened, 'follow-up')} for {name.lower()}"
                    f" ({already} already open). Their alerts go to the alert channel.")
            return ReportMessage(text=text, blocks=[])
        step = command.next_step if command.action is PlanAction.SET else None
        set_plan_step(session=session, team_id=team_id, place=segment.value, next_step=step,
                      user_id=user_id, now=now)
    if step is None:
        return ReportMessage(text=f"{name}: back to the default step, "
                                  f"“{DEFAULT_STEPS[segment]}”.", blocks=[])
    return ReportMessage(text=f"{name}: next step is now “{escape_mrkdwn(step)}”.", blocks=[])
