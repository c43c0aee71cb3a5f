"""Small readers of stored rows and sandbox state shared by the integration tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.core import ids
from bot.core.services import Services
from bot.sandbox.client import SlackClient, SlackReply
from bot.sandbox.slack_api import RecordedCall, SlackSandbox
from storage.models import Delivery, Response


def responses(engine: Engine) -> list[Response]:
    with Session(engine) as session:
        return list(session.exec(select(Response).order_by(Response.id)).all())  # type: ignore[arg-type]


def deliveries(engine: Engine) -> list[Delivery]:
    with Session(engine) as session:
        return list(session.exec(select(Delivery).order_by(Delivery.id)).all())  # type: ignore[arg-type]


def pulse_message(sandbox: SlackSandbox, user_id: str) -> dict[str, Any]:
    messages = sandbox.messages(sandbox.dm_channel(user_id))
    assert messages, f"no DM to {user_id}"
    return messages[-1]


def click_score(
    sandbox: SlackSandbox, slack: SlackClient, user_id: str, score: int, *,
    clicker: str | None = None, metric: str = "nps", wait: bool = True,
) -> int:
    """Click a score on user_id's pulse (as `clicker`, default the recipient); HTTP status.

    With `wait`, the click must have updated the pulse message (its listener has finished by
    the time `slack` returns)."""
    dm = sandbox.dm_channel(user_id)

    def in_dm(call: RecordedCall) -> bool:
        # Only this DM's edits: another listener's edit must not pass for this click's.
        return bool(call.args.get("channel") == dm)

    updates = len([c for c in sandbox.calls("chat.update") if in_dm(c)])
    reply = slack.click(clicker or user_id, pulse_message(sandbox, user_id),
                        ids.score_action_id(metric, score))
    if wait:
        assert len([c for c in sandbox.calls("chat.update") if in_dm(c)]) == updates + 1
    return reply.status


def open_comment_modal(
    sandbox: SlackSandbox, slack: SlackClient, user_id: str
) -> dict[str, Any]:
    """Press "Add a comment" on user_id's pulse; the modal Slack opened."""
    opened = len(sandbox.calls("views.open"))
    slack.click(user_id, pulse_message(sandbox, user_id), ids.COMMENT_ACTION)
    calls = sandbox.calls("views.open")
    assert len(calls) == opened + 1
    view: dict[str, Any] = calls[-1].response["view"]
    return view


def comment(
    sandbox: SlackSandbox, slack: SlackClient, user_id: str, text: str
) -> SlackReply:
    """Open the comment modal on user_id's pulse and submit `text`."""
    view = open_comment_modal(sandbox, slack, user_id)
    return slack.submit_view(user_id, view, {ids.COMMENT_BLOCK: {ids.COMMENT_INPUT: text}})


def eight_customers_score_nine(
    services: Services, sandbox: SlackSandbox, slack: SlackClient
) -> None:
    """Five enterprise and three starter customers (imported with a `plan`), each answering 9
    to one wave: a segment breakdown with one group above ANONYMITY_MINIMUM and one below."""
    customers_score_nine(services, sandbox, slack, ["enterprise"] * 5 + ["starter"] * 3)


def customers_score_nine(
    services: Services, sandbox: SlackSandbox, slack: SlackClient, plans: list[str]
) -> None:
    """One imported customer per entry of `plans` (the first five are CUSTOMERS), each with
    that `plan`, each answering 9 to one wave."""
    from bot.pulses.audience import Audience
    from bot.pulses.definition import define_pulse, validate_policy
    from bot.pulses.dispatch import deliver_due
    from bot.pulses.waves import manual_wave_time, open_pulse_wave
    from bot.slack.client import create_web_client
    from bot.workspaces.customers import import_customers
    from storage.models import Metric
    from tests.conftest import CUSTOMERS

    extra = tuple(f"U0CUST{n}" for n in range(len(CUSTOMERS) + 1, len(plans) + 1))
    for user_id in extra:
        sandbox.add_user(user_id, name=user_id.lower())
    people = (*CUSTOMERS, *extra)[:len(plans)]
    csv = "slack_user_id,plan\n" + "".join(f"{u},{p}\n" for u, p in zip(people, plans, strict=True))
    client = create_web_client(services.settings)
    import_customers(services, client, csv)
    define_pulse(services, client, name="seg", metric=Metric.NPS, audience=Audience(segment={}),
                 policy=validate_policy(metric=Metric.NPS))
    open_pulse_wave(services, name="seg", team_id=sandbox.team_id, client=client,
                    scheduled_for=manual_wave_time(services.clock()))
    deliver_due(services, client)
    for user_id in people:
        click_score(sandbox, slack, user_id, 9)


def click_all_benchmarks(
    sandbox: SlackSandbox, slack: SlackClient, user_id: str, answer: dict[str, Any], *,
    channel: str = "C0GENERAL",
) -> dict[str, Any]:
    """Press "All N benchmarks" on `answer` (the JSON of a private /engagement benchmark reply
    in `channel`); the private message the click brought."""
    shown = {"channel": channel, "ts": "1700000000.000100", "is_ephemeral": True,
             "text": answer["text"], "blocks": answer["blocks"]}
    before = len(sandbox.ephemeral_messages(user_id))
    reply = slack.click(user_id, shown, ids.ALL_BENCHMARKS_ACTION)
    assert reply.status == 200
    after = sandbox.ephemeral_messages(user_id)
    assert len(after) == before + 1, "the click brought no private message"
    return after[-1]
