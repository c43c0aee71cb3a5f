"""A workspace of an Enterprise Grid org installs the app on its own (not org-wide): Slack's
install answer names the org, the installation store keys the bot token by org and workspace,
and the background work, the command line and Slack's requests all find it there."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import Engine

from bot.digests.subscriptions import DigestRequest, subscribe
from bot.sandbox.slack_api import SlackSandbox
from bot.worker.leader import PulseWorker
from bot.workspaces.installations import installed_team_ids
from storage.oauth_tables import bots
from tests.conftest import FakeClock
from tests.integration.oauth.workspaces import GRID, OAuthBot, run_cli, wait_until

# A Monday, 09:00 in Paris: the weekly pulse's fire time; the weekly digest goes at 09:00 UTC.
MONDAY_NINE_PARIS = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
DIGEST_TIME = datetime(2026, 11, 30, 9, 5, tzinfo=UTC)


def test_a_grid_workspace_gets_its_scheduled_wave_and_the_cli_acts_in_it(
    oauth_bot: OAuthBot, sandbox: SlackSandbox, clock: FakeClock, engine: Engine,
    database_url: str, tmp_path: Path,
) -> None:
    grid = oauth_bot.slack[GRID.team_id]
    assert grid.install(GRID.team_id).status == 200
    with engine.connect() as connection:
        stored = connection.execute(
            sa.select(bots.c.enterprise_id, bots.c.team_id, bots.c.is_enterprise_install)
        ).all()
    assert [tuple(row) for row in stored] == [(GRID.enterprise_id, GRID.team_id, False)]

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return run_cli(sandbox, database_url, tmp_path, *args)

    # The command line speaks as the Grid workspace's bot: it checks the audience with Slack.
    created = cli("pulse", "create", "weekly", "--metric", "nps",
                  "--users", ",".join(GRID.customers), "--schedule", "weekly",
                  "--timezone", "Europe/Paris", "--team", GRID.team_id)
    assert created.returncode == 0, created.stderr
    assert {c.team_id for c in sandbox.calls("users.info")} == {GRID.team_id}
    subscribe(oauth_bot.services, oauth_bot.client(GRID), team_id=GRID.team_id,
              request=DigestRequest(channel_id=GRID.channel), created_by=GRID.staff)

    worker = PulseWorker(oauth_bot.services, oauth_bot.base_client, scheduler_name="grid")
    try:
        clock.now = MONDAY_NINE_PARIS
        worker.run_once()
        dms = sandbox.calls("chat.postMessage")
        clock.now = DIGEST_TIME
        worker.run_once()
    finally:
        worker.stop()

    # The scheduled wave went to every customer, and the digest to the channel, as its bot.
    assert sorted(c.args["channel"] for c in dms) == sorted(GRID.customers)
    assert {c.team_id for c in dms} == {GRID.team_id}
    [digest] = [m for m in sandbox.messages(GRID.channel) if not m.get("thread_ts")]
    assert digest["team"] == GRID.team_id
    listed = cli("digest", "list", "--team", GRID.team_id)
    assert listed.returncode == 0, listed.stderr
    assert GRID.channel in listed.stdout

    # A request from the workspace carries its org too, and Bolt finds the same installation.
    reply = grid.slash_command(GRID.staff, "")
    assert reply.status == 200
    assert "No answers yet" in str(reply.json()["blocks"])

    # Removing the app there forgets the Grid installation.
    sandbox.uninstall(GRID.team_id)
    assert grid.event({"type": "app_uninstalled"}).status == 200
    wait_until(lambda: installed_team_ids(oauth_bot.services) == [])
