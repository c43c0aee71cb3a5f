"""Settings, read once from the environment and `.env`, then passed down explicitly."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from cryptography.fernet import Fernet
from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict, SettingsError

from bot.core.ids import USER_ID

DEFAULT_DATABASE_URL = "sqlite:///engagement.db"
SLACK_API_URL = "https://slack.com/api/"
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")
_USERGROUP_ID = re.compile(r"^S[A-Z0-9]{2,}$")
# The bot scopes manifest.yml asks for; an OAuth install asks for the same unless SLACK_SCOPES
# says otherwise.
MANIFEST_BOT_SCOPES = (
    "channels:history", "channels:read", "chat:write", "commands", "files:write",
    "groups:history", "groups:read", "im:history", "im:write", "usergroups:read", "users:read",
    "users:read.email",
)


class ConfigError(Exception):
    """A missing or malformed setting; the message names the variable and is safe to print."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    # OAuth (several workspaces): set both and each workspace installs through /slack/install;
    # its bot token is then kept in the database instead of SLACK_BOT_TOKEN.
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    slack_scopes: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: list(MANIFEST_BOT_SCOPES)
    )
    # Only needed when the app has several redirect URLs; Slack uses the single one otherwise.
    slack_redirect_uri: str | None = None
    # With token rotation on, a bot token this close to expiry is refreshed before use.
    slack_token_rotation_minutes: int = Field(default=120, ge=1, le=720)
    # OAuth: Fernet keys the stored Slack tokens are encrypted with, comma-separated. The first
    # encrypts; every one decrypts, so a new key goes first and the old one stays until the
    # tokens are re-encrypted (docs/OPERATIONS.md).
    token_encryption_keys: Annotated[list[SecretStr], NoDecode] = Field(default_factory=list)
    slack_api_url: str = SLACK_API_URL
    database_url: str = DEFAULT_DATABASE_URL
    port: int = Field(default=3000, ge=1, le=65535)
    # `run` holds all its threads to this core (bot.core.cpu); None: the kernel places them.
    pin_to_cpu: int | None = Field(default=None, ge=0, le=4095)
    # chat.postMessage calls a second across this workspace, every replica together (Slack
    # allows about one a second per channel with bursts, and throttles a workspace's total
    # beyond that).
    slack_post_rate: float = Field(default=20.0, gt=0, le=1000)
    # How long a claimed delivery may stay unconfirmed before it counts as abandoned; longer
    # than one send can take with all its retries, so a live sender is never second-guessed.
    delivery_lease_seconds: int = Field(default=300, ge=0, le=86400)
    # Breakdowns with fewer respondents than this are hidden, so no answer points at a person.
    anonymity_minimum: int = Field(default=5, ge=3, le=1000)
    # Comment text older than this many days is blanked (scores and sentiment stay); None keeps
    # comments forever. Enforced by the scheduler leader's periodic maintenance.
    comment_retention_days: int | None = Field(default=None, ge=1, le=36500)
    # The engagement map, segments and themes cost a second or more at a million answers. One
    # that took longer than REPORT_SNAPSHOT_SLOW_MS to compute is kept, recomputed by the leader
    # every REPORT_SNAPSHOT_MINUTES while people read it, and answered from (saying "as of")
    # for up to twice that. 0 minutes: always computed live.
    report_snapshot_minutes: int = Field(default=5, ge=0, le=1440)
    report_snapshot_slow_ms: int = Field(default=200, ge=0, le=60000)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # The next three speak of one workspace, so they count only with SLACK_BOT_TOKEN; in OAuth
    # mode each workspace sets its own from Slack (`/engagement admin|set staff|set alerts`).
    # People who may run admin subcommands, beyond the workspace's Slack admins and owners.
    # Comma-separated in the environment, not JSON: NoDecode leaves the splitting to us.
    admin_user_ids: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # The user group (S…) whose members are staff: they see the figures and customers' words.
    staff_usergroup_id: str | None = None
    # Where detractors and strongly negative comments are raised for follow-up; unset = no alerts.
    alert_channel_id: str | None = None
    # An open follow-up nobody has acted on for this long reminds its owner (or the channel).
    follow_up_reminder_days: int = Field(default=2, ge=1, le=365)
    # Drift warnings compare the last DRIFT_PERIOD_DAYS with as many days before, and warn at
    # most once per segment and metric per period. 7 to 90: the range whose false-alarm share
    # benchmarks/sim_drift_false_alarms.py measured.
    drift_period_days: int = Field(default=30, ge=7, le=90)

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

    @field_validator("slack_client_id", "slack_redirect_uri", "pin_to_cpu", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("slack_client_secret")
    @classmethod
    def _blank_secret_is_unset(cls, value: SecretStr | None) -> SecretStr | None:
        return None if value is not None and not value.get_secret_value().strip() else value

    @field_validator("slack_scopes", mode="before")
    @classmethod
    def _split_scopes(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():  # `SLACK_SCOPES=`: the default
            return list(MANIFEST_BOT_SCOPES)
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("slack_scopes")
    @classmethod
    def _scopes_shape(cls, value: list[str]) -> list[str]:
        bad = [scope for scope in value if not re.match(r"^[a-z]+(?:[.:][a-z_.]+)*$", scope)]
        if bad:
            raise ValueError(f"not Slack scopes: {', '.join(s[:40] for s in bad)}")
        if not value:
            raise ValueError("must name at least one bot scope, e.g. chat:write,commands")
        return value

    @field_validator("token_encryption_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("token_encryption_keys")
    @classmethod
    def _keys_shape(cls, value: list[SecretStr]) -> list[SecretStr]:
        for number, key in enumerate(value, start=1):
            try:
                Fernet(key.get_secret_value())
            except ValueError:
                raise ValueError(
                    f"key {number} of {len(value)} is not a Fernet key (32 url-safe "
                    "base64-encoded bytes): make one with `python -m bot db new-token-key`"
                ) from None
        return value

    @field_validator("slack_redirect_uri")
    @classmethod
    def _redirect_shape(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^/\s]+/\S*$", value):
            raise ValueError("must be the full URL of /slack/oauth_redirect on this server")
        return value

    @model_validator(mode="after")
    def _one_way_to_slack(self) -> Settings:
        """Half an OAuth setup, or two ways at once, is refused with what to change."""
        has_id = self.slack_client_id is not None
        has_secret = self.slack_client_secret is not None
        if has_id != has_secret:
            missing = "SLACK_CLIENT_SECRET" if has_id else "SLACK_CLIENT_ID"
            raise ValueError(
                f"{missing} must be set too: OAuth (several workspaces) needs both "
                "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (Basic Information page)"
            )
        if has_id and self.slack_bot_token is not None:
            raise ValueError(
                "set SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID and "
                "SLACK_CLIENT_SECRET (OAuth, several workspaces), not both"
            )
        if has_id and self.slack_app_token is not None:
            raise ValueError(
                "OAuth installs need the HTTP pages /slack/install and /slack/oauth_redirect, "
                "which Socket Mode does not serve: unset SLACK_APP_TOKEN"
            )
        if has_id and has_secret and not self.token_encryption_keys:
            raise ValueError(
                "TOKEN_ENCRYPTION_KEYS must be set for OAuth installs: each workspace's bot "
                "token is stored encrypted with it. Make a key with "
                "`python -m bot db new-token-key` and keep it as secret as SLACK_CLIENT_SECRET"
            )
        return self

    @property
    def oauth_enabled(self) -> bool:
        """Several workspaces installing through OAuth, rather than one bot token."""
        return self.slack_client_id is not None and self.slack_client_secret is not None

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

    @field_validator("staff_usergroup_id")
    @classmethod
    def _staff_group_shape(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not _USERGROUP_ID.match(value.strip()):
            raise ValueError("must be a Slack user group ID such as S0123ABCD")
        return value.strip()

    # What the single-workspace settings say for a workspace: nothing in OAuth mode, where a
    # user or channel ID of one workspace would otherwise count in every other.
    @property
    def default_admin_user_ids(self) -> list[str]:
        return [] if self.oauth_enabled else self.admin_user_ids

    @property
    def default_staff_usergroup_id(self) -> str | None:
        return None if self.oauth_enabled else self.staff_usergroup_id

    @property
    def default_alert_channel_id(self) -> str | None:
        return None if self.oauth_enabled else self.alert_channel_id

    def ignored_in_oauth_mode(self) -> list[str]:
        """Single-workspace settings that are set but mean nothing with several workspaces."""
        if not self.oauth_enabled:
            return []
        return [name for name, value in (("ADMIN_USER_IDS", self.admin_user_ids),
                                         ("STAFF_USERGROUP_ID", self.staff_usergroup_id),
                                         ("ALERT_CHANNEL_ID", self.alert_channel_id))
                if value]

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
        bad = [item for item in value if not USER_ID.match(item)]
        if bad:
            raise ValueError(f"not Slack user IDs: {', '.join(bad)}")
        return value

    def require_slack(self) -> tuple[str, str]:
        """The bot token and signing secret, or a ConfigError naming what is missing."""
        if self.oauth_enabled:
            raise ConfigError(
                "this needs one workspace's bot token, and with SLACK_CLIENT_ID set each "
                "workspace's token is kept in the database: name the workspace with --team"
            )
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

    def require_signing_secret(self) -> str:
        """The signing secret, which both ways of connecting need, or a ConfigError."""
        if self.slack_signing_secret is None or not self.slack_signing_secret.get_secret_value():
            raise ConfigError(
                "SLACK_SIGNING_SECRET must be set (see .env.example) to talk to Slack"
            )
        return self.slack_signing_secret.get_secret_value()

    def require_oauth(self) -> tuple[str, str]:
        """The OAuth client id and secret, or a ConfigError saying this is bot-token mode."""
        if self.slack_client_id is None or self.slack_client_secret is None:
            raise ConfigError(
                "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET must be set for OAuth installs"
            )
        return self.slack_client_id, self.slack_client_secret.get_secret_value()

    def token_keys(self) -> list[str]:
        """TOKEN_ENCRYPTION_KEYS, the one that encrypts first."""
        return [key.get_secret_value() for key in self.token_encryption_keys]

    def secrets(self) -> list[str]:
        """Every secret value set, for the log redaction filter."""
        return [
            secret.get_secret_value()
            for secret in (self.slack_bot_token, self.slack_signing_secret, self.slack_app_token,
                           self.slack_client_secret, *self.token_encryption_keys)
            if secret is not None and secret.get_secret_value()
        ]


def load_settings(env_file: Path | None = Path(".env"), **overrides: object) -> Settings:
    """Read settings once; a bad value becomes one ConfigError line naming the variable."""
    try:
        settings_class: Any = Settings  # pydantic-settings' init keywords are not in its stubs
        return settings_class(_env_file=env_file, **overrides)  # type: ignore[no-any-return]
    except ValidationError as exc:
        first = exc.errors()[0]
        # Never echo the rejected value: it may be a token pasted into the wrong variable.
        if not first["loc"]:  # a check across settings: its message names the variables
            raise ConfigError(str(first["msg"]).removeprefix("Value error, ")) from None
        variable = str(first["loc"][0]).upper()
        message = str(first["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{variable}: {message}") from None
    except SettingsError as exc:
        # Its message names the field ('error parsing value for field "port" ...') but no value.
        field = str(exc).split('"')[1] if '"' in str(exc) else "setting"
        raise ConfigError(f"{field.upper()}: could not be read") from None
