"""A bot under hostile input: send a request, wait for its listener to finish, see what changed."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Engine, select
from sqlmodel import SQLModel

from bot.sandbox.client import SignedSlackClient, SlackReply
from bot.sandbox.slack_api import RecordedCall, SlackSandbox
from tests.property.markup import markup_problems, mrkdwn_texts
from tests.settling import SettlingExecutor

# Slack retries an event whose ack it missed; the bot notes each event id to skip the retry.
# A report snapshot is a cache of counts any read of the map or a segment may refresh.
BOOKKEEPING = frozenset({"processedevent", "reportsnapshot"})


class ErrorLog(logging.Handler):
    """ERROR records from the bot (its listeners, Bolt's runner): a failure Slack never sees."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def database_state(engine: Engine, *, ignore: Iterable[str] = BOOKKEEPING) -> dict[str, list[Any]]:
    """Every row of every table, in key order: equal before and after means nothing changed."""
    skipped = set(ignore)
    state: dict[str, list[Any]] = {}
    with engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            if table.name in skipped:
                continue
            rows = connection.execute(select(table).order_by(*table.primary_key.columns))
            state[table.name] = [tuple(row) for row in rows]
    return state


@dataclass
class Outcome:
    """One request: the HTTP answer and the Web API calls its listener made."""

    reply: SlackReply
    calls: list[RecordedCall]
    changed: dict[str, tuple[list[Any], list[Any]]]  # table: (rows before, rows after)
    errors: list[str]

    def body(self) -> Any:
        return self.reply.json() if "json" in self.reply.headers.get("content-type", "") else {}

    def shown(self) -> list[Any]:
        """What people see: the inline answer and every message, view or response sent."""
        return [self.body(), *(call.args for call in self.calls)]

    def said(self) -> str:
        """All the text shown, for asserting on the wording of a refusal."""
        return json.dumps(self.shown(), ensure_ascii=False)

    def refusal(self) -> str:
        """The one plain answer to a refused request: an ephemeral reply or a field error."""
        body = self.body()
        if isinstance(body, dict) and body.get("response_action") == "errors":
            return " ".join(str(error) for error in body.get("errors", {}).values())
        if isinstance(body, dict) and body.get("text"):
            return str(body["text"])
        replies = [call.args for call in self.calls if call.method in (
            "response_url", "chat.postEphemeral")]
        return " ".join(str(reply.get("text", "")) for reply in replies)


@dataclass
class HostileBot:
    sandbox: SlackSandbox
    slack: SignedSlackClient
    engine: Engine
    listeners: SettlingExecutor
    errors: ErrorLog
    known_ids: list[str]  # people and channels the bot may mention by itself
    user_texts: list[str] = field(default_factory=list)

    def post(self, body: bytes, *, content_type: str = "application/x-www-form-urlencoded",
             ignore: Iterable[str] = BOOKKEEPING,
             headers: dict[str, str] | None = None) -> Outcome:
        """`headers` replace the ones the client sets (a forged signature or timestamp)."""
        calls, logged = len(self.sandbox.calls()), len(self.errors.records)
        before = database_state(self.engine, ignore=ignore)
        reply = self.slack.post_raw(body, content_type=content_type, headers=headers)
        self.listeners.settle()
        after = database_state(self.engine, ignore=ignore)
        changed = {name: (rows, after[name]) for name, rows in before.items()
                   if after[name] != rows}
        errors = [record.getMessage() + (f" {record.exc_info[1]!r}" if record.exc_info else "")
                  for record in self.errors.records[logged:]]
        return Outcome(reply, self.sandbox.calls()[calls:], changed, errors)

    def interaction(self, payload: dict[str, Any]) -> Outcome:
        return self.post(urlencode({"payload": json.dumps(payload)}).encode())

    def command(self, user_id: str, text: str, *, channel_id: str = "C0GENERAL",
                team_id: str | None = None) -> Outcome:
        form = {"token": "x", "team_id": self.sandbox.team_id if team_id is None else team_id,
                "channel_id": channel_id,
                "user_id": user_id, "command": "/engagement", "text": text,
                "api_app_id": self.slack.api_app_id,
                "response_url": self.sandbox.new_response_url(channel=channel_id),
                "trigger_id": self.sandbox.issue_trigger_id()}
        return self.post(urlencode(form).encode())

    def markup_problems(self, outcome: Outcome, *typed: str) -> list[str]:
        # Each answer, message and view is checked as a whole: its own "text" is mrkdwn too.
        texts = [text for shown in outcome.shown() for text in mrkdwn_texts(shown)]
        return markup_problems(texts,
                               user_texts=[*self.user_texts, *typed], known_ids=self.known_ids)


def assert_refused_and_unchanged(bot: HostileBot, outcome: Outcome, *typed: str,
                                 statuses: tuple[int, ...] = (200,)) -> None:
    """The request was answered, nothing was stored or failed, and no user text went live."""
    assert outcome.reply.status in statuses, (outcome.reply.status, outcome.reply.text[:500])
    assert outcome.errors == []
    assert outcome.changed == {}
    assert bot.markup_problems(outcome, *typed) == []
