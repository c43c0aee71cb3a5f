"""A pulse posted once in a (shared) customer channel: everyone who clicks counts once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, col, select

from bot.core import ids
from bot.core.periods import PeriodSpec
from bot.core.services import Services
from bot.pulses.audience import Audience
from bot.pulses.blocks import pulse_message
from bot.pulses.definition import InvalidField, define_pulse, validate_policy
from bot.pulses.dispatch import deliver_due
from bot.pulses.lifecycle import close_waves
from bot.pulses.waves import manual_wave_time, open_pulse_wave
from bot.reporting.figures import build_overview
from bot.sandbox.client import SignedSlackClient
from bot.sandbox.slack_api import SlackSandbox
from bot.slack.client import create_web_client
from storage.engine import session_scope
from storage.models import Delivery, DeliveryStatus, Metric, Respondent
from tests.conftest import CUSTOMERS, FakeClock
from tests.integration.helpers import deliveries, responses

CHANNEL = "C0SHARED"
PARTNER = "U0PARTNER"  # a Slack Connect member: another organisation's user
PARTNER_TEAM = "T0PARTNER"


@pytest.fixture
def post(services: Services, sandbox: SlackSandbox) -> dict[str, Any]:
    """A CSAT pulse posted in a shared channel; the message as Slack holds it."""
    sandbox.add_user(PARTNER, name="partner", team_id=PARTNER_TEAM)
    sandbox.add_channel(CHANNEL, name="acme-shared",
                        members=[*CUSTOMERS[:3], PARTNER, "U0BOT"])
    client = create_web_client(services.settings)
    define_pulse(services, client, name="shared", metric=Metric.CSAT,
                 audience=Audience(post_channel=CHANNEL),
                 policy=validate_policy(metric=Metric.CSAT, remind_after_hours=0))
    wave = open_pulse_wave(services, name="shared", team_id=sandbox.team_id, client=client,
                           scheduled_for=manual_wave_time(services.clock()))
    deliver_due(services, client, wave_id=wave.wave_id)
    [message] = sandbox.messages(CHANNEL)
    return message


def _click(sandbox: SlackSandbox, slack: SignedSlackClient, message: dict[str, Any],
           user_id: str, score: int, *, team_id: str | None = None) -> dict[str, Any]:
    """Click a score on the post; the ephemeral answer the clicker got."""
    answered = len(sandbox.calls("response_url"))
    reply = slack.click(user_id, message, ids.score_action_id("csat", score), team_id=team_id)
    assert reply.status == 200
    [answer] = sandbox.calls("response_url")[answered:]
    return answer.args


def test_one_message_goes_to_the_channel_and_nobody_gets_a_dm(
    post: dict[str, Any], sandbox: SlackSandbox
) -> None:
    assert [c.args["channel"] for c in sandbox.calls("chat.postMessage")] == [CHANNEL]
    assert "satisfied" in post["text"]


def test_each_clicker_counts_once_and_sees_their_answer_privately(
    post: dict[str, Any], sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine,
    services: Services,
) -> None:
    _click(sandbox, slack, post, CUSTOMERS[0], 5)
    _click(sandbox, slack, post, CUSTOMERS[1], 2)
    changed = _click(sandbox, slack, post, CUSTOMERS[0], 4)  # changes their answer
    again = _click(sandbox, slack, post, CUSTOMERS[0], 4)  # a double click

    assert sorted(r.score for r in responses(engine)) == [2, 4]
    assert changed["response_type"] == again["response_type"] == "ephemeral"
    assert changed["replace_original"] in (False, "false", "False", 0, "0")
    # The shared post itself never shows one person's answer.
    assert sandbox.messages(CHANNEL)[0]["blocks"] == post["blocks"]
    assert sandbox.calls("chat.update") == []
    answerers = [d for d in deliveries(engine) if d.post_delivery_id is not None]
    assert len(answerers) == 2
    assert all(d.message_ts is None for d in answerers)
    # The response rate has no denominator for a post: it is left out rather than invented.
    with session_scope(services.engine) as session:
        overview = build_overview(session=session, team_id=sandbox.team_id,
                                  period=PeriodSpec().resolve(services.clock()))
    assert overview.csat.n == 2
    assert overview.delivered == 0
    assert overview.response_rate is None


def test_private_answers_to_clicks_go_over_kept_connections(
    post: dict[str, Any], sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine,
) -> None:
    before = sandbox.connections_accepted

    answers = [_click(sandbox, slack, post, user, score)
               for user, score in ((CUSTOMERS[0], 5), (CUSTOMERS[1], 2), (CUSTOMERS[2], 4))]

    # Each clicker got their own private answer, as Bolt's respond() sent it...
    assert [a["response_type"] for a in answers] == ["ephemeral"] * 3
    assert sorted(r.score for r in responses(engine)) == [2, 4, 5]
    # ...over the connection the bot already keeps to Slack, not one opened for each answer.
    assert sandbox.connections_accepted - before <= 1


def test_a_slack_connect_member_may_answer_and_comment(
    post: dict[str, Any], sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine
) -> None:
    shown = _click(sandbox, slack, post, PARTNER, 5, team_id=PARTNER_TEAM)
    [response] = responses(engine)
    assert response.score == 5
    assert response.team_id == sandbox.team_id

    # "Add a comment" on their private copy opens the modal for their own answer.
    ephemeral = {"channel": CHANNEL, "ts": post["ts"], "blocks": shown["blocks"],
                 "text": shown["text"]}
    opened = len(sandbox.calls("views.open"))
    slack.click(PARTNER, ephemeral, ids.COMMENT_ACTION, team_id=PARTNER_TEAM)
    [opened_view] = sandbox.calls("views.open")[opened:]
    view = opened_view.response["view"]
    reply = slack.submit_view(PARTNER, view,
                              {ids.COMMENT_BLOCK: {ids.COMMENT_INPUT: "Quick, kind support"}},
                              team_id=PARTNER_TEAM)
    assert reply.status == 200
    [response] = responses(engine)
    assert response.comment == "Quick, kind support"


def test_a_comment_before_any_answer_is_refused(
    post: dict[str, Any], sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine
) -> None:
    # The post has no comment button until someone answers; a forged one names the post itself.
    [post_delivery] = deliveries(engine)
    assert post_delivery.id is not None
    forged = pulse_message(delivery_id=post_delivery.id, metric=Metric.CSAT,
                           question="How satisfied are you?", chosen=3)
    slack.click(CUSTOMERS[2], {**post, "blocks": [b.to_dict() for b in forged.blocks]},
                ids.COMMENT_ACTION)
    refusal = sandbox.calls("response_url")[-1]
    assert refusal.args["response_type"] == "ephemeral"
    assert sandbox.calls("views.open") == []
    assert [d for d in deliveries(engine) if d.post_delivery_id is not None] == []


def test_closing_edits_the_post_once_and_refuses_late_clicks(
    post: dict[str, Any], sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine,
    services: Services, clock: FakeClock,
) -> None:
    _click(sandbox, slack, post, CUSTOMERS[0], 5)
    clock.now += timedelta(days=8)
    close_waves(services, create_web_client(services.settings))

    [update] = sandbox.calls("chat.update")
    assert update.args["channel"] == CHANNEL
    late = _click(sandbox, slack, post, CUSTOMERS[1], 1)
    assert "closed" in late["text"]
    assert [r.score for r in responses(engine)] == [5]


@pytest.mark.parametrize(
    ("audience", "reminders", "field"),
    [
        (Audience(post_channel=CHANNEL, users=[CUSTOMERS[0]]), 0, "post_channel"),
        (Audience(post_channel=CHANNEL), 48, "remind_after_hours"),
        (Audience(post_channel="C0NOPE"), 0, "post_channel"),
    ],
)
def test_a_post_that_cannot_work_is_refused_on_its_field(
    services: Services, sandbox: SlackSandbox, audience: Audience, reminders: int, field: str
) -> None:
    sandbox.add_channel(CHANNEL, name="acme-shared", members=[CUSTOMERS[0]])
    with pytest.raises(InvalidField) as raised:
        define_pulse(services, create_web_client(services.settings), name="p",
                     metric=Metric.CSAT, audience=audience,
                     policy=validate_policy(metric=Metric.CSAT, remind_after_hours=reminders))
    assert raised.value.field == field


def test_a_post_whose_sender_died_is_found_in_the_channel_not_posted_again(
    post: dict[str, Any], sandbox: SlackSandbox, services: Services, engine: Engine,
    clock: FakeClock,
) -> None:
    # As if the sender was killed after Slack accepted the post but before our commit.
    with Session(engine) as session:
        [delivery] = session.exec(select(Delivery)).all()
        delivery.status, delivery.channel_id, delivery.message_ts = (
            DeliveryStatus.SENDING, None, None)
        delivery.claimed_at = clock.now
        session.add(delivery)
        session.commit()
    clock.now += timedelta(seconds=services.settings.delivery_lease_seconds + 1)

    deliver_due(services, create_web_client(services.settings))

    [settled] = deliveries(engine)
    assert (settled.status, settled.channel_id, settled.message_ts) == (
        DeliveryStatus.SENT, CHANNEL, post["ts"])
    assert len(sandbox.messages(CHANNEL)) == 1


def test_an_anonymous_post_keeps_its_answerers_rows_apart_from_their_answers(
    services: Services, sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine,
    clock: FakeClock,
) -> None:
    """A first click on an anonymous post makes the clicker's delivery (and, for a newcomer,
    their customer row): those carry the wave's day, not the click's, and are written by
    transactions of their own (on PostgreSQL, no xmin of theirs is an answer's)."""
    sandbox.add_user(PARTNER, name="partner", team_id=PARTNER_TEAM)
    sandbox.add_channel(CHANNEL, name="acme-shared", members=[CUSTOMERS[0], PARTNER, "U0BOT"])
    client = create_web_client(services.settings)
    define_pulse(services, client, name="anon-post", metric=Metric.CSAT,
                 audience=Audience(post_channel=CHANNEL), anonymous=True,
                 policy=validate_policy(metric=Metric.CSAT, remind_after_hours=0))
    scheduled_for = manual_wave_time(services.clock())
    wave = open_pulse_wave(services, name="anon-post", team_id=sandbox.team_id, client=client,
                           scheduled_for=scheduled_for)
    deliver_due(services, client, wave_id=wave.wave_id)
    [message] = sandbox.messages(CHANNEL)

    clock.now += timedelta(days=1, hours=3)
    _click(sandbox, slack, message, PARTNER, 2, team_id=PARTNER_TEAM)
    clock.now += timedelta(minutes=5)
    _click(sandbox, slack, message, CUSTOMERS[0], 5)
    _click(sandbox, slack, message, PARTNER, 4, team_id=PARTNER_TEAM)  # a change of mind

    assert sorted(r.score for r in responses(engine)) == [4, 5]
    assert all(r.delivery_id is None for r in responses(engine))
    mark = scheduled_for.replace(hour=0, minute=0, second=0, microsecond=0)
    answerers = [d for d in deliveries(engine) if d.post_delivery_id is not None]
    assert len(answerers) == 2
    assert {(d.sent_at, d.next_attempt_at, d.answered_at) for d in answerers} == {
        (mark, mark, mark)}
    with Session(engine) as session:
        newcomer = session.exec(select(Respondent).where(Respondent.user_id == PARTNER)).one()
    assert newcomer.created_at == mark
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            answers = set(connection.execute(text("SELECT xmin::text FROM response")).scalars())
            people = set(connection.execute(text(
                "SELECT xmin::text FROM delivery UNION SELECT xmax::text FROM delivery "
                "UNION SELECT xmin::text FROM respondent UNION SELECT xmax::text FROM respondent"
            )).scalars())
        assert not answers & people


def _stop_surveys(sandbox: SlackSandbox, slack: SignedSlackClient, message: dict[str, Any],
                  user_id: str, *, team_id: str | None = None) -> dict[str, Any]:
    """Press "Stop these surveys" on the post (or a private copy of it); what the clicker got."""
    answered = len(sandbox.calls("response_url"))
    reply = slack.click(user_id, message, ids.OPT_OUT_ACTION, team_id=team_id)
    assert reply.status == 200
    return sandbox.wait_for("response_url", count=answered + 1)[-1].args


def test_stop_these_surveys_on_a_post_is_answered_privately_and_kept_by_the_posts_workspace(
    post: dict[str, Any], sandbox: SlackSandbox, slack: SignedSlackClient, engine: Engine,
) -> None:
    # A member of the workspace, from the post before answering it; a Slack Connect member,
    # from the private copy their answer gave them.
    member = _stop_surveys(sandbox, slack, post, CUSTOMERS[0])
    shown = _click(sandbox, slack, post, PARTNER, 4, team_id=PARTNER_TEAM)
    private_copy = {"channel": CHANNEL, "ts": post["ts"], "blocks": shown["blocks"],
                    "text": shown["text"]}
    partner = _stop_surveys(sandbox, slack, private_copy, PARTNER, team_id=PARTNER_TEAM)

    for told in (member, partner):
        assert told["response_type"] == "ephemeral"
        assert told["text"].startswith("Done")
    # The post stays as it was for everyone else in the channel.
    assert sandbox.calls("chat.update") == []
    assert sandbox.messages(CHANNEL)[0]["blocks"] == post["blocks"]
    # Both are kept under the workspace that sent the pulse, where its audiences look.
    with Session(engine) as session:
        opted_out = session.exec(
            select(Respondent.team_id, Respondent.user_id).where(col(Respondent.opted_out))
        ).all()
    assert sorted(opted_out) == sorted([(sandbox.team_id, CUSTOMERS[0]),
                                        (sandbox.team_id, PARTNER)])
