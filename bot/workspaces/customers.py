"""Importing customers from a CSV file: who they are in Slack, their account and segments.

Columns (header names are case-insensitive): `slack_user_id` (or `user_id`) and/or `email`
(resolved with users.lookupByEmail), `account` (or `company`), and any further columns, which
become segment attributes such as plan or region. The import is all or nothing unless
`skip_invalid` is set: a file with a mistake changes nothing and every mistake is listed.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.errors import UserFacingError
from bot.core.ids import EMAIL, USER_ID
from bot.core.services import Services
from bot.workspaces.installations import identify_workspace
from storage.engine import session_scope
from storage.respondents import CustomerRecord, upsert_customers
from storage.workspaces import ensure_workspace

ID_COLUMNS = ("slack_user_id", "user_id")
ACCOUNT_COLUMNS = ("account", "company")
ATTRIBUTE = re.compile(r"[^a-z0-9_]+")
MAX_ROWS = 100_000
MAX_VALUE = 255


class ImportRefused(UserFacingError):
    """The file has mistakes; nothing was imported. `problems` lists each with its line."""

    def __init__(self, problems: list[str]) -> None:
        shown = "\n".join(f"  {p}" for p in problems[:20])
        more = f"\n  … and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(
            f"Nothing imported: {len(problems)} problem(s) in the file\n{shown}{more}\n"
            "Fix them, or import the valid rows with --skip-invalid."
        )
        self.problems = problems


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


def _attribute_name(header: str) -> str:
    return ATTRIBUTE.sub("_", header.strip().lower()).strip("_")[:40]


def parse_customers(text: str) -> tuple[list[_Row], list[str]]:
    """Rows and the problems found without asking Slack (line numbers count the header as 1)."""
    reader = csv.DictReader(io.StringIO(text))
    headers = {h: _attribute_name(h) for h in (reader.fieldnames or []) if h}
    names = set(headers.values())
    if not names & {*ID_COLUMNS, "email"}:
        raise ImportRefused(["line 1: needs a slack_user_id or an email column"])
    rows: list[_Row] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for line, raw in enumerate(reader, start=2):
        if line > MAX_ROWS + 1:
            problems.append(f"line {line}: more than {MAX_ROWS} customers in one file")
            break
        values = {headers[h]: (v or "").strip() for h, v in raw.items() if h in headers}
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
    services: Services, client: WebClient, text: str, *, skip_invalid: bool = False
) -> ImportReport:
    rows, problems = parse_customers(text)
    records: list[CustomerRecord] = []
    for row in rows:
        user_id = row.user_id
        if user_id is None:
            try:
                user_id = str(client.users_lookupByEmail(email=row.email or "")["user"]["id"])
            except SlackApiError as exc:
                problems.append(
                    f"line {row.line}: no Slack user for {row.email!r} "
                    f"({exc.response.get('error')})"
                )
                continue
        records.append(CustomerRecord(user_id, row.account, row.attributes))
    if problems and not skip_invalid:
        raise ImportRefused(problems)
    workspace = identify_workspace(client)
    now = services.clock()
    with session_scope(services.engine) as session:
        ensure_workspace(session=session, team_id=workspace.team_id, name=workspace.name, now=now)
        upsert_customers(session=session, team_id=workspace.team_id, records=records, now=now)
    return ImportReport(imported=len(records), skipped=problems)
