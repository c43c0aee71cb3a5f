"""What the page shows a person and what it does for them: every action goes to the bot as
Slack would send it (signed, through the sandbox's client), and every screen is read back from
what the bot did in the sandbox (messages, ephemeral replies, modals, the published Home)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.webhook import WebhookClient
from sqlalchemy import Engine

from bot.core import ids
from bot.playground.cast import (
    APP_NAME,
    CHANNELS,
    PEOPLE,
    TEAM_NAME,
    Person,
    channels_of,
    person,
)
from bot.playground.settling import PlaygroundSlackClient
from bot.sandbox.client import SlackReply
from bot.sandbox.slack_api import RecordedCall, SlackSandbox

MAX_COMMAND = 4000  # Slack's limit on what follows a slash command
PNG = b"\x89PNG\r\n\x1a\n"


class PlaygroundError(Exception):
    """Something the page asked for that Slack would not let happen; one line for the person."""


@dataclass
class _Modal:
    view_id: str
    inline: dict[str, Any] | None = None  # a view the bot answered with (update/push), not stored
    errors: dict[str, str] = field(default_factory=dict)


class Playground:
    """One workspace, seen by whichever person the page acts as."""

    def __init__(self, *, sandbox: SlackSandbox, slack: PlaygroundSlackClient, engine: Engine,
                 history: str) -> None:
        self.sandbox = sandbox
        self.slack = slack
        self.engine = engine  # the bot's database, for a look at what it stored
        self.history = history
        # One action at a time: the page acts as one person at a time, and each action returns
        # once the bot has finished with it, so what comes back is the whole effect.
        self._lock = threading.RLock()
        self._modals: dict[str, list[_Modal]] = {}
        # Modals opened before the page (the earlier answers' comments) were already submitted.
        self._opened_seen = len(self._opened_calls())

    # -- what a person sees --------------------------------------------------------------

    def state(self, user_id: str) -> dict[str, Any]:
        me = self._person(user_id)
        with self._lock:
            self._collect_opened_views()
            top = self._top(user_id)
            modal = None if top is None else self._modal_json(top)
        dm = self.sandbox.dm_channel(user_id)
        conversations = [
            {"id": c.channel_id, "name": c.name, "kind": "channel", "topic": c.topic}
            for c in channels_of(me)
        ] + [{"id": dm, "name": APP_NAME, "kind": "app",
              "topic": "Your direct messages with the app"}]
        ephemerals = self.sandbox.ephemeral_messages(user_id)
        messages = {
            c["id"]: sorted(
                [self._message_json(m) for m in self.sandbox.messages(c["id"])]
                + [self._message_json(m) for m in ephemerals if m["channel"] == c["id"]],
                key=lambda m: float(m["ts"]))
            for c in conversations
        }
        home = self.sandbox.home_view(user_id)
        return {
            "team": TEAM_NAME,
            "app": {"name": APP_NAME, "bot_user_id": self.sandbox.bot_user_id},
            "history": self.history,
            "me": _person_json(me),
            "people": [_person_json(p) for p in PEOPLE],
            "names": {p.user_id: p.name for p in PEOPLE} | {self.sandbox.bot_user_id: APP_NAME},
            "channel_names": {c.channel_id: c.name for c in CHANNELS},
            "conversations": conversations,
            "messages": messages,
            "home": None if home is None else {"id": home["id"], "blocks": home["blocks"]},
            "modal": modal,
            "problems": list(self.sandbox.problems),
        }

    def people(self) -> list[dict[str, Any]]:
        """Everyone the page may act as, customers first."""
        return [_person_json(p) for p in PEOPLE]

    def file(self, file_id: str) -> tuple[bytes, str]:
        """An uploaded file's bytes and media type (the digest's chart is a PNG)."""
        data = self.sandbox.uploads.get(file_id)
        if data is None:
            raise PlaygroundError(f"No file {file_id[:20]!r}")
        return data, "image/png" if data.startswith(PNG) else "application/octet-stream"

    # -- what a person does ------------------------------------------------------------------

    def command(self, user_id: str, channel_id: str, typed: str) -> None:
        """Type a slash command in a conversation; the bot's answer is shown as Slack shows it
        (only to them unless the bot answered in_channel)."""
        self._person(user_id)
        self._conversation(user_id, channel_id)
        command, _, text = typed.strip().partition(" ")
        if command != ids.SLASH_COMMAND:
            raise PlaygroundError(f"{command[:40] or 'That'} is not a command of this app: "
                                  f"try {ids.SLASH_COMMAND} help")
        if len(text) > MAX_COMMAND:
            raise PlaygroundError(f"A command is at most {MAX_COMMAND} characters")
        with self._lock:
            reply = self.slack.slash_command(user_id, text.strip(), channel_id=channel_id)
            _check(reply, ids.SLASH_COMMAND)
            answer = reply.json() if "json" in reply.headers.get("content-type", "") else (
                {"text": reply.text} if reply.text.strip() else {})
            if isinstance(answer, dict) and (answer.get("text") or answer.get("blocks")):
                # Slack turns an acknowledgement that carries a message into a reply to the
                # command: the same as the bot posting it to the command's response_url.
                url = self.sandbox.new_response_url(channel=channel_id, user=user_id)
                WebhookClient(url).send_dict(answer)

    def click(self, user_id: str, action_id: str, *, channel_id: str | None = None,
              ts: str | None = None, view_id: str | None = None,
              option: str | None = None) -> None:
        """Press a button (or choose `option` in a menu) in a message or in a view."""
        self._person(user_id)
        with self._lock:
            try:
                if view_id is not None:
                    view = self._view(user_id, view_id)
                    reply = self.slack.click_home(user_id, view, action_id, option=option)
                else:
                    message = self._message(user_id, channel_id, ts)
                    reply = self.slack.click(user_id, message, action_id, option=option)
            except LookupError as missing:
                raise PlaygroundError(str(missing)) from None
            _check(reply, "That button")

    def submit(self, user_id: str, view_id: str, values: dict[str, dict[str, Any]]) -> None:
        """Submit the modal on top of this person's stack with what they entered."""
        self._person(user_id)
        with self._lock:
            stack = self._modals.get(user_id, [])
            if not stack or stack[-1].view_id != view_id:
                raise PlaygroundError("That form is no longer open")
            top = stack[-1]
            try:
                reply = self.slack.submit_view(user_id, self._modal_view(top), values)
            except LookupError as missing:
                raise PlaygroundError(str(missing)) from None
            _check(reply, "The form")
            answer = reply.json() if reply.body.strip() else {}
            action = answer.get("response_action") if isinstance(answer, dict) else None
            if action == "errors":
                top.errors = {str(k): str(v) for k, v in answer.get("errors", {}).items()}
            elif action == "update":
                top.inline, top.errors = {**answer["view"], "id": view_id}, {}
            elif action == "push":
                pushed = f"{view_id}-pushed-{len(stack)}"
                stack.append(_Modal(pushed, inline={**answer["view"], "id": pushed}))
            elif action == "clear":
                stack.clear()
            else:
                stack.pop()

    def close_modal(self, user_id: str, view_id: str) -> None:
        with self._lock:
            stack = self._modals.get(user_id, [])
            if stack and stack[-1].view_id == view_id:
                stack.pop()

    def open_home(self, user_id: str) -> None:
        """Open the app's Home tab: Slack sends app_home_opened, the bot publishes the view."""
        self._person(user_id)
        with self._lock:
            reply = self.slack.event({"type": "app_home_opened", "user": user_id, "tab": "home",
                                      "channel": self.sandbox.dm_channel(user_id)})
            _check(reply, "The Home tab")

    # -- helpers -------------------------------------------------------------------------

    def _person(self, user_id: str) -> Person:
        found = person(user_id)
        if found is None:
            raise PlaygroundError(f"Nobody in this workspace has the id {user_id[:20]!r}")
        return found

    def _conversation(self, user_id: str, channel_id: str | None) -> str:
        me = self._person(user_id)
        allowed = {c.channel_id for c in channels_of(me)} | {self.sandbox.dm_channel(user_id)}
        if channel_id not in allowed:
            raise PlaygroundError(f"{me.name} is not in that conversation")
        return channel_id

    def _message(self, user_id: str, channel_id: str | None, ts: str | None) -> dict[str, Any]:
        channel = self._conversation(user_id, channel_id)
        shown = self.sandbox.messages(channel) + [
            m for m in self.sandbox.ephemeral_messages(user_id) if m["channel"] == channel]
        found = next((m for m in shown if m["ts"] == ts), None)
        if found is None:
            raise PlaygroundError("That message is gone")
        return found

    def _view(self, user_id: str, view_id: str) -> dict[str, Any]:
        home = self.sandbox.home_view(user_id)
        if home is not None and home["id"] == view_id:
            return home
        for modal in self._modals.get(user_id, []):
            if modal.view_id == view_id:
                return self._modal_view(modal)
        raise PlaygroundError("That view is no longer open")

    def _modal_view(self, modal: _Modal) -> dict[str, Any]:
        if modal.inline is not None:
            return modal.inline
        return self.sandbox.views()[modal.view_id]

    def _top(self, user_id: str) -> _Modal | None:
        stack = self._modals.get(user_id, [])
        return stack[-1] if stack else None

    def _modal_json(self, modal: _Modal) -> dict[str, Any]:
        view = self._modal_view(modal)
        return {"id": modal.view_id, "title": view.get("title"), "submit": view.get("submit"),
                "close": view.get("close"), "blocks": view.get("blocks", []),
                "errors": modal.errors}

    def _collect_opened_views(self) -> None:
        """Put each modal the bot opened on the stack of the person whose action's trigger it
        used (Slack shows a modal to that person only)."""
        opened = self._opened_calls()
        for call in opened[self._opened_seen:]:
            owner = self.slack.trigger_owner(call.args.get("trigger_id"))
            if call.response.get("ok") and owner is not None:
                stack = self._modals.setdefault(owner, [])
                if call.method == "views.open":
                    stack.clear()
                stack.append(_Modal(call.response["view"]["id"]))
        self._opened_seen = len(opened)

    def _opened_calls(self) -> list[RecordedCall]:
        return [c for c in self.sandbox.calls() if c.method in ("views.open", "views.push")]

    def _message_json(self, message: dict[str, Any]) -> dict[str, Any]:
        author = message.get("user") or ""
        return {
            "ts": message["ts"], "thread_ts": message.get("thread_ts"),
            "author": APP_NAME if author == self.sandbox.bot_user_id else author,
            "from_app": author == self.sandbox.bot_user_id,
            "text": message.get("text") or "", "blocks": message.get("blocks") or [],
            "files": [{"id": f["id"], "title": f.get("title") or f.get("name") or "",
                       "url": f"/files/{f['id']}"} for f in message.get("files") or []],
            "ephemeral": bool(message.get("is_ephemeral")),
        }


def _person_json(who: Person) -> dict[str, Any]:
    return {"id": who.user_id, "name": who.name, "title": who.title,
            "role": "staff" if who.staff else "customer"}


def _check(reply: SlackReply, what: str) -> None:
    # Slack shows a person this much when an app fails to answer; the page does the same.
    if reply.status != 200:
        raise PlaygroundError(f"{what} failed: the app answered HTTP {reply.status}")
