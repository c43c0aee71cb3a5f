"""Answers to the admin subcommands about staff and admins: data in, message out."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock

from bot.core.text import escape_mrkdwn, plural
from bot.slack.message import ReportMessage


def _said(text: str) -> ReportMessage:
    return ReportMessage(text=text, blocks=[SectionBlock(text=MarkdownTextObject(text=text))])


def _people(user_ids: Sequence[str]) -> str:
    return ", ".join(f"<@{user_id}>" for user_id in user_ids)


def staff_set(*, group_id: str, handle: str, members: int) -> ReportMessage:
    # The handle as text, not a <!subteam^…> mention: setting it should not ping the group.
    named = f"@{escape_mrkdwn(handle)}" if handle else group_id
    return _said(f"Staff are now this workspace's admins and owners and the "
                 f"{plural(members, 'member')} of *{named}* (`{group_id}`): they see the "
                 "figures, what customers wrote and the follow-ups. Whoever joins or leaves "
                 "the group gains or loses that within a minute.")


def staff_cleared() -> ReportMessage:
    return _said("No staff user group any more: only this workspace's admins and owners (and "
                 "the admins they added) see the figures and what customers wrote.")


def admins_added(user_ids: Sequence[str]) -> ReportMessage:
    return _said(f"{_people(user_ids)} can now run the admin subcommands in this workspace "
                 "(and see the figures). `/engagement admin remove` takes that back.")


def admins_removed(user_ids: Sequence[str], *, removed: int) -> ReportMessage:
    if not removed:
        return _said(f"{_people(user_ids)} had not been added as admins, so nothing changed. "
                     "(The workspace's own admins and owners are admins here in any case.)")
    return _said(f"{_people(user_ids)} no longer admins of the bot here, unless they are "
                 "admins or owners of the workspace itself.")


def admin_list(*, listed: Sequence[str], configured: Sequence[str],
               staff_group: str | None) -> ReportMessage:
    lines = ["*Admins*: this workspace's admins and owners"]
    if configured:
        lines.append(f"• set in ADMIN_USER_IDS: {_people(configured)}")
    lines.append(f"• added here: {_people(listed)}" if listed else
                 "• nobody added here (`/engagement admin add @person`)")
    lines.append("*Staff*: the admins, and " + (
        f"the members of the user group `{staff_group}`" if staff_group
        else "no staff user group (`/engagement set staff @group`)"))
    return _said("\n".join(lines))


def currency_set(code: str | None) -> ReportMessage:
    if code is None:
        return _said("Imported amounts are now shown without a currency. "
                     "`/engagement set currency EUR` sets one again.")
    return _said(f"Imported amounts (revenue after a renewal, churn or expansion) are in "
                 f"*{code}* for this workspace. The bot converts nothing: import them in {code}.")
