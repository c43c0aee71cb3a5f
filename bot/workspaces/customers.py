"""Importing customers from a CSV file: who they are in Slack, their account and segments.

Columns (header names are case-insensitive): `slack_user_id` (or `user_id`) and/or `email`
(resolved with users.lookupByEmail), `account` (or `company`), and any further columns, which
become segment attributes such as plan or region. The import is all or nothing unless
`skip_invalid` is set: a file with a mistake changes nothing and every mistake is listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from slack_sdk import WebClient

from bot.core.ids import EMAIL, USER_ID
from bot.core.services import Services
from bot.workspaces.csv_import import ImportRefused, read_table
from bot.workspaces.customer_lookup import lookup_email
from bot.workspaces.installations import identify_workspace
from storage.engine import session_scope
from storage.respondents import CustomerRecord, upsert_customers
from storage.workspaces import ensure_workspace

__all__ = ["ImportRefused", "ImportReport", "import_customers", "parse_customers"]

ID_COLUMNS = ("slack_user_id", "user_id")
ACCOUNT_COLUMNS = ("account", "company")
MAX_ROWS = 100_000
MAX_VALUE = 255


@dataclass(frozen=True)
class ImportReport:
    imported: int
    skipped: list[str] = field(default_factory=list)


@dataclass
class _Row:
    line: int
    user_id: str | None
    email: str | None
    account: str | None
    attributes: dict[str, str]


def parse_customers(text: str) -> tuple[list[_Row], list[str]]:
    """Rows and the problems found without asking Slack (line numbers count the header as 1)."""
    needs = "needs a slack_user_id or an email column"
    table = read_table(text, required=(), known=None, max_rows=MAX_ROWS, needs=needs)
    if not set(table.columns) & {*ID_COLUMNS, "email"}:
        raise ImportRefused([f"line 1: {needs}"])
    rows: list[_Row] = []
    problems: list[str] = [str(p) for p in table.problems]
    seen: dict[str, int] = {}
    for row in table.rows:
        line, values = row.line, row.values
        user_id = next((values[c] for c in ID_COLUMNS if values.get(c)), None)
        email = values.get("email") or None
        account = next((values[c] for c in ACCOUNT_COLUMNS if values.get(c)), None)
        attributes = {
            k: v[:MAX_VALUE]
            for k, v in values.items()
            if v and k not in {*ID_COLUMNS, *ACCOUNT_COLUMNS, "email"}
        }
        if user_id is None and email is None:
            problems.append(f"line {line}: no Slack user ID or e-mail")
            continue
        if user_id is not None and not USER_ID.match(user_id):
            problems.append(f"line {line}: {user_id[:40]!r} is not a Slack user ID")
            continue
        if user_id is None and email is not None and not EMAIL.match(email):
            problems.append(f"line {line}: {email[:80]!r} is not an e-mail address")
            continue
        key = user_id or (email or "").casefold()
        if key in seen:
            problems.append(f"line {line}: the same customer as line {seen[key]}")
            continue
        seen[key] = line
        rows.append(_Row(line, user_id, email, account and account[:MAX_VALUE], attributes))
    return rows, problems


def import_customers(
    services: Services, client: WebClient | None, text: str, *, team_id: str | None = None,
    skip_invalid: bool = False,
) -> ImportReport:
    """Into `team_id`'s customers, or (None) those of the workspace `client`'s token is in.
    Without a client, e-mails cannot be looked up: only rows with a Slack user ID go in."""
    rows, problems = parse_customers(text)
    records: list[CustomerRecord] = []
    for row in rows:
        user_id = row.user_id
        if user_id is None:
            user_id = lookup_email(client, row.email or "")
            if user_id is None:
                problems.append(f"line {row.line}: no Slack user for {row.email!r} "
                                "(users_not_found)")
                continue
        records.append(CustomerRecord(user_id, row.account, row.attributes))
    if problems and not skip_invalid:
        raise ImportRefused(problems)
    if team_id is None:
        if client is None:
            raise ValueError("import_customers needs a client or a team_id")
        workspace = identify_workspace(client)
        team_id, name = workspace.team_id, workspace.name
    else:
        name = ""  # an existing workspace keeps its name
    now = services.clock()
    with session_scope(services.engine) as session:
        ensure_workspace(session=session, team_id=team_id, name=name, now=now)
        upsert_customers(session=session, team_id=team_id, records=records, now=now)
    return ImportReport(imported=len(records), skipped=problems)
