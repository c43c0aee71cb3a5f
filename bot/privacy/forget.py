"""`forget USER`: erase one person's data from a workspace, and keep an audit of having done so.

What goes: their answers and comments (named pulses, and anonymous ones whose wave is still open
and so still findable, and those imported from other tools), their deliveries, their outcome
events (renewals, churn…), their customer record with its account and segments, and their place
in pulses' named audiences. What stays: answers to anonymous pulses whose wave
has closed (nothing links them to anyone any more), and, if they had opted out, a keyed hash in
the suppression list, so being forgotten never means being surveyed again. What they did as
staff (owning, resolving follow-ups; targets, custom benchmarks, digests, the industry) stays as
the team's record, with a pseudonym in place of their Slack ID. The audit record names who
asked, when, the same hash (never the ID) and how many rows went from each table or were
pseudonymised in each column.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.errors import UserFacingError
from bot.core.ids import EMAIL, USER_ID
from bot.core.services import Services
from bot.privacy.anonymity import answer_key
from bot.privacy.subjects import staff_pseudonym, subject_hash
from bot.workspaces.customer_lookup import (
    CustomerKind,
    CustomerRef,
    external_customer_id,
    is_slack_user_id,
)
from storage.data_requests import (
    FORGET,
    count_personal_data,
    count_staff_references,
    delete_personal_data,
    find_personal_data,
    pseudonymise_staff,
    record_data_request,
    suppress_subject,
)
from storage.engine import session_scope
from storage.report_snapshots import drop_snapshots
from storage.respondents import is_respondent

MAX_REQUESTED_BY = 255
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class InvalidSubject(UserFacingError):
    """Not a Slack user ID nor an e-mail Slack knows; nothing is deleted."""


@dataclass(frozen=True)
class ForgetReport:
    subject_hash: str
    counts: dict[str, int]
    dry_run: bool


def is_email(subject: str) -> bool:
    return bool(EMAIL.match(subject))


def resolve_subject(
    subject: str, client: WebClient | None, *, imported: Callable[[str], bool] | None = None,
) -> str:
    """A Slack user ID as given, or the user an e-mail belongs to (asked of Slack: the
    customer import resolves e-mails the same way and does not keep them).

    A customer an import brought who is not in Slack (bot.workspaces.customer_lookup) is
    found by the e-mail or the account/external id the file named them by, when `imported`
    says the workspace has them."""
    subject = subject.strip()
    if is_slack_user_id(subject):
        return subject
    if not is_email(subject):
        external = external_customer_id(CustomerRef(CustomerKind.ACCOUNT, subject))
        if imported is not None and imported(external):
            return external
        if USER_ID.match(subject):
            return subject
        raise InvalidSubject(
            f"{subject[:40]!r} is neither a Slack user ID (U012AB3CD) nor an e-mail address, "
            "nor an account imported here"
        )
    external = external_customer_id(CustomerRef(CustomerKind.EMAIL, subject.casefold()))
    if client is None:
        if imported is not None and imported(external):
            return external
        raise InvalidSubject("Finding someone by e-mail needs Slack: set SLACK_BOT_TOKEN")
    try:
        return str(client.users_lookupByEmail(email=subject)["user"]["id"])
    except SlackApiError as exc:
        if imported is not None and imported(external):
            return external
        raise InvalidSubject(
            f"Slack knows no user with that e-mail ({exc.response.get('error')}); "
            "nothing was deleted"
        ) from None


def find_subject(
    services: Services, subject: str, client: WebClient | None, *, team_id: str
) -> str:
    """resolve_subject, knowing the customers the workspace imported."""
    def imported(user_id: str) -> bool:
        with session_scope(services.engine) as session:
            return is_respondent(session=session, team_id=team_id, user_id=user_id)

    return resolve_subject(subject, client, imported=imported)


def clean_requester(requested_by: str) -> str:
    cleaned = _CONTROL.sub(" ", requested_by).strip()[:MAX_REQUESTED_BY]
    if not cleaned:
        raise InvalidSubject("--requested-by must name who asked for this")
    return cleaned


def forget_person(
    services: Services,
    *,
    team_id: str,
    user_id: str,
    requested_by: str,
    dry_run: bool = False,
) -> ForgetReport:
    """Delete everything of `user_id` in `team_id` in one transaction; forgetting twice is fine."""
    requester = clean_requester(requested_by)
    hashed = subject_hash(services, team_id=team_id, user_id=user_id)
    now = services.clock()
    with session_scope(services.engine) as session:
        data = find_personal_data(session=session, team_id=team_id, user_id=user_id)
        keys = [
            key
            for delivery_id in data.anonymous_delivery_ids
            if (key := answer_key(services, delivery_id=delivery_id, anonymous=True).anonymous_key)
        ]
        if dry_run:
            counts = count_personal_data(session=session, data=data, anonymous_keys=keys)
            counts["surveysuppression"] = int(data.opted_out)
            counts |= count_staff_references(session=session, team_id=team_id, user_id=user_id)
            return ForgetReport(hashed, counts, dry_run=True)
        counts = delete_personal_data(
            session=session, user_id=user_id, data=data, anonymous_keys=keys
        )
        # Kept breakdowns hold no identifiers, but they still count the person until recomputed.
        drop_snapshots(session, team_id=team_id)
        counts["surveysuppression"] = (
            suppress_subject(session=session, team_id=team_id, subject_hash=hashed, now=now)
            if data.opted_out
            else 0
        )
        counts |= pseudonymise_staff(
            session=session, team_id=team_id, user_id=user_id,
            pseudonym=staff_pseudonym(services, team_id=team_id, user_id=user_id),
        )
        record_data_request(
            session=session,
            team_id=team_id,
            kind=FORGET,
            subject_hash=hashed,
            requested_by=requester,
            counts=counts,
            now=now,
        )
    return ForgetReport(hashed, counts, dry_run=False)
