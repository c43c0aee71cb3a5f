"""App Home: a dashboard for staff, their own surveys and a switch for the people we survey."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.benchmarks.target_blocks import target_line
from bot.core import ids
from bot.core.text import escape_mrkdwn, plural, truncate
from bot.followups.blocks import follow_ups_line
from bot.home.dashboard import Dashboard, PulseStatusRow
from bot.reporting.blocks import overview_message
from bot.reporting.outcome_blocks import outcomes_line
from bot.reporting.summary_blocks import benchmark_line, engagement_line, trend_line
from bot.reporting.theme_blocks import themes_summary
from storage.home import SurveyRow


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=truncate(text, 2900)))


def _pulse_line(row: PulseStatusRow) -> str:
    when = (
        f"next wave {row.next_wave:%a %-d %b %H:%M} UTC" if row.next_wave is not None
        else "sent by hand" if row.schedule is None else f"no wave while {row.status}"
    )
    how_often = f"{row.schedule} · " if row.schedule is not None else ""
    last = (
        f"last wave {plural(row.last_answered, 'answer')} of {row.last_sent} sent"
        if row.last_sent else "no wave yet"
    )
    return (f"• *{escape_mrkdwn(truncate(row.name, 80))}* · {row.metric.upper()} · "
            f"{row.status} · {how_often}{when} · {last}")


def staff_home_view(dashboard: Dashboard, *, admin: bool = False) -> View:
    """Headline figures, trend, the best to compare with, the map, follow-ups and pulses."""
    blocks: list[Block] = [*overview_message(dashboard.overview).blocks[:-1]]
    blocks.append(_section(trend_line(dashboard.trend)))
    against = [line for s in dashboard.benchmarks.sections if (line := benchmark_line(s))]
    against += [f"• {target_line(gap)}" for gap in dashboard.targets]
    if against:
        blocks.append(_section("*Against the best*\n" + "\n".join(against)))
    blocks.append(_section(engagement_line(dashboard.engagement)))
    if dashboard.outcomes is not None:
        blocks.append(_section(outcomes_line(dashboard.outcomes)))
    themes = themes_summary(dashboard.themes) if dashboard.themes is not None else None
    follow_ups = (
        follow_ups_line(dashboard.follow_ups) if dashboard.follow_ups is not None else None
    )
    blocks += [_section(extra) for extra in [*filter(None, [themes, follow_ups]),
                                             *dashboard.extras]]
    blocks += [DividerBlock(), HeaderBlock(text="Pulses")]
    if dashboard.pulses:
        lines = [_pulse_line(row) for row in dashboard.pulses]
        if dashboard.more_pulses:
            lines.append(f"…and {dashboard.more_pulses} more: `/engagement pulse list`")
        blocks.append(_section("\n".join(lines)))
    else:
        blocks.append(_section("No pulses yet."))
    digests = (
        f"{plural(dashboard.digests, 'channel')} get the digest"
        if dashboard.digests else "No channel gets the digest yet: `/engagement digest subscribe`"
    )
    blocks.append(ContextBlock(elements=[MarkdownTextObject(
        text=f"{digests} · `/engagement` in any channel for the figures, privately")]))
    if admin:
        blocks.append(ActionsBlock(block_id="admin", elements=[
            ButtonElement(text="New pulse", action_id=ids.NEW_PULSE_ACTION, style="primary"),
        ]))
    return View(type="home", blocks=blocks)


def _survey_line(row: SurveyRow) -> str:
    state = "answered" if row.answered else "closed" if row.closed else "open: answer in Messages"
    return f"• {row.sent_at:%-d %b %Y} · {escape_mrkdwn(truncate(row.pulse_name, 80))} · {state}"


def customer_home_view(*, opted_out: bool, surveys: list[SurveyRow] | None = None) -> View:
    if opted_out:
        state = "You have stopped these surveys. You can turn them back on at any time."
        button = ButtonElement(
            text="Turn surveys back on", action_id=ids.HOME_OPT_IN_ACTION, style="primary"
        )
    else:
        state = "You receive our short surveys here. You can stop them at any time."
        button = ButtonElement(text="Stop these surveys", action_id=ids.HOME_OPT_OUT_ACTION)
    blocks: list[Block] = [
        HeaderBlock(text="Thanks for helping us improve"),
        _section("Now and then we send a one-click question here. Your answers and comments "
                 "go straight to the team, and we read every one."),
        SectionBlock(block_id="consent", text=MarkdownTextObject(text=state), accessory=button),
    ]
    if surveys:
        blocks += [DividerBlock(), _section("*Your surveys*\n"
                                            + "\n".join(_survey_line(s) for s in surveys))]
    return View(type="home", blocks=blocks)
