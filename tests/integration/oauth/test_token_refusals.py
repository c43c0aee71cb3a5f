"""A token Slack refuses mid-wave stops its workspace at once; the others carry on; it starts
again by itself once a token works. Two replicas refreshing one rotating token end with one."""

from __future__ import annotations

import logging
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.digests.subscriptions import DigestRequest, subscribe
from bot.pulses.dispatch import SENDERS
from bot.pulses.status import wave_status
from bot.pulses.waves import manual_wave_time, open_pulse_wave
from bot.sandbox.slack_api import RecordedCall, SlackSandbox
from bot.worker.leader import PulseWorker
from bot.workspaces.installations import client_for, installation_store
from bot.workspaces.token_refusals import RECHECK_EVERY
from storage.engine import create_db_engine
from storage.models import Delivery, DeliveryStatus, Pulse, TokenRefusal, Wave
from tests.conftest import FakeClock
from tests.integration.oauth.workspaces import ALPHA, BRAVO, TEAMS, OAuthBot, Team

POST = "chat.postMessage"
DIGESTS_DUE = datetime(2026, 11, 23, 9, 5, tzinfo=UTC)  # a Monday, just after 09:00 UTC
REFUSALS = ("token_revoked", "invalid_auth", "account_inactive", "app_uninstalled")


def _install_with_waves(bot: OAuthBot) -> None:
    for team in TEAMS:
        assert bot.slack[team.team_id].install(team.team_id).status == 200
        bot.define_pulse(team, f"by-hand-{team.team_id}", remind_after_hours=0)
        open_pulse_wave(bot.services, name=f"by-hand-{team.team_id}", team_id=team.team_id,
                        scheduled_for=manual_wave_time(bot.services.clock()))
        # And a weekly digest, which the leader posts on Mondays with the workspace's token.
        subscribe(bot.services, bot.client(team), team_id=team.team_id,
                  request=DigestRequest(channel_id=team.channel), created_by=team.staff)


def _token(bot: OAuthBot, team: Team) -> str:
    installation = installation_store(bot.services).find_installation(
        enterprise_id=None, team_id=team.team_id)
    assert installation is not None
    assert installation.bot_token is not None
    return installation.bot_token



def _posts_to(sandbox: SlackSandbox, team: Team) -> list[RecordedCall]:
    return [c for c in sandbox.calls(POST) if c.args.get("channel") in team.customers]


def _dms(sandbox: SlackSandbox, team: Team) -> list[int]:
    return [len(sandbox.messages(sandbox.dm_channel(user))) for user in team.customers]


def _deliveries_of(engine: Engine, team: Team) -> list[Delivery]:
    with Session(engine) as session:
        return list(session.exec(
            select(Delivery).join(Wave).join(Pulse).where(Pulse.team_id == team.team_id)
        ).all())


@pytest.mark.parametrize("error", REFUSALS)
def test_a_refused_token_stops_its_workspace_at_once_and_the_other_carries_on(
    oauth_bot: OAuthBot, sandbox: SlackSandbox, clock: FakeClock, engine: Engine,
    caplog: pytest.LogCaptureFixture, error: str,
) -> None:
    _install_with_waves(oauth_bot)
    bravo_token = _token(oauth_bot, BRAVO)
    sandbox.refuse_tokens(BRAVO.team_id, error)
    worker = PulseWorker(oauth_bot.services, oauth_bot.base_client, scheduler_name="refusal")
    caplog.set_level(logging.INFO)
    try:
        worker.deliver_once()
        first = _posts_to(sandbox, BRAVO)
        calls_so_far = len(sandbox.calls())
        clock.now = DIGESTS_DUE  # the leader has work for both workspaces too
        worker.run_once()  # both loops, as every 5 s
        worker.run_once()
        again = sandbox.calls()[calls_so_far:]
    finally:
        worker.stop()

    assert _dms(sandbox, ALPHA) == [1] * 5  # the other workspace carries on
    # At most one refused post per sender in flight when the first refusal came back, not
    # one per delivery (nor five attempts each).
    assert 1 <= len(first) <= SENDERS
    assert {c.response.get("error") for c in first} == {error}
    assert _dms(sandbox, BRAVO) == [0] * 5
    # Then not a single call with its token but the one check Slack is asked every 5 minutes
    # (the clock moved on three days): every other call was Alpha's, its digest too.
    others = [c for c in again if c.team_id != ALPHA.team_id and c.method != "upload"]
    assert [(c.method, c.response.get("error")) for c in others] == [("auth.test", error)]
    assert [m["team"] for m in sandbox.messages(ALPHA.channel) if not m.get("thread_ts")] == [
        ALPHA.team_id]
    assert sandbox.messages(BRAVO.channel) == []
    waiting = f"waiting: Slack refused the workspace's bot token ({error})"
    assert {(d.status, d.error) for d in _deliveries_of(engine, BRAVO)} == {
        (DeliveryStatus.PENDING, waiting)}
    report = wave_status(oauth_bot.services, pulse_name=f"by-hand-{BRAVO.team_id}").report()
    assert f"sending stopped: Slack refused the workspace's bot token ({error})" in report
    assert "the app reinstalled in the workspace" in report
    said = [r.getMessage() for r in caplog.records if "refused the bot token" in r.getMessage()]
    assert said == [f"team {BRAVO.team_id}: Slack refused the bot token ({error}); sending "
                    "stopped for this workspace, its unsent deliveries wait for a token that works"]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert bravo_token not in logged
    assert bravo_token[:20] not in report


def test_the_refused_workspace_asks_slack_again_now_and_then_and_goes_on_when_it_works(
    oauth_bot: OAuthBot, sandbox: SlackSandbox, clock: FakeClock, engine: Engine,
) -> None:
    _install_with_waves(oauth_bot)
    sandbox.refuse_tokens(BRAVO.team_id, "invalid_auth")  # say, a Slack incident
    worker = PulseWorker(oauth_bot.services, oauth_bot.base_client, scheduler_name="recheck")
    try:
        worker.run_once()
        sandbox.clear_calls()
        clock.now += RECHECK_EVERY - timedelta(microseconds=1)
        worker.run_once()
        asked_early = sandbox.calls("auth.test")
        clock.now += timedelta(microseconds=1)
        worker.run_once()
        asked_then = sandbox.calls("auth.test")
        sandbox.accept_tokens_again(BRAVO.team_id)
        clock.now += RECHECK_EVERY
        worker.run_once()
    finally:
        worker.stop()

    assert asked_early == []
    assert [c.response.get("error") for c in asked_then] == ["invalid_auth"]  # once, not twice
    assert _dms(sandbox, BRAVO) == [1] * 5
    assert {d.status for d in _deliveries_of(engine, BRAVO)} == {DeliveryStatus.SENT}
    with Session(engine) as session:
        assert session.exec(select(TokenRefusal)).all() == []


def test_a_reinstall_brings_a_new_token_and_the_waiting_deliveries_go_at_once(
    oauth_bot: OAuthBot, sandbox: SlackSandbox, engine: Engine,
) -> None:
    _install_with_waves(oauth_bot)
    sandbox.refuse_tokens(BRAVO.team_id, "token_revoked")
    worker = PulseWorker(oauth_bot.services, oauth_bot.base_client, scheduler_name="again")
    try:
        worker.run_once()
        assert _dms(sandbox, BRAVO) == [0] * 5
        assert oauth_bot.slack[BRAVO.team_id].install(BRAVO.team_id).status == 200
        worker.run_once()  # no recheck due: the new token alone lifts it
    finally:
        worker.stop()

    assert _dms(sandbox, BRAVO) == [1] * 5
    with Session(engine) as session:
        assert session.exec(select(TokenRefusal)).all() == []


def test_two_replicas_refreshing_one_rotating_token_at_once_end_with_one_token_both_use(
    oauth_bot: OAuthBot, sandbox: SlackSandbox, database_url: str,
) -> None:
    sandbox.rotate_tokens(600)  # within the 120-minute margin: refreshed at next use
    assert oauth_bot.slack[ALPHA.team_id].install(ALPHA.team_id).status == 200
    sandbox.rotate_tokens(43200)
    # Slack takes its time answering the refresh: both replicas are in it at once.
    sandbox.delay_answers("oauth.v2.access", 0.5)
    replicas = [replace(oauth_bot.services, engine=create_db_engine(database_url))
                for _ in range(2)]
    got: list[str | None] = [None, None]
    ready = threading.Barrier(2)

    def refresh(n: int) -> None:
        ready.wait()
        client = client_for(replicas[n], oauth_bot.base_client, ALPHA.team_id)
        got[n] = None if client is None else client.token

    threads = [threading.Thread(target=refresh, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for replica in replicas:
        replica.engine.dispose()

    refreshes = [c for c in sandbox.calls("oauth.v2.access")
                 if c.args.get("grant_type") == "refresh_token"]
    assert len(refreshes) == 1
    assert got[0] is not None
    assert got[0] == got[1]
    assert sandbox.oauth.tokens_of(ALPHA.team_id) == [got[0]]  # the one Slack accepts
    assert _token(oauth_bot, ALPHA) == got[0]
    assert oauth_bot.client(ALPHA).auth_test()["team_id"] == ALPHA.team_id
