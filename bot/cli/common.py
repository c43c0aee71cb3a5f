"""What every command needs: settings read once, services, a Slack client, plain failures."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from slack_sdk import WebClient
from sqlmodel import Session

from bot.config import ConfigError, Settings, load_settings
from bot.errors import UserFacingError
from bot.logs import configure_logging
from bot.pulses.definition import identify_workspace
from bot.services import Services, create_services, create_web_client
from storage.migrate import SchemaOutOfDate, ensure_current
from storage.pulses import list_workspaces


class CliFailure(Exception):
    """Printed as one line by main(); exit status 2."""


def settings_or_fail() -> Settings:
    try:
        settings = load_settings()
    except ConfigError as exc:
        raise CliFailure(str(exc)) from None
    configure_logging(settings.log_level, settings.secrets())
    return settings


def services_or_fail(settings: Settings, *, check_schema: bool = True) -> Services:
    services = create_services(settings)
    if check_schema:
        try:
            ensure_current(services.engine)
        except SchemaOutOfDate as exc:
            raise CliFailure(str(exc)) from None
    return services


def slack_client_or_fail(settings: Settings) -> WebClient:
    try:
        return create_web_client(settings)
    except ConfigError as exc:
        raise CliFailure(str(exc)) from None


@contextmanager
def user_errors() -> Iterator[None]:
    """Domain errors become one CLI line."""
    try:
        yield
    except UserFacingError as exc:
        raise CliFailure(str(exc)) from None


@dataclass(frozen=True)
class InWorkspace:
    """What a command acting in the bot token's workspace needs."""

    settings: Settings
    client: WebClient
    services: Services
    team_id: str


def in_workspace() -> InWorkspace:
    """Settings, Slack client, services and the token's workspace, or one line saying why not."""
    settings = settings_or_fail()
    client = slack_client_or_fail(settings)
    services = services_or_fail(settings)
    with user_errors():
        team = identify_workspace(client)
    return InWorkspace(settings, client, services, team.team_id)


def team_or_fail(session: Session, team: str | None) -> str:
    """The workspace a command acts on: --team, or the only one there is."""
    team_ids = [w.team_id for w in list_workspaces(session=session)]
    if team is not None:
        if team not in team_ids:
            known = ", ".join(team_ids) or "none"
            raise CliFailure(f"No workspace {team[:32]!r} here (known: {known})")
        return team
    if len(team_ids) > 1:
        raise CliFailure(f"Several workspaces: pick one with --team ({', '.join(team_ids)})")
    if not team_ids:
        raise CliFailure("No workspace yet: nothing has been stored")
    return team_ids[0]
