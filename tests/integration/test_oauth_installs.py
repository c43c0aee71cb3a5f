"""Several workspaces through Bolt's OAuth install flow, on both databases, over real HTTP.

Two workspaces install the app through the sandbox's authorize page; each one's answers,
figures and settings stay its own; a forged install is refused; an uninstall removes the
installation; a rotating token is refreshed before it expires and calls keep working.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.app import create_app
from bot.config import Settings, load_settings
from bot.installations import REDIRECT_PATH, client_for, installation_store, installed_team_ids
from bot.pulses.definition import define_pulse
from bot.pulses.dispatch import deliver_due
from bot.pulses.waves import manual_wave_time, open_pulse_wave
from bot.sandbox.browser import approve, get, start_install, with_state
from bot.sandbox.client import SignedSlackClient
from bot.sandbox.slack_api import SlackSandbox
from bot.server import EVENTS_PATH, create_asgi_app, serve_in_background
from bot.services import Services, create_web_client
from storage.models import Metric, Target
from storage.oauth_tables import installations
from tests.conftest import SIGNING_SECRET, FakeClock
from tests.integration.helpers import click_score, comment

CLIENT_ID = "1234567890.0987654321"
CLIENT_SECRET = "sandbox-oauth-client-secret"
HOME_OPENED = {"type": "app_home_opened", "tab": "home", "channel": "D0HOME"}


@dataclass(frozen=True)
class Team:
    team_id: str
    staff: str
    customers: tuple[str, ...]


ALPHA = Team("T0ALPHA", "U0ALSTAFF", tuple(f"U0AL{n}" for n in range(1, 6)))
BRAVO = Team("T0BRAVO", "U0BRSTAFF", tuple(f"U0BR{n}" for n in range(1, 6)))


@dataclass(frozen=True)
class Installed:
    services: Services
    slack: dict[str, SignedSlackClient]  # by team id: requests from that workspace


@pytest.fixture
def oauth_settings(sandbox: SlackSandbox, database_url: str) -> Settings:
    return load_settings(
        env_file=None,
        slack_bot_token=None,
        slack_signing_secret=SIGNING_SECRET,
        slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET,
        slack_app_token=None,
        slack_api_url=sandbox.api_url,
        database_url=database_url,
    )


@pytest.fixture
def oauth_bot(
    oauth_settings: Settings, engine: Engine, clock: FakeClock, sandbox: SlackSandbox
) -> Iterator[Installed]:
    """The bot in OAuth mode, serving HTTP; two workspaces known to Slack, none installed."""
    services = Services(settings=oauth_settings, engine=engine, clock=clock)
    app = create_app(services, create_web_client(oauth_settings))
    for number, team in enumerate((ALPHA, BRAVO)):
        sandbox.add_team(team.team_id, name=f"Team {team.team_id[2:]}",
                         bot_user_id=f"U0BOT{number}", installer=team.staff)
        sandbox.add_user(team.staff, name=f"staff-{number}", team_id=team.team_id,
                         is_admin=True)
        for user_id in team.customers:
            sandbox.add_user(user_id, name=user_id.lower(), team_id=team.team_id)
    with serve_in_background(create_asgi_app(app, engine)) as base_url:
        sandbox.register_app(client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                             redirect_url=base_url + REDIRECT_PATH)
        yield Installed(services, {
            team.team_id: SignedSlackClient(bot_url=base_url + EVENTS_PATH,
                                            signing_secret=SIGNING_SECRET, sandbox=sandbox,
                                            team_id=team.team_id)
            for team in (ALPHA, BRAVO)
        })


def _send_pulse(bot: Installed, team: Team, name: str) -> None:
    """Define a pulse in `team` and deliver one wave with that workspace's own token."""
    services = bot.services
    client = client_for(services, create_web_client(services.settings), team.team_id)
    assert client is not None
    define_pulse(services, client, name=name, metric=Metric.NPS, user_ids=list(team.customers))
    wave = open_pulse_wave(services, name=name, team_id=team.team_id,
                           scheduled_for=manual_wave_time(services.clock()))
    deliver_due(services, client, wave_id=wave.wave_id)


def test_two_workspaces_install_and_each_sees_only_its_own(
    oauth_bot: Installed, sandbox: SlackSandbox, engine: Engine
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
    [home] = sandbox.wait_for("views.publish")
    assert home.team_id == BRAVO.team_id
    assert "alpha-pulse" not in str(home.args["view"])
    assert "onboarding" not in str(home.args["view"])

    # A setting made from Bravo lands in Bravo only.
    assert "Target set" in bravo.slash_command(BRAVO.staff, "target nps 50").json()["text"]
    with Session(engine) as session:
        targets = [row.team_id for row in session.exec(select(Target)).all()]
    assert targets == [BRAVO.team_id]


def test_a_forged_or_replayed_state_is_refused_and_installs_nothing(
    oauth_bot: Installed, engine: Engine
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
