"""The follow-up alert posted for a detractor or a strongly negative comment, and its modals."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.core import ids
from bot.core.text import escape_mrkdwn, mention, quote, truncate
from bot.insights.followups import is_detractor
from bot.insights.metrics import nps_class
from bot.slack.message import ReportMessage
from storage.followups import FollowUpDetails

REPLY_MAX_LENGTH = 2000
NOTE_MAX_LENGTH = 1000
COMMENT_SHOWN = 1500


def fmt_when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def answer_class(metric: str, score: int) -> str:
    if is_detractor(metric, score):
        return "a detractor" if metric == "nps" else "dissatisfied"
    if metric == "nps":
        return f"a {nps_class(score)}"
    return "satisfied" if score >= 4 else "neutral"


def alert_message(details: FollowUpDetails) -> ReportMessage:
    row = details.row
    metric = str(row.metric)
    label = metric.upper()
    why = (
        f"{label} *{row.raised_score}* ({answer_class(metric, row.raised_score)})"
        if is_detractor(metric, row.raised_score)
        else f"a strongly negative comment with {label} *{row.raised_score}*"
    )
    who = f"<@{details.user_id}>" if details.user_id else "A customer"
    account = escape_mrkdwn(details.account) if details.account else "no account on file"
    lines = [f":rotating_light: *Follow-up:* {who} ({account}) answered {why}."]
    if row.score != row.raised_score:
        lines.append(
            f"_They have since changed their answer to {label} *{row.score}* "
            f"(now {answer_class(metric, row.score)})._"
        )
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text="\n".join(lines)))]
    if row.comment:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=quote(row.comment, COMMENT_SHOWN))))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=_history(details))]))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=_status(details))]))
    if row.resolved_at is None:
        blocks.append(_buttons(details))
    fallback = f"Follow-up: {label} {row.score} from " + (details.account or "a customer")
    return ReportMessage(text=truncate(escape_mrkdwn(fallback), 300), blocks=blocks)


def _history(details: FollowUpDetails) -> str:
    sent = f"{details.pulse_count} pulse{'s' if details.pulse_count != 1 else ''} sent"
    if not details.history:
        return f"No earlier answers · {sent}"
    earlier = ", ".join(
        f"{past.metric.value.upper()} {past.score} ({past.answered_at:%Y-%m-%d})"
        for past in details.history
    )
    return f"Earlier answers: {earlier} · {sent}"


def _status(details: FollowUpDetails) -> str:
    row = details.row
    parts = [f"Raised {fmt_when(row.raised_at)}"]
    if row.owner_user_id:
        owned = f"Owned by {mention(row.owner_user_id)}"
        if row.previous_owner_user_id:
            owned += f" (taken over from {mention(row.previous_owner_user_id)})"
        parts.append(owned)
    else:
        parts.append("Nobody owns this yet")
    if row.first_response_at:
        parts.append(f"First reply {fmt_when(row.first_response_at)}")
    if row.resolved_at:
        note = escape_mrkdwn(truncate(row.resolution_note or "", 500))
        by = mention(row.resolved_by) if row.resolved_by else "someone"
        parts.append(f"Resolved by {by} {fmt_when(row.resolved_at)}: {note}")
    return " · ".join(parts)


def _buttons(details: FollowUpDetails) -> ActionsBlock:
    value = str(details.row.id)
    buttons = [ButtonElement(text="Take ownership", action_id=ids.FOLLOW_UP_OWN_ACTION,
                             value=value, style="primary")]
    if details.user_id:
        buttons.append(ButtonElement(text="Reply to customer",
                                     action_id=ids.FOLLOW_UP_REPLY_ACTION, value=value))
    buttons.append(ButtonElement(text="Resolve", action_id=ids.FOLLOW_UP_RESOLVE_ACTION,
                                 value=value))
    return ActionsBlock(block_id=f"follow_up_{value}", elements=buttons)


def _text_modal(*, callback_id: str, follow_up_id: int, title: str, submit: str, label: str,
                hint: str, max_length: int) -> View:
    return View(
        type="modal",
        callback_id=callback_id,
        # The follow-up id is the only state; the submission re-checks who may act on it.
        private_metadata=str(follow_up_id),
        title=PlainTextObject(text=title),
        submit=PlainTextObject(text=submit),
        close=PlainTextObject(text="Cancel"),
        blocks=[
            InputBlock(
                block_id=ids.FOLLOW_UP_TEXT_BLOCK,
                label=PlainTextObject(text=label),
                hint=PlainTextObject(text=hint),
                element=PlainTextInputElement(
                    action_id=ids.FOLLOW_UP_TEXT_INPUT, multiline=True, max_length=max_length
                ),
            )
        ],
    )


def reply_modal(*, follow_up_id: int, team_name: str) -> View:
    return _text_modal(
        callback_id=ids.FOLLOW_UP_REPLY_MODAL, follow_up_id=follow_up_id,
        title="Reply to customer", submit="Send", label="Your reply",
        hint=truncate(f"The customer gets it as a DM: “@you from {team_name} replied to your "
                      "feedback: …”", 150),
        max_length=REPLY_MAX_LENGTH,
    )


def resolve_modal(*, follow_up_id: int) -> View:
    return _text_modal(
        callback_id=ids.FOLLOW_UP_RESOLVE_MODAL, follow_up_id=follow_up_id,
        title="Resolve follow-up", submit="Resolve", label="What was done",
        hint="Shown on the alert, so the team knows how it ended.",
        max_length=NOTE_MAX_LENGTH,
    )


def customer_reply_text(*, replier_id: str, team_name: str, reply: str) -> str:
    """The DM the customer receives; staff text is escaped too, so it cannot ping anyone."""
    team = escape_mrkdwn(team_name) if team_name else "our team"
    return f"<@{replier_id}> from {team} replied to your feedback:\n{quote(reply, 2500)}"
