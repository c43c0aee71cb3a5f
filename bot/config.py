"""Settings, read once from the environment and `.env`, then passed down explicitly."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict, SettingsError

DEFAULT_DATABASE_URL = "sqlite:///engagement.db"
SLACK_API_URL = "https://slack.com/api/"
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")


class ConfigError(Exception):
    """A missing or malformed setting; the message names the variable and is safe to print."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = SLACK_API_URL
    database_url: str = DEFAULT_DATABASE_URL
    port: int = Field(default=3000, ge=1, le=65535)
    # chat.postMessage calls a second across this workspace (Slack allows about one a second
    # per channel with bursts, and throttles a workspace's total beyond that).
    slack_post_rate: float = Field(default=20.0, gt=0, le=1000)
    # How long a claimed delivery may stay unconfirmed before it counts as abandoned; longer
    # than one send can take with all its retries, so a live sender is never second-guessed.
    delivery_lease_seconds: int = Field(default=300, ge=0, le=86400)
    # Breakdowns with fewer respondents than this are hidden, so no answer points at a person.
    anonymity_minimum: int = Field(default=5, ge=3, le=1000)
    # Comment text older than this many days is blanked (scores and sentiment stay); None keeps
    # comments forever. Enforced by the scheduler leader's periodic maintenance.
    comment_retention_days: int | None = Field(default=None, ge=1, le=36500)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # Staff who may run admin subcommands; Slack workspace admins and owners always may.
    # Comma-separated in the environment, not JSON: NoDecode leaves the splitting to us.
    admin_user_ids: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Where detractors and strongly negative comments are raised for follow-up; unset = no alerts.
    alert_channel_id: str | None = None
    # An open follow-up nobody has acted on for this long reminds its owner (or the channel).
    follow_up_reminder_days: int = Field(default=2, ge=1, le=365)

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xoxb-"):
            raise ValueError("must be a bot token starting with xoxb-")
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value():
            return None
        if value is not None and not value.get_secret_value().startswith("xapp-"):
            raise ValueError("must be an app-level token starting with xapp-")
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url_shape(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError("must be an http(s) URL such as https://slack.com/api/")
        # slack_sdk appends method names directly, so the trailing slash matters.
        return value if value.endswith("/") else value + "/"

    @field_validator("database_url")
    @classmethod
    def _database_url_shape(cls, value: str) -> str:
        if value.startswith("postgres://"):
            value = "postgresql://" + value.removeprefix("postgres://")
        if value.startswith("postgresql://"):
            # psycopg 3 is the driver we ship; SQLAlchemy would otherwise look for psycopg2.
            value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
        if not value.startswith(("sqlite:", "postgresql+psycopg:")):
            raise ValueError("must be a sqlite:/// or postgresql:// URL")
        return value

    @field_validator("alert_channel_id")
    @classmethod
    def _alert_channel_shape(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            return None
        if value is not None and not _CHANNEL_ID.match(value.strip()):
            raise ValueError("must be a Slack channel ID such as C0123ABCD")
        return None if value is None else value.strip()

    @field_validator("comment_retention_days", mode="before")
    @classmethod
    def _blank_retention_is_forever(cls, value: object) -> object:
        # `COMMENT_RETENTION_DAYS=` in a .env file means "not set", not a malformed number.
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("admin_user_ids", mode="before")
    @classmethod
    def _split_admins(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("admin_user_ids")
    @classmethod
    def _admin_ids_shape(cls, value: list[str]) -> list[str]:
        bad = [item for item in value if not _USER_ID.match(item)]
        if bad:
            raise ValueError(f"not Slack user IDs: {', '.join(bad)}")
        return value

    def require_slack(self) -> tuple[str, str]:
        """The bot token and signing secret, or a ConfigError naming what is missing."""
        missing = [
            name
            for name, value in (
                ("SLACK_BOT_TOKEN", self.slack_bot_token),
                ("SLACK_SIGNING_SECRET", self.slack_signing_secret),
            )
            if value is None or not value.get_secret_value()
        ]
        if missing:
            raise ConfigError(
                f"{' and '.join(missing)} must be set (see .env.example) to talk to Slack"
            )
        assert self.slack_bot_token is not None
        assert self.slack_signing_secret is not None
        return (
            self.slack_bot_token.get_secret_value(),
            self.slack_signing_secret.get_secret_value(),
        )

    def secrets(self) -> list[str]:
        """Every secret value set, for the log redaction filter."""
        return [
            secret.get_secret_value()
            for secret in (self.slack_bot_token, self.slack_signing_secret, self.slack_app_token)
            if secret is not None and secret.get_secret_value()
        ]


def load_settings(env_file: Path | None = Path(".env"), **overrides: object) -> Settings:
    """Read settings once; a bad value becomes one ConfigError line naming the variable."""
    try:
        settings_class: Any = Settings  # pydantic-settings' init keywords are not in its stubs
        return settings_class(_env_file=env_file, **overrides)  # type: ignore[no-any-return]
    except ValidationError as exc:
        first = exc.errors()[0]
        variable = str(first["loc"][0]).upper() if first["loc"] else "setting"
        # Never echo the rejected value: it may be a token pasted into the wrong variable.
        raise ConfigError(f"{variable}: {first['msg']}") from None
    except SettingsError as exc:
        # Its message names the field ('error parsing value for field "port" ...') but no value.
        field = str(exc).split('"')[1] if '"' in str(exc) else "setting"
        raise ConfigError(f"{field.upper()}: could not be read") from None
