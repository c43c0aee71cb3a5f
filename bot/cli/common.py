"""What every command needs: settings read once, services, a Slack client, plain failures."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from slack_sdk import WebClient
    from sqlmodel import Session

    from bot.core.config import Settings
    from bot.core.services import Services


class CliFailure(Exception):
    """Printed as one line by main(); exit status 2."""


# The workspace a command acts in: with one bot token, its own; with OAuth, this one, or the
# only one installed.
Team = Annotated[
    str | None,
    typer.Option(help="Workspace (team) ID; default: the bot token's, or the only one installed"),
]


def settings_or_fail() -> Settings:
    from bot.core.config import ConfigError, load_settings
    from bot.core.logs import configure_logging

    try:
        settings = load_settings()
    except ConfigError as exc:
        raise CliFailure(str(exc)) from None
    configure_logging(settings.log_level, settings.secrets())
    return settings


def services_or_fail(settings: Settings, *, check_schema: bool = True) -> Services:
    from bot.core.services import create_services
    from storage.migrate import SchemaOutOfDate, ensure_current

    services = create_services(settings)
    if check_schema:
        try:
            ensure_current(services.engine)
        except SchemaOutOfDate as exc:
            raise CliFailure(str(exc)) from None
    return services


def slack_client_or_fail(settings: Settings) -> WebClient:
    """The Web API client. A command's failed call ends as one line (bot.cli.failures), so
    slack_sdk's line per attempt stays out of the terminal unless LOG_LEVEL=DEBUG (`run` lets
    them through again once it serves: see log_slack_calls)."""
    import logging

    from bot.core.config import ConfigError
    from bot.slack.client import create_web_client

    if settings.log_level != "DEBUG":
        logging.getLogger("slack_sdk").setLevel(logging.CRITICAL)
    try:
        return create_web_client(settings)
    except ConfigError as exc:
        raise CliFailure(str(exc)) from None


def log_slack_calls() -> None:
    """A server logs every failed Slack call, as slack_sdk does by default."""
    import logging

    logging.getLogger("slack_sdk").setLevel(logging.NOTSET)


@contextmanager
def user_errors() -> Iterator[None]:
    """Domain errors become one CLI line."""
    from bot.core.errors import UserFacingError

    try:
        yield
    except UserFacingError as exc:
        raise CliFailure(str(exc)) from None


@dataclass(frozen=True)
class InWorkspace:
    """What a command acting in one workspace needs: its client speaks with its bot token."""

    settings: Settings
    client: WebClient
    services: Services
    team_id: str


def in_workspace(team: str | None = None) -> InWorkspace:
    """Settings, Slack client, services and the workspace, or one line saying why not.

    With one bot token: its workspace (`team`, if given, must be it). With OAuth: `team`, or
    the only installed workspace, and a client with its bot token (refreshed if it rotates).
    """
    from bot.workspaces.installations import client_for, identify_workspace

    settings = settings_or_fail()
    if not settings.oauth_enabled:
        client = slack_client_or_fail(settings)
        services = services_or_fail(settings)
        with user_errors():
            found = identify_workspace(client).team_id
        if team is not None and team != found:
            raise CliFailure(f"SLACK_BOT_TOKEN belongs to workspace {found}, not {team[:32]!r}")
        return InWorkspace(settings, client, services, found)
    services = services_or_fail(settings)
    team_id = installed_team_or_fail(services, team)
    installed = client_for(services, slack_client_or_fail(settings), team_id)
    if installed is None:
        raise CliFailure(f"The bot token of workspace {team_id} could not be refreshed; "
                         "see the log, or reinstall the app there")
    return InWorkspace(settings, installed, services, team_id)


@dataclass(frozen=True)
class Importing:
    """Where an import writes, and the Slack client e-mails are looked up with (None when only
    the database is configured: rows name customers by Slack user ID or account)."""

    services: Services
    client: WebClient | None
    team_id: str


def importing_into(team: str | None) -> Importing:
    """With Slack configured, the workspace as every command finds it (in_workspace); with only
    DATABASE_URL, a stored workspace, and no Slack asked at all."""
    settings = settings_or_fail()
    if settings.slack_bot_token is not None or settings.oauth_enabled:
        here = in_workspace(team)
        return Importing(here.services, here.client, here.team_id)
    services, team_id = stored_workspace(team)
    if team_id is None:
        raise CliFailure("No workspace stored yet: set SLACK_BOT_TOKEN to import into the bot "
                         "token's workspace")
    return Importing(services, None, team_id)


def stored_workspace(team: str | None) -> tuple[Services, str | None]:
    """Services and the workspace, from the database alone: for commands that only read what
    is stored, so they work with just DATABASE_URL, and while Slack is unreachable. None when
    nothing is stored yet and no --team was named: there is nothing to read."""
    from storage.engine import session_scope
    from storage.workspaces import list_workspaces

    services = services_or_fail(settings_or_fail())
    with session_scope(services.engine) as session:
        if team is None and not list_workspaces(session=session):
            return services, None
        return services, team_or_fail(session, team)


def installed_team_or_fail(services: Services, team: str | None) -> str:
    """OAuth mode: `team` if the app is installed there, or the only installed workspace."""
    from bot.workspaces.installations import installed_team_ids

    return _one_team(
        team, installed_team_ids(services),
        unknown="The app is not installed in {team} (installed: {known})",
        known_if_none="none yet: install it at /slack/install",
        none="No workspace has installed the app yet: open /slack/install",
    )


def team_or_fail(session: Session, team: str | None) -> str:
    """The workspace a command acts on: --team, or the only one there is."""
    from storage.workspaces import list_workspaces

    return _one_team(
        team, [w.team_id for w in list_workspaces(session=session)],
        unknown="No workspace {team} here (known: {known})",
        known_if_none="none",
        none="No workspace yet: nothing has been stored",
    )


def _one_team(
    team: str | None, team_ids: list[str], *, unknown: str, known_if_none: str, none: str
) -> str:
    if team is not None:
        if team not in team_ids:
            known = ", ".join(team_ids) or known_if_none
            raise CliFailure(unknown.format(team=repr(team[:32]), known=known))
        return team
    if len(team_ids) > 1:
        raise CliFailure(f"Several workspaces: pick one with --team ({', '.join(team_ids)})")
    if not team_ids:
        raise CliFailure(none)
    return team_ids[0]
