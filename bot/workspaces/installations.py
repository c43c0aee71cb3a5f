"""Several workspaces: Bolt's OAuth install flow on slack-sdk's SQLAlchemy stores, in our database.

Each workspace installs through /slack/install; its bot token lands in `slack_installations`
and `slack_bots` (created by migration 0018, never by create_tables() at run time), encrypted
with TOKEN_ENCRYPTION_KEYS (`token_encryption`). Requests
are authorized by Bolt from that store; the background worker and the CLI ask `client_for()`
for a workspace's client, which refreshes a rotating token that is close to expiry first.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import sqlalchemy as sa
from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackTokenRotationError
from slack_sdk.oauth.installation_store import Installation, InstallationStore
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

from bot.core.config import Settings
from bot.core.errors import UserFacingError
from bot.core.services import Services
from bot.slack.client import token_client
from bot.workspaces.token_encryption import EncryptedInstallationStore, token_cipher
from bot.workspaces.token_rotation import SharedTokenRotator

logger = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
# An install started must be finished within this long: the state is single-use and expires.
STATE_EXPIRATION_SECONDS = 600


def installation_store(services: Services) -> SQLAlchemyInstallationStore:
    """slack-sdk's store on our tables, with the tokens encrypted at rest."""
    client_id, _ = services.settings.require_oauth()
    return EncryptedInstallationStore(
        client_id=client_id, engine=services.engine, cipher=token_cipher(services),
        logger=logging.getLogger("bot.installs"),
    )


def state_store(services: Services) -> SQLAlchemyOAuthStateStore:
    return SQLAlchemyOAuthStateStore(
        expiration_seconds=STATE_EXPIRATION_SECONDS,
        engine=services.engine,
        logger=logging.getLogger("bot.installs"),
    )


def authorize_url(settings: Settings) -> str:
    """Slack's authorize page beside its Web API: https://slack.com/oauth/v2/authorize for
    https://slack.com/api/, and the sandbox's own page when SLACK_API_URL points at it."""
    return settings.slack_api_url.removesuffix("/").removesuffix("/api") + "/oauth/v2/authorize"


def oauth_settings(services: Services, client: WebClient) -> OAuthSettings:
    """Bolt's OAuth settings on our stores; `client` (token-less, on SLACK_API_URL) is the one
    token rotation calls oauth.v2.access with."""
    settings = services.settings
    client_id, client_secret = settings.require_oauth()
    oauth = OAuthSettings(
        client_id=client_id,
        client_secret=client_secret,
        scopes=settings.slack_scopes,
        user_scopes=[],
        redirect_uri=settings.slack_redirect_uri,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        authorization_url=authorize_url(settings),
        installation_store=installation_store(services),
        state_store=state_store(services),
        state_expiration_seconds=STATE_EXPIRATION_SECONDS,
        token_rotation_expiration_minutes=settings.slack_token_rotation_minutes,
        logger=logging.getLogger("bot.installs"),
    )
    # OAuthSettings builds its authorizer without a client, so its token rotation would call
    # slack.com whatever SLACK_API_URL says (a proxy, the sandbox); the same one, with ours,
    # refreshing a token once however many requests and replicas find it expiring.
    authorize = InstallationStoreAuthorize(
        logger=logging.getLogger("bot.installs"),
        client_id=client_id,
        client_secret=client_secret,
        token_rotation_expiration_minutes=settings.slack_token_rotation_minutes,
        installation_store=oauth.installation_store,
        bot_only=oauth.installation_store_bot_only,
        user_token_resolution=oauth.user_token_resolution,
        client=client,
    )
    authorize.token_rotator = _rotator(services, oauth.installation_store, client)
    oauth.authorize = authorize
    return oauth


def _rotator(services: Services, store: InstallationStore,
             client: WebClient) -> SharedTokenRotator:
    client_id, client_secret = services.settings.require_oauth()
    return SharedTokenRotator(services, store, client_id=client_id,
                              client_secret=client_secret, client=client)


@dataclass(frozen=True)
class InstalledTeam:
    """A workspace with the bot installed, and the Enterprise Grid org it belongs to (None for a
    stand-alone workspace). The store keys an installation by both: a Grid workspace's is found
    only with its enterprise id."""

    team_id: str
    enterprise_id: str | None


def installed_teams(services: Services) -> list[InstalledTeam]:
    """Workspaces with a bot installed now (uninstalled ones are deleted from the store), each
    with the enterprise id of its latest install: a workspace moved into a Grid org is
    reinstalled there, and its newest row says where it is now."""
    store = installation_store(services)
    bots = store.bots.c
    with services.engine.connect() as connection:
        rows = connection.execute(
            sa.select(bots.team_id, bots.enterprise_id)
            .where(bots.client_id == store.client_id, bots.team_id.is_not(None),
                   bots.bot_token.is_not(None))
            .order_by(bots.team_id, bots.installed_at.desc(), bots.id.desc())
        ).all()
    latest: dict[str, InstalledTeam] = {}
    for team_id, enterprise_id in rows:
        latest.setdefault(str(team_id), InstalledTeam(
            str(team_id), None if enterprise_id is None else str(enterprise_id)))
    return list(latest.values())


def installed_team_ids(services: Services) -> list[str]:
    return [team.team_id for team in installed_teams(services)]


def installed_team(services: Services, team_id: str) -> InstalledTeam | None:
    return next((team for team in installed_teams(services) if team.team_id == team_id), None)


@dataclass(frozen=True)
class WorkspaceClient:
    """A Web API client and the workspace it speaks for. team_id None: the one workspace of
    SLACK_BOT_TOKEN, to which every stored row belongs (bot-token mode, no filtering)."""

    team_id: str | None
    client: WebClient


def workspace_clients(services: Services, base: WebClient) -> list[WorkspaceClient]:
    """Who the background work speaks for: the bot token's workspace, or each installed one
    (a workspace that uninstalled the app has no installation, so nothing more is sent)."""
    if not services.settings.oauth_enabled:
        return [WorkspaceClient(None, base)]
    found = []
    for team in installed_teams(services):
        client = _installed_client(services, base, team)
        if client is not None:
            found.append(WorkspaceClient(team.team_id, client))
    return found


def client_for(services: Services, base: WebClient, team_id: str) -> WebClient | None:
    """A Web API client with `team_id`'s bot token, or None if the app is not installed there.

    A rotating token within SLACK_TOKEN_ROTATION_MINUTES of expiry is refreshed and saved
    first, as Bolt does before each request it authorizes.
    """
    team = installed_team(services, team_id)
    return None if team is None else _installed_client(services, base, team)


def _installed_client(
    services: Services, base: WebClient, team: InstalledTeam
) -> WebClient | None:
    store = installation_store(services)
    installation = store.find_installation(enterprise_id=team.enterprise_id,
                                           team_id=team.team_id)
    if installation is None or installation.bot_token is None:
        return None
    token = _current_token(services, store, base, installation)
    if token is None:
        return None
    return token_client(base, token)


def _current_token(
    services: Services,
    store: SQLAlchemyInstallationStore,
    base: WebClient,
    installation: Installation,
) -> str | None:
    rotator = _rotator(services, store, base)
    try:
        rotated = rotator.perform_token_rotation(
            installation=installation,
            minutes_before_expiration=services.settings.slack_token_rotation_minutes,
        )
    except SlackTokenRotationError as error:
        logger.warning("bot token of team %s could not be refreshed (%s); skipped for now",
                       installation.team_id, error.api_error.response.get("error"))
        return None
    # Refreshed and saved by the rotator (here or by whoever held the refresh before us).
    return installation.bot_token if rotated is None else rotated.bot_token


@dataclass(frozen=True)
class Workspace:
    team_id: str
    name: str


def identify_workspace(client: WebClient) -> Workspace:
    """The workspace the bot token belongs to (auth.test)."""
    try:
        answer = client.auth_test()
    except SlackApiError as exc:
        raise UserFacingError(
            f"Slack refused the bot token ({exc.response.get('error')}): check SLACK_BOT_TOKEN"
        ) from None
    return Workspace(team_id=str(answer["team_id"]), name=str(answer.get("team", "")))
