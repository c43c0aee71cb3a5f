"""The command line in OAuth mode: each command acts in the workspace it is told (--team), as
that workspace's bot, and refuses to guess when several are installed."""

from __future__ import annotations

import subprocess
from pathlib import Path

from bot.sandbox.slack_api import SlackSandbox
from tests.integration.oauth.workspaces import ALPHA, BRAVO, CLIENT_SECRET, OAuthBot, run_cli


def test_commands_act_in_the_named_workspace_with_its_own_token(
    oauth_bot: OAuthBot, sandbox: SlackSandbox, database_url: str, tmp_path: Path
) -> None:
    for team in (ALPHA, BRAVO):
        assert oauth_bot.slack[team.team_id].install(team.team_id).status == 200
    users = ",".join(ALPHA.customers)

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return run_cli(sandbox, database_url, tmp_path, *args)

    guessed = cli("pulse", "create", "q4", "--metric", "nps", "--users", users)
    created = cli("pulse", "create", "q4", "--metric", "nps", "--users", users,
                  "--team", ALPHA.team_id)
    sent = cli("pulse", "send", "q4", "--team", ALPHA.team_id)
    unknown = cli("pulse", "send", "q4", "--team", "T0NOPE")

    assert guessed.returncode == 2
    assert f"Several workspaces: pick one with --team ({ALPHA.team_id}, {BRAVO.team_id})" in (
        guessed.stderr)
    assert created.returncode == 0, created.stderr
    assert sent.returncode == 0, sent.stderr
    assert "sent 5 now" in sent.stdout
    assert {c.team_id for c in sandbox.calls("chat.postMessage")} == {ALPHA.team_id}
    assert unknown.returncode == 2
    assert "not installed in 'T0NOPE'" in unknown.stderr
    for result in (guessed, created, sent, unknown):
        assert CLIENT_SECRET not in result.stdout + result.stderr
