"""The database going away: mid-wave under a running bot, and while a customer clicks.

PostgreSQL is shared with other test runs, so it is never restarted: the bot reaches it
through a TCP proxy that cuts every connection and refuses new ones for a while (what a
restart does to a client), and its server processes are also ended with
pg_terminate_backend (what a failover or an administrator does). SQLite has no server to
lose; its analogue is the file locked by another writer.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine, make_url, text

from bot.app.outage import CLICK_NOT_SAVED, COMMAND_NOT_ANSWERED, FORM_NOT_SAVED
from bot.app.server import EVENTS_PATH, create_asgi_app, serve_in_background
from bot.app.wiring import create_app
from bot.core import ids
from bot.core.services import Services, utc_now
from bot.pulses.dispatch import SENDERS
from bot.sandbox.client import SignedSlackClient
from bot.sandbox.slack_api import SlackSandbox
from bot.slack.client import create_web_client
from storage.engine import create_db_engine
from tests.conftest import CUSTOMERS, POSTGRES_URL, SIGNING_SECRET, STAFF, SendPulse
from tests.integration.helpers import click_score, open_comment_modal, pulse_message, responses
from tests.integration.running_bots import (
    assert_each_messaged_once,
    bot_env,
    customers,
    open_wave,
    start_run,
    unsettled,
    wait_until,
)
from tests.integration.tcp_proxy import TcpProxy
from tests.settling import SettledSlackClient, SettlingExecutor

OUTAGE_SECONDS = 3.0


@pytest.fixture
def proxy(database_url: str) -> Iterator[TcpProxy | None]:
    """Between the bot and PostgreSQL; None on SQLite."""
    if database_url.startswith("sqlite"):
        yield None
        return
    server = make_url(POSTGRES_URL)
    proxy = TcpProxy(server.host or "127.0.0.1", server.port or 5432)
    yield proxy
    proxy.close()


def through(proxy: TcpProxy | None, database_url: str) -> str:
    if proxy is None:
        return database_url
    server = make_url(POSTGRES_URL)
    return database_url.replace(f"@{server.host}:{server.port}/", f"@127.0.0.1:{proxy.port}/")


def sqlite_path(database_url: str) -> str:
    return database_url.removeprefix("sqlite:///")


class FileLock:
    """Another writer holding a SQLite file's write lock, as a long migration or backup would."""

    def __init__(self, database_url: str) -> None:
        self._connection = sqlite3.connect(sqlite_path(database_url), timeout=30,
                                           isolation_level=None, check_same_thread=False)

    def __enter__(self) -> FileLock:
        self._connection.execute("BEGIN EXCLUSIVE")
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._connection.execute("ROLLBACK")
        self._connection.close()


def terminate_backends(engine: Engine, pid: int) -> int:
    """End every PostgreSQL session the process `pid` holds; how many there were."""
    with engine.connect() as connection:
        ended = connection.execute(
            text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                 "WHERE application_name LIKE :name"),
            {"name": f"engagement-bot % pid {pid}"},
        ).scalar_one()
        connection.commit()
    return int(ended)


# -- mid-wave ------------------------------------------------------------------------------


def test_the_database_going_away_mid_wave_loses_and_doubles_nothing(
    database_url: str, proxy: TcpProxy | None, services: Services, sandbox: SlackSandbox,
    engine: Engine, tmp_path: Path,
) -> None:
    users = customers(sandbox, 300)
    open_wave(replace(services, clock=utc_now), users)
    # 80 messages a second, so the faults land with most of the wave still to go.
    sandbox.delay_answers("chat.postMessage", 0.05)
    env = bot_env(sandbox, through(proxy, database_url), DELIVERY_LEASE_SECONDS="5")
    bot = start_run(env, tmp_path, "bot")
    try:
        sandbox.wait_for("chat.postMessage", count=60, timeout=60)
        if proxy is not None:
            with proxy.outage():  # a restart: connections cut, new ones refused
                time.sleep(OUTAGE_SECONDS)
            assert proxy.refused > 0  # the bot met it: it came back for a connection, refused
            sent = len(sandbox.calls("chat.postMessage"))
            sandbox.wait_for("chat.postMessage", count=sent + 40, timeout=60)
            assert terminate_backends(engine, bot.pid) >= 1  # a failover, or an administrator
        else:
            with FileLock(database_url):
                posted = len(sandbox.calls("chat.postMessage"))
                time.sleep(OUTAGE_SECONDS)
                # The bot met the lock: each sender stopped at its next write, having posted at
                # most the one message it held, and the wave was still under way.
                assert len(sandbox.calls("chat.postMessage")) - posted <= SENDERS
                assert unsettled(engine) > 0  # a plain read: WAL lets it past the lock
        wait_until(lambda: unsettled(engine) == 0, timeout=120, what="the wave to finish")

        assert_each_messaged_once(sandbox, engine, users)
        assert bot.process.poll() is None, bot.output()
        assert bot.healthy()
    finally:
        bot.stop()
    output = bot.output()
    # Said once per outage, with its end; no traceback per cycle while it lasted.
    assert "Traceback" not in output, output
    assert output.count("database unavailable") <= 2, output


# -- while a customer clicks ---------------------------------------------------------------


@pytest.fixture
def outage_slack(
    proxy: TcpProxy | None, database_url: str, services: Services, slack: SignedSlackClient,
    sandbox: SlackSandbox, listeners: SettlingExecutor,
) -> Iterator[SignedSlackClient]:
    """The bot as Slack reaches it; on PostgreSQL its database connections go through the
    proxy (the `slack` fixture's bot stays on the direct URL, to send the wave)."""
    if proxy is None:
        yield slack
        return
    engine = create_db_engine(through(proxy, database_url))
    proxied = replace(services, engine=engine)
    app = create_app(proxied, create_web_client(proxied.settings), listener_executor=listeners)
    with serve_in_background(create_asgi_app(app, engine)) as base_url:
        yield SettledSlackClient(bot_url=base_url + EVENTS_PATH, signing_secret=SIGNING_SECRET,
                                 sandbox=sandbox, listeners=listeners)
    engine.dispose()


class _Down:
    """`with down(...)`: the proxy refusing, or the SQLite file locked."""

    def __init__(self, proxy: TcpProxy | None, database_url: str) -> None:
        self._proxy, self._lock = proxy, None if proxy else FileLock(database_url)

    def __enter__(self) -> None:
        if self._proxy is not None:
            self._proxy.cut()
        else:
            assert self._lock is not None
            self._lock.__enter__()

    def __exit__(self, *exc_info: object) -> None:
        if self._proxy is not None:
            self._proxy.resume()
        else:
            assert self._lock is not None
            self._lock.__exit__()


def test_a_click_while_the_database_is_down_is_refused_plainly_then_counted_once(
    proxy: TcpProxy | None, database_url: str, send_pulse: SendPulse, sandbox: SlackSandbox,
    outage_slack: SignedSlackClient, engine: Engine,
) -> None:
    send_pulse()
    user_id = CUSTOMERS[0]
    message = pulse_message(sandbox, user_id)

    with _Down(proxy, database_url):
        reply = outage_slack.click(user_id, message, ids.score_action_id("nps", 9))
        told = sandbox.calls("response_url")

    # Acknowledged (no Slack warning), told plainly, and nothing changed: no answer stored,
    # and the survey keeps its buttons for the second click.
    assert reply.status == 200
    assert told[-1].args["text"] == CLICK_NOT_SAVED
    assert told[-1].args["response_type"] == "ephemeral"
    assert not told[-1].args.get("replace_original")
    assert sandbox.calls("chat.update") == []
    assert pulse_message(sandbox, user_id) == message
    assert responses(engine) == []

    for _ in range(2):  # back again: the same button, clicked again (and once more)
        assert click_score(sandbox, outage_slack, user_id, 9) == 200
    assert [(r.score, r.changed_at) for r in responses(engine)] == [(9, None)]


def test_a_comment_sent_while_the_database_is_down_stays_in_its_modal_then_saves_once(
    proxy: TcpProxy | None, database_url: str, send_pulse: SendPulse, sandbox: SlackSandbox,
    outage_slack: SignedSlackClient, engine: Engine,
) -> None:
    send_pulse()
    user_id = CUSTOMERS[1]
    click_score(sandbox, outage_slack, user_id, 3)
    view = open_comment_modal(sandbox, outage_slack, user_id)
    typed = {ids.COMMENT_BLOCK: {ids.COMMENT_INPUT: "The export keeps failing"}}

    with _Down(proxy, database_url):
        refused = outage_slack.submit_view(user_id, view, typed)

    assert refused.status == 200
    assert refused.json() == {"response_action": "errors",
                              "errors": {ids.COMMENT_BLOCK: FORM_NOT_SAVED}}
    assert [r.comment for r in responses(engine)] == [None]

    assert outage_slack.submit_view(user_id, view, typed).json() == {}
    assert [r.comment for r in responses(engine)] == ["The export keeps failing"]


def test_a_home_button_while_the_database_is_down_keeps_the_home_and_says_why(
    proxy: TcpProxy | None, database_url: str, send_pulse: SendPulse, sandbox: SlackSandbox,
    outage_slack: SignedSlackClient, engine: Engine,
) -> None:
    """The Home tab has no response_url: the notice goes on top of the same Home, buttons and
    all, so the person sees why nothing changed and can press again."""
    send_pulse()
    user_id = CUSTOMERS[2]
    outage_slack.event({"type": "app_home_opened", "tab": "home", "user": user_id})
    [shown] = sandbox.calls("views.publish")
    home = {**shown.args["view"], "id": "V0HOME"}

    with _Down(proxy, database_url):
        reply = outage_slack.click_home(user_id, home, ids.HOME_OPT_OUT_ACTION)
        [_, notice] = sandbox.calls("views.publish")

    assert reply.status == 200
    assert notice.args["user_id"] == user_id
    blocks = notice.args["view"]["blocks"]
    assert FORM_NOT_SAVED in str(blocks[0])
    assert blocks[1:] == home["blocks"]  # the same Home under it, the switch still there
    assert _opted_out(engine, user_id) is False

    assert outage_slack.click_home(user_id, home, ids.HOME_OPT_OUT_ACTION).status == 200
    assert len(sandbox.calls("views.publish")) == 3
    assert _opted_out(engine, user_id) is True


def _opted_out(engine: Engine, user_id: str) -> bool:
    with engine.connect() as connection:
        return bool(connection.execute(
            text("SELECT opted_out FROM respondent WHERE user_id = :user"), {"user": user_id}
        ).scalar_one())


def test_a_command_while_the_database_is_down_says_to_try_again(
    proxy: TcpProxy | None, database_url: str, outage_slack: SignedSlackClient,
) -> None:
    if proxy is None:
        pytest.skip("a SQLite reader is never locked out (WAL): the command simply answers")
    with _Down(proxy, database_url):
        reply = outage_slack.slash_command(STAFF, "")
    assert (reply.status, reply.text) == (200, COMMAND_NOT_ANSWERED)


def test_the_health_check_reports_the_outage_and_the_recovery(
    proxy: TcpProxy | None, database_url: str, services: Services, tmp_path: Path,
    sandbox: SlackSandbox,
) -> None:
    if proxy is None:
        pytest.skip("nothing stops a SQLite file from answering a read (WAL): always healthy")
    env = bot_env(sandbox, through(proxy, database_url))
    bot = start_run(env, tmp_path, "bot")
    try:
        with _Down(proxy, database_url):
            wait_until(lambda: not bot.healthy(), timeout=30, what="/healthz to say 503")
        wait_until(bot.healthy, timeout=30, what="/healthz to recover")
    finally:
        bot.stop()

