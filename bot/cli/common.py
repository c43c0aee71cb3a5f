"""What every command needs: settings read once, services, a Slack client, plain failures."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from slack_sdk import WebClient

from bot.config import ConfigError, Settings, load_settings
from bot.errors import UserFacingError
from bot.logs import configure_logging
from bot.services import Services, create_services, create_web_client
from storage.migrate import SchemaOutOfDate, ensure_current


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
