"""The background worker speaks for each installed workspace with its own token; a workspace
that uninstalls the app gets nothing more, and its data stays."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.app.wiring import NOT_INSTALLED
from bot.digests.subscriptions import DigestRequest, subscribe
from bot.pulses.waves import manual_wave_time, open_pulse_wave
from bot.sandbox.slack_api import SlackSandbox
from bot.worker.leader import PulseWorker
from bot.workspaces.installations import installed_team_ids
from bot.workspaces.uninstalls import UNINSTALLED
from storage.models import Delivery, Pulse, Response, Wave
from tests.conftest import FakeClock
from tests.integration.helpers import click_score, comment
from tests.integration.oauth.workspaces import ALPHA, BRAVO, TEAMS, OAuthBot, Team

# Weekly pulses fire on Mondays at 09:00 in Paris (08:00 UTC); digests go at 09:00 UTC.
FIRST_MONDAY = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
WEEK = timedelta(days=7)
DIGEST_TIME = timedelta(hours=1, minutes=5)


def _dms(sandbox: SlackSandbox, team: Team) -> int:
    return sum(len(sandbox.messages(sandbox.dm_channel(u))) for u in team.customers)


def _teams_called(sandbox: SlackSandbox) -> set[str | None]:
    """Whose tokens made Web API calls (the upload host and response_urls take none)."""
    return {call.team_id for call in sandbox.calls() if call.team_id is not None}


def _monday(worker: PulseWorker, clock: FakeClock, fire: datetime) -> None:
    """The pulses' fire time, then the digests' an hour later."""
    clock.now = fire
    worker.run_once()
    clock.now = fire + DIGEST_TIME
    worker.run_once()


def _install_both_with_pulses_and_digests(bot: OAuthBot, sandbox: SlackSandbox) -> None:
    for team in TEAMS:
        assert bot.slack[team.team_id].install(team.team_id).status == 200
        bot.define_pulse(team, f"weekly-{team.team_id}", schedule="weekly",
                         timezone="Europe/Paris", min_interval_days=0)
        subscribe(bot.services, bot.client(team), team_id=team.team_id,
                  request=DigestRequest(channel_id=team.channel), created_by=team.staff)


def test_each_workspace_gets_its_own_waves_and_digest_and_an_uninstalled_one_nothing(
    oauth_bot: OAuthBot, sandbox: SlackSandbox, clock: FakeClock, engine: Engine
) -> None:
    _install_both_with_pulses_and_digests(oauth_bot, sandbox)
    worker = PulseWorker(oauth_bot.services, oauth_bot.base_client, scheduler_name="oauth")
    try:
        clock.now = FIRST_MONDAY
        worker.run_once()
        # Every pulse went to its own workspace's customers, with that workspace's token.
        for team in TEAMS:
            assert _dms(sandbox, team) == len(team.customers)
        for call in sandbox.calls("chat.postMessage"):
            owner = ALPHA if call.args["channel"] in ALPHA.customers else BRAVO
            assert call.team_id == owner.team_id

        alpha = oauth_bot.slack[ALPHA.team_id]
        for user_id, score in zip(ALPHA.customers, (10, 9, 9, 6, 2), strict=True):
            click_score(sandbox, alpha, user_id, score)
        comment(sandbox, alpha, ALPHA.customers[4], "Alpha's export keeps failing")

        _monday(worker, clock, FIRST_MONDAY + WEEK)
        [alpha_digest] = [m for m in sandbox.messages(ALPHA.channel) if not m.get("thread_ts")]
        [bravo_digest] = [m for m in sandbox.messages(BRAVO.channel) if not m.get("thread_ts")]
        assert "export keeps failing" in str(alpha_digest["blocks"])
        assert alpha_digest["team"] == ALPHA.team_id
        assert bravo_digest["team"] == BRAVO.team_id
        assert "export keeps failing" not in str(bravo_digest["blocks"])
        assert "*+" not in str(bravo_digest["blocks"])  # no figure: Bravo has no answers
        alpha_dms, bravo_dms = _dms(sandbox, ALPHA), _dms(sandbox, BRAVO)

        # Bravo removes the app: Slack revokes its token and tells the bot.
        sandbox.uninstall(BRAVO.team_id)
        reply = oauth_bot.slack[BRAVO.team_id].event({"type": "app_uninstalled"})
        assert reply.status == 200
        assert installed_team_ids(oauth_bot.services) == [ALPHA.team_id]
        sandbox.clear_calls()

        _monday(worker, clock, FIRST_MONDAY + 2 * WEEK)
    finally:
        worker.stop()

    # Alpha goes on; nothing more was sent to Bravo, nor even tried with its token.
    assert len([m for m in sandbox.messages(ALPHA.channel) if not m.get("thread_ts")]) == 2
    assert _dms(sandbox, ALPHA) >= alpha_dms + len(ALPHA.customers)  # its third wave
    assert _teams_called(sandbox) == {ALPHA.team_id}
    assert _dms(sandbox, BRAVO) == bravo_dms
    assert [m for m in sandbox.messages(BRAVO.channel) if not m.get("thread_ts")] == [
        bravo_digest]
    with Session(engine) as session:
        bravo_waves = session.exec(
            select(Wave).join(Pulse).where(Pulse.team_id == BRAVO.team_id)
        ).all()
        answers = session.exec(select(Response)).all()
    assert len(bravo_waves) == 2  # none opened after the uninstall
    assert len(answers) == 5  # Alpha's answers are all kept


def test_uninstall_cancels_what_was_waiting_and_a_request_from_there_is_told_to_reinstall(
    oauth_bot: OAuthBot, sandbox: SlackSandbox, engine: Engine
) -> None:
    bravo = oauth_bot.slack[BRAVO.team_id]
    assert bravo.install(BRAVO.team_id).status == 200
    oauth_bot.define_pulse(BRAVO, "by-hand")
    open_pulse_wave(oauth_bot.services, name="by-hand", team_id=BRAVO.team_id,
                    scheduled_for=manual_wave_time(oauth_bot.services.clock()))

    sandbox.uninstall(BRAVO.team_id)
    assert bravo.event({"type": "tokens_revoked",
                        "tokens": {"oauth": [], "bot": ["U0BOT1"]}}).status == 200

    def cancelled() -> bool:
        with Session(engine) as session:
            return {d.error for d in session.exec(select(Delivery)).all()} == {UNINSTALLED}

    assert cancelled()
    assert installed_team_ids(oauth_bot.services) == []
    answer = bravo.slash_command(BRAVO.staff, "")
    assert answer.status == 200
    [told] = sandbox.calls("response_url")
    assert told.args["text"] == NOT_INSTALLED
