"""Starting the playground: the sandbox's workspace, the bot on the demo history over HTTP with
its worker, a live NPS pulse in every customer's DM, a few answers already in, and a digest in
#cx-team."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from slack_sdk import WebClient

from bot.app.server import EVENTS_PATH, create_asgi_app, serve_in_background
from bot.app.wiring import create_app
from bot.core import ids
from bot.core.services import Services, create_services
from bot.digests.poster import post_due_digests
from bot.digests.subscriptions import DigestRequest, subscribe
from bot.playground.cast import (
    ALERTS,
    CHANNELS,
    CUSTOMERS,
    CX_TEAM,
    EARLIER_ANSWERS,
    PEOPLE,
    PULSE_NAME,
    STAFF,
    STAFF_GROUP,
    TEAM_NAME,
)
from bot.playground.history import load_demo_history
from bot.playground.session import Playground
from bot.playground.settling import PlaygroundSlackClient, SettlingExecutor
from bot.pulses.definition import define_pulse
from bot.pulses.dispatch import deliver_due
from bot.pulses.waves import manual_wave_time, open_pulse_wave
from bot.sandbox.settings import sandbox_settings
from bot.sandbox.slack_api import SlackSandbox
from bot.slack.client import create_web_client
from bot.worker.leader import PulseWorker
from bot.workspaces.customers import import_customers
from storage.migrate import upgrade
from storage.models import Metric

DATABASE_NAME = "playground.db"
# The worker's loops (delivery, reminders, digests) every this many seconds: a pulse sent with
# `/engagement pulse send` shows up in the page about as fast as in Slack.
WORKER_INTERVAL_SECONDS = 2.0


@contextmanager
def running_playground(workdir: Path, *,
                       progress: Callable[[str], None] = lambda _: None) -> Iterator[Playground]:
    """Everything the page talks to, on a fresh SQLite file in `workdir`, until the block ends.
    `progress` hears one line per step."""
    workdir.mkdir(parents=True, exist_ok=True)
    for stale in workdir.glob(f"{DATABASE_NAME}*"):
        stale.unlink()
    # Made up here and never sent anywhere but the bot: the page never sees it.
    signing_secret = secrets.token_urlsafe(24)
    with SlackSandbox(team_name=TEAM_NAME) as sandbox:
        _populate(sandbox)
        settings = sandbox_settings(
            sandbox,
            signing_secret=signing_secret,
            database_url=f"sqlite:///{workdir / DATABASE_NAME}",
            staff_usergroup_id=STAFF_GROUP,
            alert_channel_id=ALERTS.channel_id,
            admin_user_ids=[],
        )
        services = create_services(settings)
        listeners = SettlingExecutor()
        try:
            upgrade(services.engine)
            client = create_web_client(settings)
            progress("Loading the demo history…")
            history = load_demo_history(services, client, team_id=sandbox.team_id)
            app = create_app(services, client, listener_executor=listeners)
            with serve_in_background(create_asgi_app(app, services.engine)) as base_url:
                slack = PlaygroundSlackClient(bot_url=base_url + EVENTS_PATH,
                                              signing_secret=signing_secret, sandbox=sandbox,
                                              listeners=listeners)
                progress("Sending an NPS pulse to the customers…")
                _import_customers(services, client)
                _send_pulse(services, client, sandbox.team_id)
                _answer_earlier(sandbox, slack)
                progress("Posting the weekly digest in #cx-team…")
                _post_digest(services, client, sandbox.team_id)
                worker = PulseWorker(services, client, interval=WORKER_INTERVAL_SECONDS)
                worker.start()
                try:
                    yield Playground(sandbox=sandbox, slack=slack, engine=services.engine,
                                     history=history)
                finally:
                    worker.stop()
        finally:
            listeners.shutdown(wait=True, cancel_futures=True)
            services.engine.dispose()


def _populate(sandbox: SlackSandbox) -> None:
    for who in PEOPLE:
        sandbox.add_user(who.user_id, name=who.handle, real_name=who.name, tz=who.tz,
                         is_admin=who.admin)
    sandbox.add_usergroup(STAFF_GROUP, handle="customer-success",
                          users=[who.user_id for who in STAFF])
    bot = [sandbox.bot_user_id]
    for channel in CHANNELS:
        members = STAFF if channel.staff_only else PEOPLE
        sandbox.add_channel(channel.channel_id, name=channel.name,
                            members=[who.user_id for who in members] + bot)


def _import_customers(services: Services, client: WebClient) -> None:
    """The customers' accounts and segments, as a team imports them (`customers import`)."""
    rows = [f"{who.user_id},{who.account},{who.plan},{who.region}" for who in CUSTOMERS]
    import_customers(services, client, "\n".join(["slack_user_id,account,plan,region", *rows]))


def _send_pulse(services: Services, client: WebClient, team_id: str) -> None:
    define_pulse(services, client, name=PULSE_NAME, metric=Metric.NPS,
                 user_ids=[who.user_id for who in CUSTOMERS])
    wave = open_pulse_wave(services, name=PULSE_NAME, team_id=team_id,
                           scheduled_for=manual_wave_time(services.clock()))
    deliver_due(services, client, wave_id=wave.wave_id)


def _answer_earlier(sandbox: SlackSandbox, slack: PlaygroundSlackClient) -> None:
    """Some customers answered before the page opened: clicks and comments as anyone makes."""
    for who, score, comment in EARLIER_ANSWERS:
        pulse = sandbox.messages(sandbox.dm_channel(who.user_id))[-1]
        slack.click(who.user_id, pulse, ids.score_action_id("nps", score))
        if comment is None:
            continue
        answered = sandbox.messages(sandbox.dm_channel(who.user_id))[-1]
        opened = len(sandbox.calls("views.open"))
        slack.click(who.user_id, answered, ids.COMMENT_ACTION)
        view = sandbox.wait_for("views.open", count=opened + 1)[-1].response["view"]
        slack.submit_view(who.user_id, view, {ids.COMMENT_BLOCK: {ids.COMMENT_INPUT: comment}})


def _post_digest(services: Services, client: WebClient, team_id: str) -> None:
    """Subscribe #cx-team, then let the poster run as it will next Monday at 09:05."""
    subscribe(services, client, team_id=team_id, request=DigestRequest(CX_TEAM.channel_id),
              created_by=STAFF[0].user_id)
    today = services.clock()
    monday = today + timedelta(days=7 - today.weekday())
    at = datetime.combine(monday.date(), time(9, 5), tzinfo=UTC)
    post_due_digests(Services(services.settings, services.engine, lambda: at), client)
