"""With several workspaces, who is an admin and where alerts go are each workspace's own:
ADMIN_USER_IDS and ALERT_CHANNEL_ID (which name people and a channel of one workspace) count
in none of them; each workspace's admins and owners add admins and choose the alert channel
for their workspace only."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.core.config import Settings
from bot.pulses.dispatch import deliver_due
from bot.pulses.waves import manual_wave_time, open_pulse_wave
from bot.sandbox.client import SlackReply
from bot.sandbox.slack_api import SlackSandbox
from storage.models import FollowUp, Target, WorkspaceAdmin
from tests.integration.helpers import click_score
from tests.integration.oauth.workspaces import ALPHA, BRAVO, TEAMS, OAuthBot, Team, wait_until

ALPHA_LEAD = "U0ALLEAD"  # a member of Alpha, not a Slack admin, listed in ADMIN_USER_IDS
ALPHA_ALERTS, BRAVO_ALERTS, BRAVO_QUIET = "C0ALALERT", "C0BRALERT", "C0BRQUIET"


@pytest.fixture
def oauth_settings(oauth_settings: Settings, sandbox: SlackSandbox) -> Settings:
    """The single-workspace settings set anyway, naming Alpha's lead and Alpha's channel."""
    sandbox.add_user(ALPHA_LEAD, name="alpha-lead", team_id=ALPHA.team_id)
    return oauth_settings.model_copy(update={"admin_user_ids": [ALPHA_LEAD],
                                             "alert_channel_id": ALPHA_ALERTS})


@pytest.fixture
def installed(oauth_bot: OAuthBot, sandbox: SlackSandbox) -> OAuthBot:
    for team in TEAMS:
        assert oauth_bot.slack[team.team_id].install(team.team_id).status == 200
    # Each workspace's own channels, which the other's token cannot see; the app is in the
    # alert channels but not in Bravo's quiet one.
    sandbox.add_channel(ALPHA_ALERTS, name="alpha-alerts", team_id=ALPHA.team_id,
                        members=[ALPHA.staff, "U0BOT0"])
    sandbox.add_channel(BRAVO_ALERTS, name="bravo-alerts", team_id=BRAVO.team_id,
                        members=[BRAVO.staff, "U0BOT1"])
    sandbox.add_channel(BRAVO_QUIET, name="quiet", team_id=BRAVO.team_id,
                        members=[BRAVO.staff])
    return oauth_bot


def _send_pulse(bot: OAuthBot, team: Team, name: str) -> None:
    bot.define_pulse(team, name)
    wave = open_pulse_wave(bot.services, name=name, team_id=team.team_id,
                           scheduled_for=manual_wave_time(bot.services.clock()))
    deliver_due(bot.services, bot.client(team), wave_id=wave.wave_id, team_id=team.team_id)


def _targets(engine: Engine) -> set[tuple[str, float]]:
    with Session(engine) as session:
        return {(row.team_id, row.value) for row in session.exec(select(Target)).all()}


def _follow_ups(engine: Engine, team: Team) -> list[FollowUp]:
    with Session(engine) as session:
        return list(session.exec(select(FollowUp).where(FollowUp.team_id == team.team_id)).all())


def _text(reply: SlackReply) -> str:
    return str(reply.json()["text"])


def test_admins_are_each_workspaces_own_and_admin_user_ids_count_in_none(
    installed: OAuthBot, engine: Engine
) -> None:
    alpha, bravo = installed.slack[ALPHA.team_id], installed.slack[BRAVO.team_id]

    # Listed in ADMIN_USER_IDS: an admin nowhere, least of all in Bravo.
    assert "Only admins" in _text(bravo.slash_command(ALPHA_LEAD, "target nps 99"))
    assert "Only admins" in _text(alpha.slash_command(ALPHA_LEAD, "target nps 99"))
    assert _targets(engine) == set()

    # Alpha's own admin makes them an admin of Alpha, and of Alpha only.
    added = alpha.slash_command(ALPHA.staff, f"admin add <@{ALPHA_LEAD}|alpha-lead>")
    assert "can now run the admin subcommands" in _text(added)
    assert "Target set" in _text(alpha.slash_command(ALPHA_LEAD, "target nps 50"))
    assert "Only admins" in _text(bravo.slash_command(ALPHA_LEAD, "target nps 99"))
    assert _targets(engine) == {(ALPHA.team_id, 50.0)}

    # An added admin cannot add others; Bravo's admin cannot add someone Bravo does not have.
    owners_only = alpha.slash_command(ALPHA_LEAD, f"admin add <@{ALPHA.customers[0]}>")
    assert "Only this workspace's admins and owners" in _text(owners_only)
    stranger = bravo.slash_command(BRAVO.staff, f"admin add {ALPHA_LEAD}")
    assert "not an active member of this workspace" in _text(stranger)
    with Session(engine) as session:
        listed = {(r.team_id, r.user_id, r.added_by)
                  for r in session.exec(select(WorkspaceAdmin)).all()}
    assert listed == {(ALPHA.team_id, ALPHA_LEAD, ALPHA.staff)}
    assert f"<@{ALPHA_LEAD}>" in _text(alpha.slash_command(ALPHA.staff, "admin list"))
    assert "nobody added here" in _text(bravo.slash_command(BRAVO.staff, "admin list"))

    alpha.slash_command(ALPHA.staff, f"admin remove {ALPHA_LEAD}")
    assert "Only admins" in _text(alpha.slash_command(ALPHA_LEAD, "target nps 70"))
    assert _targets(engine) == {(ALPHA.team_id, 50.0)}


def test_each_workspaces_detractors_are_alerted_in_the_channel_it_chose(
    installed: OAuthBot, sandbox: SlackSandbox, engine: Engine
) -> None:
    alpha, bravo = installed.slack[ALPHA.team_id], installed.slack[BRAVO.team_id]
    for team in TEAMS:
        _send_pulse(installed, team, f"pulse-{team.team_id}")

    # ALERT_CHANNEL_ID is Alpha's channel: it counts for no workspace, Bravo least of all.
    click_score(sandbox, bravo, BRAVO.customers[0], 1)
    assert _follow_ups(engine, BRAVO) == []
    assert sandbox.messages(ALPHA_ALERTS) == []

    chosen = alpha.slash_command(ALPHA.staff, f"set alerts <#{ALPHA_ALERTS}|alpha-alerts>")
    assert f"now go to <#{ALPHA_ALERTS}>" in _text(chosen)
    for text, refusal in ((f"set alerts {ALPHA_ALERTS}", "can't see channel"),
                          (f"set alerts <#{BRAVO_QUIET}|quiet>", "The app is not in"),
                          ("set alerts #bravo-alerts", "Slack sent that channel as plain text")):
        assert refusal in str(bravo.slash_command(BRAVO.staff, text).json()), text
    assert "Only admins" in _text(bravo.slash_command(BRAVO.customers[1],
                                                      f"set alerts {BRAVO_ALERTS}"))
    assert "now go to" in _text(bravo.slash_command(BRAVO.staff, f"set alerts {BRAVO_ALERTS}"))

    click_score(sandbox, alpha, ALPHA.customers[0], 2)
    click_score(sandbox, bravo, BRAVO.customers[1], 3)
    wait_until(lambda: bool(sandbox.messages(ALPHA_ALERTS) and sandbox.messages(BRAVO_ALERTS)))
    [alpha_alert] = sandbox.messages(ALPHA_ALERTS)
    [bravo_alert] = sandbox.messages(BRAVO_ALERTS)
    assert alpha_alert["team"] == ALPHA.team_id  # posted with Alpha's own token
    assert bravo_alert["team"] == BRAVO.team_id
    assert f"<@{ALPHA.customers[0]}>" in str(alpha_alert["blocks"])
    assert f"<@{BRAVO.customers[1]}>" in str(bravo_alert["blocks"])
    assert "U0BR" not in str(alpha_alert["blocks"])
    assert "U0AL" not in str(bravo_alert["blocks"])

    assert "alerts are off" in _text(bravo.slash_command(BRAVO.staff, "set alerts off"))
    click_score(sandbox, bravo, BRAVO.customers[2], 0)
    assert len(_follow_ups(engine, BRAVO)) == 1  # the one raised before: none since
    assert len(sandbox.messages(BRAVO_ALERTS)) == 1
