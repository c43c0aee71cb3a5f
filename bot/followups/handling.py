"""What staff do with a follow-up: take ownership, reply to the customer, resolve."""

from __future__ import annotations

import logging
import secrets

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlmodel import Session

from bot.core.errors import UserFacingError
from bot.core.services import Services
from bot.followups.alert_blocks import NOTE_MAX_LENGTH, REPLY_MAX_LENGTH, customer_reply_text
from bot.slack.lookup import FOLLOW_UP_REPLY, PostUnconfirmed, post_once
from bot.workspaces.access import require_staff
from storage.engine import session_scope
from storage.followups import (
    change_follow_up,
    follow_up_details,
    get_follow_up,
)
from storage.models import FollowUp, Workspace

logger = logging.getLogger(__name__)


class FollowUpRefused(UserFacingError):
    """A follow-up action that cannot be done; nothing was changed."""


NOT_STAFF_LEAD = "Only the team can act on follow-ups; nothing was changed."
UNKNOWN = FollowUpRefused("I couldn't find that follow-up any more, so nothing was changed.")
RESOLVED = FollowUpRefused("This follow-up is already resolved, so nothing was changed.")
NOBODY_TO_REPLY = FollowUpRefused("There is no known customer to reply to for this follow-up.")
NOT_DELIVERED = FollowUpRefused(
    "Slack did not deliver the reply, so nothing was recorded. Please try again.")
NOT_CONFIRMED = FollowUpRefused(
    "Slack could not confirm the reply, so nothing was recorded; it may have reached the "
    "customer. Please wait a few minutes before sending it again.")


def check_staff(services: Services, client: WebClient, *, team_id: str, user_id: str,
                user_team_id: str | None = None) -> None:
    """Only staff act on follow-ups; asked of Slack before any transaction is opened."""
    try:
        require_staff(services, client, team_id=team_id, user_id=user_id,
                      user_team_id=user_team_id, lead=NOT_STAFF_LEAD)
    except UserFacingError as refusal:
        raise FollowUpRefused(str(refusal)) from None


def _open_follow_up(session: Session, *, follow_up_id: int, team_id: str) -> FollowUp:
    """The follow-up, if it belongs to this workspace and is still open."""
    row = get_follow_up(session=session, follow_up_id=follow_up_id)
    if row is None or row.team_id != team_id:
        raise UNKNOWN
    if row.resolved_at is not None:
        raise RESOLVED
    return row


def take_ownership(services: Services, client: WebClient, *, follow_up_id: int, team_id: str,
                   user_id: str, user_team_id: str | None = None) -> None:
    """Anyone on the team may take over; the alert then names who had it before."""
    check_staff(services, client, team_id=team_id, user_id=user_id, user_team_id=user_team_id)
    now = services.clock()
    with session_scope(services.engine) as session:
        row = _open_follow_up(session, follow_up_id=follow_up_id, team_id=team_id)
        if row.owner_user_id == user_id:
            return
        change_follow_up(session=session, follow_up_id=follow_up_id, owner_user_id=user_id,
                         previous_owner_user_id=row.owner_user_id, owned_at=now, touched_at=now)


def reply_target(
    services: Services, client: WebClient, *, follow_up_id: int, team_id: str, user_id: str,
    user_team_id: str | None = None,
) -> tuple[str, str]:
    """Check a reply can be written, before its modal opens: (team name, customer's user id)."""
    check_staff(services, client, team_id=team_id, user_id=user_id, user_team_id=user_team_id)
    with session_scope(services.engine) as session:
        _open_follow_up(session, follow_up_id=follow_up_id, team_id=team_id)
        details = follow_up_details(session=session, follow_up_id=follow_up_id)
        if details is None or details.user_id is None:
            raise NOBODY_TO_REPLY
        workspace = session.get(Workspace, team_id)
        return (workspace.name if workspace is not None else ""), details.user_id


def check_resolvable(services: Services, client: WebClient, *, follow_up_id: int, team_id: str,
                     user_id: str, user_team_id: str | None = None) -> None:
    check_staff(services, client, team_id=team_id, user_id=user_id, user_team_id=user_team_id)
    with session_scope(services.engine) as session:
        _open_follow_up(session, follow_up_id=follow_up_id, team_id=team_id)


def _written(text: str, *, limit: int, what: str) -> str:
    written = text.strip()
    if not written:
        raise FollowUpRefused(f"Please write {what}, or press Cancel.")
    if len(written) > limit:
        raise FollowUpRefused(f"Please keep {what} under {limit} characters "
                              f"(it has {len(written)}).")
    return written


def reply_to_customer(
    services: Services, client: WebClient, *, follow_up_id: int, team_id: str, user_id: str,
    text: str, user_team_id: str | None = None,
) -> None:
    """DM the customer on the replier's behalf; the first reply sets the time to first response.

    The DM goes first: a reply Slack refused is not counted as a response. It is posted once
    (bot.slack.lookup.post_once): a 5xx after Slack posted it is found in the DM by the reply's
    own id, so the customer gets one DM and the replier is told it went.
    """
    team_name, customer = reply_target(services, client, follow_up_id=follow_up_id,
                                       team_id=team_id, user_id=user_id,
                                       user_team_id=user_team_id)
    reply = _written(text, limit=REPLY_MAX_LENGTH, what="a reply")
    message = customer_reply_text(replier_id=user_id, team_name=team_name, reply=reply)
    try:
        post_once(client, kind=FOLLOW_UP_REPLY, record_id=secrets.token_hex(8),
                  channel=customer, text=message)
    except PostUnconfirmed as exc:
        logger.warning("follow-up %s reply not confirmed: %s", follow_up_id, exc)
        raise NOT_CONFIRMED from exc
    except (SlackApiError, SlackClientError, OSError) as exc:
        raise NOT_DELIVERED from exc
    now = services.clock()
    with session_scope(services.engine) as session:
        row = get_follow_up(session=session, follow_up_id=follow_up_id)
        assert row is not None
        changes: dict[str, object] = {"touched_at": now}
        if row.first_response_at is None:
            changes["first_response_at"] = now
        if row.owner_user_id is None:  # whoever answers the customer owns the follow-up
            changes.update(owner_user_id=user_id, owned_at=now)
        change_follow_up(session=session, follow_up_id=follow_up_id, **changes)


def resolve_follow_up(
    services: Services, client: WebClient, *, follow_up_id: int, team_id: str, user_id: str,
    note: str, user_team_id: str | None = None,
) -> None:
    check_staff(services, client, team_id=team_id, user_id=user_id, user_team_id=user_team_id)
    written = _written(note, limit=NOTE_MAX_LENGTH, what="a resolution note")
    now = services.clock()
    with session_scope(services.engine) as session:
        row = _open_follow_up(session, follow_up_id=follow_up_id, team_id=team_id)
        changes: dict[str, object] = {"resolved_at": now, "resolved_by": user_id,
                                      "resolution_note": written, "touched_at": now}
        if row.owner_user_id is None:
            changes.update(owner_user_id=user_id, owned_at=now)
        change_follow_up(session=session, follow_up_id=follow_up_id, **changes)
