"""Token rotation: a bot token close to expiry is refreshed before use, by a request (Bolt)
and by the background work (client_for), and everything goes on with the new token."""

from __future__ import annotations

from bot.sandbox.slack_api import SlackSandbox
from bot.workspaces.installations import installation_store
from tests.integration.oauth.workspaces import ALPHA, BRAVO, TEAMS, OAuthBot, Team

TEN_MINUTES = 600  # inside the default 120-minute refresh margin: refreshed at next use
TWELVE_HOURS = 43200  # Slack's lifetime for rotating tokens: outside the margin


def _stored_token(bot: OAuthBot, team: Team) -> str:
    installation = installation_store(bot.services).find_installation(
        enterprise_id=None, team_id=team.team_id)
    assert installation is not None
    assert installation.bot_token is not None
    assert installation.bot_refresh_token is not None
    return installation.bot_token


def test_an_expiring_token_is_refreshed_and_calls_keep_working(
    oauth_bot: OAuthBot, sandbox: SlackSandbox
) -> None:
    sandbox.rotate_tokens(TEN_MINUTES)
    for team in TEAMS:
        assert oauth_bot.slack[team.team_id].install(team.team_id).status == 200
    old = {team.team_id: _stored_token(oauth_bot, team) for team in TEAMS}
    assert all(token.startswith("xoxe.xoxb-") for token in old.values())
    sandbox.rotate_tokens(TWELVE_HOURS)

    # The background work: client_for() refreshes Alpha's token before handing it out.
    client = oauth_bot.client(ALPHA)
    assert client.auth_test()["team_id"] == ALPHA.team_id
    # A request: Bolt refreshes Bravo's before the listener runs.
    reply = oauth_bot.slack[BRAVO.team_id].slash_command(BRAVO.staff, "")

    assert reply.status == 200
    assert "No answers yet" in str(reply.json()["blocks"])
    refreshes = [c for c in sandbox.calls("oauth.v2.access")
                 if c.args.get("grant_type") == "refresh_token"]
    assert [c.response["team"]["id"] for c in refreshes] == [ALPHA.team_id, BRAVO.team_id]
    for team in TEAMS:
        new = _stored_token(oauth_bot, team)
        assert new != old[team.team_id]
        assert sandbox.oauth.tokens_of(team.team_id) == [new]
    # Used again, the fresh tokens are not refreshed a second time.
    oauth_bot.client(ALPHA).auth_test()
    oauth_bot.slack[BRAVO.team_id].slash_command(BRAVO.staff, "")
    assert len([c for c in sandbox.calls("oauth.v2.access")
                if c.args.get("grant_type") == "refresh_token"]) == 2
