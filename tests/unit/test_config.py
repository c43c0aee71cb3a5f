from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.core.config import ConfigError, load_settings
from bot.core.logs import RedactSecrets

TOKEN = "xoxb-1234-5678-abcdefSECRET"
# Fernet keys: 32 url-safe base64-encoded bytes.
KEY = "U0VDUkVULWtleS1vbmUtMDEyMzQ1Njc4OWFiY2RlZmc="
OLD_KEY = "U0VDUkVULWtleS10d28tMDEyMzQ1Njc4OWFiY2RlZmc="


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL",
                 "DATABASE_URL", "PORT", "LOG_LEVEL", "ADMIN_USER_IDS", "SLACK_CLIENT_ID",
                 "SLACK_CLIENT_SECRET", "SLACK_SCOPES", "SLACK_REDIRECT_URI",
                 "TOKEN_ENCRYPTION_KEYS"):
        monkeypatch.delenv(name, raising=False)


def test_defaults_need_no_configuration() -> None:
    settings = load_settings(env_file=None)
    assert settings.database_url == "sqlite:///engagement.db"
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.port == 3000


def test_reads_the_environment_and_a_dotenv_file(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    env = tmp_path / ".env"
    env.write_text(f"SLACK_BOT_TOKEN={TOKEN}\nPORT=8080\nADMIN_USER_IDS=U01,W02\n")
    monkeypatch.setenv("DATABASE_URL", "postgres://bot@db/engagement")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9999/api")

    settings = load_settings(env_file=env)

    assert settings.slack_bot_token is not None
    assert settings.slack_bot_token.get_secret_value() == TOKEN
    assert settings.port == 8080
    assert settings.admin_user_ids == ["U01", "W02"]
    assert settings.database_url == "postgresql+psycopg://bot@db/engagement"
    assert settings.slack_api_url == "http://127.0.0.1:9999/api/"


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("PORT", "eighty", "PORT"),
        ("PORT", "70000", "PORT"),
        ("SLACK_BOT_TOKEN", "xoxp-user-token-SECRET", "SLACK_BOT_TOKEN"),
        ("SLACK_APP_TOKEN", "xoxb-wrong-SECRET", "SLACK_APP_TOKEN"),
        ("SLACK_API_URL", "slack.com", "SLACK_API_URL"),
        ("DATABASE_URL", "mysql://x", "DATABASE_URL"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL"),
        ("ADMIN_USER_IDS", "alice", "ADMIN_USER_IDS"),
        ("TOKEN_ENCRYPTION_KEYS", f"{KEY},not-a-key-SECRET", "TOKEN_ENCRYPTION_KEYS: key 2"),
    ],
)
def test_a_malformed_value_names_the_variable_and_never_echoes_it(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, named: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as raised:
        load_settings(env_file=None)
    assert str(raised.value).startswith(named)
    assert "SECRET" not in str(raised.value)
    assert "\n" not in str(raised.value)


def test_missing_slack_credentials_are_named() -> None:
    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET"):
        load_settings(env_file=None).require_slack()


def test_secrets_never_reach_the_log(caplog: pytest.LogCaptureFixture) -> None:
    secret = "signing-secret-value-123"
    logger = logging.getLogger("test.redaction")
    logger.addFilter(RedactSecrets([secret, TOKEN]))
    with caplog.at_level(logging.INFO, logger="test.redaction"):
        logger.info("token %s and secret %s and stranger xapp-1-A0-999-zzz", TOKEN, secret)
        try:
            raise RuntimeError(f"Slack said no to {TOKEN}")
        except RuntimeError:
            logger.exception("call failed")
    text = caplog.text
    assert TOKEN not in text
    assert secret not in text
    assert "xapp-1-A0" not in text
    assert text.count("[redacted]") >= 4


@pytest.mark.parametrize(("value", "days"), [("", None), ("90", 90)])
def test_comment_retention_is_optional(
    monkeypatch: pytest.MonkeyPatch, value: str, days: int | None
) -> None:
    monkeypatch.setenv("COMMENT_RETENTION_DAYS", value)
    assert load_settings(env_file=None).comment_retention_days == days


@pytest.mark.parametrize("value", ["0", "-5", "forever"])
def test_a_bad_retention_period_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("COMMENT_RETENTION_DAYS", value)
    with pytest.raises(ConfigError, match=r"^COMMENT_RETENTION_DAYS: "):
        load_settings(env_file=None)


def test_oauth_mode_needs_client_id_and_secret_and_asks_for_the_manifests_scopes() -> None:
    settings = load_settings(env_file=None, slack_client_id="123.456",
                             slack_client_secret="SECRETvalue", slack_scopes="",
                             token_encryption_keys=KEY)

    assert settings.oauth_enabled
    assert "chat:write" in settings.slack_scopes
    assert "SECRETvalue" in settings.secrets()  # redacted from logs like the tokens
    assert not load_settings(env_file=None, slack_bot_token=TOKEN).oauth_enabled


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"slack_client_id": "123.456"}, "SLACK_CLIENT_SECRET must be set too"),
        ({"slack_client_secret": "SECRETvalue"}, "SLACK_CLIENT_ID must be set too"),
        ({"slack_client_id": "123.456", "slack_client_secret": "SECRETvalue",
          "slack_bot_token": TOKEN}, "not both"),
        ({"slack_client_id": "123.456", "slack_client_secret": "SECRETvalue",
          "slack_app_token": "xapp-1-SECRET"}, "unset SLACK_APP_TOKEN"),
        ({"slack_scopes": "chat:write,<bad>"}, "SLACK_SCOPES"),
        ({"slack_redirect_uri": "not a url"}, "SLACK_REDIRECT_URI"),
        ({"slack_client_id": "123.456", "slack_client_secret": "SECRETvalue"},
         "TOKEN_ENCRYPTION_KEYS must be set for OAuth installs"),
    ],
)
def test_a_half_configured_oauth_setup_says_what_to_change(
    overrides: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError, match=message) as raised:
        load_settings(env_file=None, **overrides)
    assert "SECRET" not in str(raised.value).replace("SLACK_CLIENT_SECRET", "")


def test_oauth_mode_asks_commands_for_a_workspace_instead_of_a_bot_token() -> None:
    settings = load_settings(env_file=None, slack_client_id="123.456",
                             slack_client_secret="SECRETvalue", slack_signing_secret="s",
                             token_encryption_keys=KEY)

    with pytest.raises(ConfigError, match="--team"):
        settings.require_slack()
    assert settings.require_signing_secret() == "s"


def test_token_keys_are_comma_separated_the_first_encrypts_and_all_are_redacted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TOKEN_ENCRYPTION_KEYS", f" {KEY} , {OLD_KEY} ")
    settings = load_settings(env_file=None)

    assert settings.token_keys() == [KEY, OLD_KEY]
    assert {KEY, OLD_KEY} <= set(settings.secrets())
    assert KEY not in repr(settings)
