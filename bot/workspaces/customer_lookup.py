"""Who a row of an import file is about: the `customer` column of `responses import`,
`outcomes import` and `followups import`, read and resolved once for all three.

A customer is named in one of three ways:

- a Slack user ID (`U012AB3CD`: U or W, then capitals and at least one digit);
- an e-mail address, looked up with users.lookupByEmail, once per distinct address;
- anything else: an account or external id (the `account` the customer import stores, or an
  id from the tool the history comes from).

An e-mail Slack does not know, and an account no customer in Slack carries, are customers
who are not in Slack (history from an e-mail survey tool, a company from the CRM). Each is
kept as a respondent under a synthetic ID, `ext:` and 28 hex digits of a SHA-256 of what
named them: it can never be a Slack ID (those have no lower case and no colon), so no pulse
audience can reach it, and it is not an imported customer of the directory (`imported_at`
stays empty), so no "customers" pulse includes it either. The same name gives the same ID, so
an import run again finds the same customer. An e-mail is never stored; an account is (as
the customer's account, shown to staff).

An account several Slack customers carry is refused for that row: it does not say which
person answered or renewed.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, Protocol, TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy import Engine

from bot.core.errors import UserFacingError
from bot.core.ids import EMAIL, USER_ID
from bot.core.services import Services
from bot.workspaces.csv_import import ImportRefused, InvalidCell, ParsedRows, RowProblem
from storage.engine import session_scope
from storage.respondents import accounts_of_team

EXTERNAL_PREFIX = "ext:"
MAX_ACCOUNT = 255  # Respondent.account
_DIGIT = re.compile(r"\d")


# Slack user IDs and accounts are matched in the database; only e-mails need Slack.
NO_SLACK_FOR_EMAILS = ("Nothing imported: e-mails are looked up in Slack: set SLACK_BOT_TOKEN, "
                       "or name the customers by Slack user ID or account")


class CustomerKind(StrEnum):
    SLACK_USER = "slack user"
    EMAIL = "e-mail"
    ACCOUNT = "account"


@dataclass(frozen=True)
class CustomerRef:
    """A `customer` cell as read: its kind and its value (an e-mail in lower case)."""

    kind: CustomerKind
    value: str

    @property
    def key(self) -> str:
        """What identifies it: accounts are matched whatever their case."""
        return self.value.casefold() if self.kind is CustomerKind.ACCOUNT else self.value


def is_slack_user_id(text: str) -> bool:
    # A digit too: an account such as "WALMART" or "UBER" also fits Slack's letters.
    return bool(USER_ID.match(text)) and bool(_DIGIT.search(text))


def parse_customer(text: str) -> CustomerRef:
    """The customer a cell names (InvalidCell when blank or too long)."""
    if not text:
        raise InvalidCell("no customer (a Slack user ID, an e-mail or an account)")
    if is_slack_user_id(text):
        return CustomerRef(CustomerKind.SLACK_USER, text)
    if "@" in text:
        if not EMAIL.match(text):
            raise InvalidCell(f"{text[:80]!r} is not an e-mail address")
        return CustomerRef(CustomerKind.EMAIL, text.casefold())
    if len(text) > MAX_ACCOUNT:
        raise InvalidCell(f"the customer {text[:40]!r}… is longer than {MAX_ACCOUNT} characters")
    return CustomerRef(CustomerKind.ACCOUNT, text)


def read_customer(cell: str, seen: dict[str, CustomerRef] | None = None) -> CustomerRef:
    """parse_customer, remembering the cells read so far in `seen`: a file names each customer
    many times."""
    if seen is None:
        return parse_customer(cell)
    customer = seen.get(cell)
    if customer is None:
        customer = seen[cell] = parse_customer(cell)
    return customer


def external_customer_id(ref: CustomerRef) -> str:
    """The synthetic ID of a customer not in Slack (see the module docstring)."""
    digest = hashlib.sha256(f"{ref.kind.value}:{ref.key}".encode()).hexdigest()
    return EXTERNAL_PREFIX + digest[:28]


def is_external(user_id: str) -> bool:
    return user_id.startswith(EXTERNAL_PREFIX)


@dataclass(frozen=True)
class Customer:
    """A resolved customer: their Slack user ID or synthetic ID, and the account a new
    synthetic customer is created with."""

    user_id: str
    account: str | None = None


@dataclass(frozen=True)
class Resolved:
    customers: dict[CustomerRef, Customer]
    problems: dict[CustomerRef, str]  # the rows naming it are refused with this
    looked_up: int  # e-mails asked of Slack


def resolve_customers(
    engine: Engine, client: WebClient | None, *, team_id: str, refs: Iterable[CustomerRef]
) -> Resolved:
    """Who each distinct ref is. Slack is asked about each e-mail once (no transaction is
    held open meanwhile); a refusal other than "no such user" (a missing scope, a revoked
    token) refuses the whole import."""
    customers: dict[CustomerRef, Customer] = {}
    problems: dict[CustomerRef, str] = {}
    distinct = list(dict.fromkeys(refs))
    accounts = _accounts(engine, team_id) if any(
        r.kind is CustomerKind.ACCOUNT for r in distinct) else {}
    looked_up = 0
    for ref in distinct:
        if ref.kind is CustomerKind.SLACK_USER:
            customers[ref] = Customer(ref.value)
        elif ref.kind is CustomerKind.EMAIL:
            looked_up += 1
            found = lookup_email(client, ref.value)
            customers[ref] = Customer(found or external_customer_id(ref))
        else:
            in_slack = accounts.get(ref.key, [])
            if len(in_slack) > 1:
                problems[ref] = (f"the account {ref.value[:80]!r} has {len(in_slack)} "
                                 "customers in Slack: name one by Slack user ID or e-mail")
            elif in_slack:
                customers[ref] = Customer(in_slack[0])
            else:
                customers[ref] = Customer(external_customer_id(ref), account=ref.value)
    return Resolved(customers, problems, looked_up)


class CustomerRow(Protocol):
    """A row of an import file as parsed: where it starts, and who it is about."""

    line: int
    customer: CustomerRef


R = TypeVar("R", bound=CustomerRow)
K = TypeVar("K", bound=Hashable)


@dataclass(slots=True)  # one per row: slots, and no frozen __init__
class KeyedRow(Generic[R, K]):
    row: R
    customer: Customer
    key: K  # what a file may name once: its customer with the kind's own columns


@dataclass(frozen=True)
class CustomerRows(Generic[R, K]):
    kept: list[KeyedRow[R, K]]  # to import: keys distinct, no forgotten customer's
    forgotten: int  # rows left out: their customer asked to be forgotten
    problems: list[RowProblem]  # the file's, then each row refused here; not sorted


class ForgottenAmong(Protocol):
    """bot.privacy.subjects.forgotten_among, a layer above this one: given by the caller."""

    def __call__(self, services: Services, *, team_id: str, user_ids: Sequence[str]
                 ) -> set[str]: ...


def customer_rows(
    services: Services, client: WebClient | None, parsed: ParsedRows[R], *, team_id: str,
    forgotten_among: ForgottenAmong, key: Callable[[R, Customer], K], same: str,
) -> CustomerRows[R, K]:
    """What every import does with its parsed rows before storing them: each row's customer
    resolved (a row naming one that cannot be is a problem), a row repeating an earlier row's
    key refused (`same` names the key's columns in the problem), and the rows of people the
    workspace was asked to forget left out, so an old file does not bring them back."""
    problems = list(parsed.problems)
    resolved = resolve_customers(services.engine, client, team_id=team_id,
                                 refs=(row.customer for row in parsed.rows))
    keyed: list[KeyedRow[R, K]] = []
    first_line: dict[K, int] = {}
    for row in parsed.rows:
        if row.customer in resolved.problems:
            problems.append(RowProblem(row.line, resolved.problems[row.customer]))
            continue
        customer = resolved.customers[row.customer]
        row_key = key(row, customer)
        if row_key in first_line:
            problems.append(RowProblem(row.line, f"the same {same} as line "
                                                 f"{first_line[row_key]}"))
            continue
        first_line[row_key] = row.line
        keyed.append(KeyedRow(row, customer, row_key))
    forgotten = forgotten_among(services, team_id=team_id,
                                user_ids=sorted({k.customer.user_id for k in keyed}))
    kept = [k for k in keyed if k.customer.user_id not in forgotten]
    return CustomerRows(kept, len(keyed) - len(kept), problems)


def _accounts(engine: Engine, team_id: str) -> dict[str, list[str]]:
    """Slack customers (not synthetic ones) by account, matched whatever the case."""
    found: dict[str, list[str]] = defaultdict(list)
    with session_scope(engine) as session:
        listed = accounts_of_team(session=session, team_id=team_id)
    for user_id, account in listed:
        if not is_external(user_id):
            found[account.casefold()].append(user_id)
    return found


def lookup_email(client: WebClient | None, email: str) -> str | None:
    """The Slack user ID of an e-mail; None when Slack knows no such user. Any other refusal
    raises ImportRefused: it would be the same for every address. Without a client (an import
    run with only the database configured) no e-mail can be looked up."""
    if client is None:  # the same for every address: one line, not one per row
        raise UserFacingError(NO_SLACK_FOR_EMAILS)
    try:
        return str(client.users_lookupByEmail(email=email)["user"]["id"])
    except SlackApiError as exc:
        error = exc.response.get("error")
        if error == "users_not_found":
            return None
        hint = (": the app needs the users:read.email scope"
                if error == "missing_scope" else "")
        raise ImportRefused([f"Slack refused to look up e-mails ({error}){hint}"]) from None
    except (SlackClientError, OSError) as exc:
        raise ImportRefused([f"Slack could not be reached to look up e-mails ({exc})"]) from None
