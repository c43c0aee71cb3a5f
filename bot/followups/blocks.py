"""`/engagement followups`, and the reminder about a follow-up left untouched."""

from __future__ import annotations

from datetime import datetime, timedelta

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.core.text import DASH, escape_mrkdwn, mention, plural, truncate
from bot.insights.followups import FollowUpSummary
from bot.slack.message import ReportMessage
from storage.followups import FollowUpDetails

MAX_SHOWN = 15
EXCERPT = 150


def fmt_duration(span: timedelta | None) -> str:
    """'40 min', '5 h', '2 d 3 h'; an en dash when there is nothing to measure."""
    if span is None:
        return DASH
    minutes = int(span.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 24:
        return f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def follow_ups_line(summary: FollowUpSummary) -> str | None:
    """One line for the digest and App Home; None when nothing was raised."""
    if not summary.raised:
        return None
    return (
        f"*Follow-ups*: {summary.raised} raised, {summary.responded} replied to "
        f"(median {fmt_duration(summary.median_first_response)} to the first reply), "
        f"{summary.resolved} resolved (median {fmt_duration(summary.median_close)}); "
        f"{summary.still_open} still open · `/engagement followups`"
    )


def followups_message(
    summary: FollowUpSummary, open_count: int, oldest: list[FollowUpDetails], *, period: str,
    now: datetime,
) -> ReportMessage:
    """The period's figures, then the oldest open follow-ups (at most MAX_SHOWN of them)."""
    headline = (
        f"*Follow-ups, {period}:* {plural(summary.raised, 'raised', 'raised')} · "
        f"{summary.responded} replied to · {summary.resolved} resolved\n"
        f"Median time to first response *{fmt_duration(summary.median_first_response)}* · "
        f"median time to close *{fmt_duration(summary.median_close)}*"
    )
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=headline))]
    if not open_count:
        blocks.append(SectionBlock(text=MarkdownTextObject(text="No open follow-ups. :tada:")))
    for details in oldest[:MAX_SHOWN]:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=_line(details, now))))
    shown = min(len(oldest), MAX_SHOWN)
    if open_count > shown:
        more = open_count - shown
        blocks.append(ContextBlock(elements=[MarkdownTextObject(
            text=f"…and {plural(more, 'more open follow-up')}; the oldest are shown.")]))
    text = f"{plural(open_count, 'open follow-up')}; {summary.raised} raised {period}"
    return ReportMessage(text=text, blocks=blocks)


def _line(details: FollowUpDetails, now: datetime) -> str:
    row = details.row
    account = escape_mrkdwn(details.account) if details.account else "no account"
    owner = f"owned by {mention(row.owner_user_id)}" if row.owner_user_id else "*unowned*"
    line = (f"• {str(row.metric).upper()} *{row.score}* · {account} · "
            f"{fmt_duration(now - row.raised_at)} old · {owner}")
    if row.comment:
        line += f"\n   “{escape_mrkdwn(truncate(row.comment.replace(chr(10), ' '), EXCERPT))}”"
    return line


def reminder_text(details: FollowUpDetails, *, days: int, owned: bool) -> str:
    row = details.row
    account = escape_mrkdwn(details.account) if details.account else "a customer"
    what = f"{str(row.metric).upper()} {row.score} from {account}"
    if owned:
        return (f"Reminder: the follow-up on {what} in <#{row.alert_channel_id}> has had no "
                f"news for {plural(days, 'day')}. Reply to the customer or resolve it.")
    return (f"Reminder: nobody has taken ownership of this follow-up ({what}) after "
            f"{plural(days, 'day')}. Press *Take ownership* to handle it.")


def alerts_set_message(channel_id: str) -> ReportMessage:
    text = (f"Follow-up alerts for this workspace now go to <#{channel_id}>: a detractor's answer "
            "or a strongly negative comment raises one there, with buttons to own, reply and "
            "resolve. Alerts already posted stay where they are.")
    return ReportMessage(text=text, blocks=[SectionBlock(text=MarkdownTextObject(text=text))])


def alerts_off_message() -> ReportMessage:
    text = ("Follow-up alerts are off for this workspace: unhappy answers raise no alert and "
            "nothing is recorded for follow-up until `/engagement set alerts #channel`.")
    return ReportMessage(text=text, blocks=[SectionBlock(text=MarkdownTextObject(text=text))])
