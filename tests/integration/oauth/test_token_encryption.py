"""Slack tokens at rest: encrypted with TOKEN_ENCRYPTION_KEYS on every save (install, refresh),
read back plain by the bot, rotated to a new key without a stop, tokens stored before
encryption encrypted at start-up, and no token or key in any log line."""

from __future__ import annotations

import io
import logging
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken
from pydantic import SecretStr
from sqlalchemy import Engine

from bot.core.config import Settings
from bot.core.logs import RedactSecrets
from bot.core.services import Services
from bot.sandbox.slack_api import SlackSandbox
from bot.workspaces.installations import client_for
from bot.workspaces.token_encryption import UNREADABLE
from storage.oauth_tables import (
    BOT_TOKEN_COLUMNS,
    INSTALLATION_TOKEN_COLUMNS,
    bots,
    installations,
)
from tests.conftest import FakeClock
from tests.integration.oauth.workspaces import (
    ALPHA,
    BRAVO,
    CLIENT_SECRET,
    TEAMS,
    TOKEN_KEY,
    OAuthBot,
    cli_environment,
    run_cli,
)

TEN_MINUTES = 600  # inside the refresh margin: refreshed at next use
TWELVE_HOURS = 43200
NEW_KEY = "bmV3LWtleS1hZnRlci1yb3RhdGlvbi0wMTIzNDU2Nzg="


def _stored(engine: Engine) -> list[str]:
    """Every token value as the database holds it."""
    values: list[str] = []
    with engine.connect() as connection:
        for table, columns in ((installations, INSTALLATION_TOKEN_COLUMNS),
                               (bots, BOT_TOKEN_COLUMNS)):
            for row in connection.execute(sa.select(*(table.c[name] for name in columns))):
                values += [value for value in row if value is not None]
    return values


def _issued(sandbox: SlackSandbox) -> set[str]:
    """Every access and refresh token the sandbox's oauth.v2.access handed out."""
    answers = [call.response for call in sandbox.calls("oauth.v2.access")]
    return {answer[key] for answer in answers for key in ("access_token", "refresh_token")
            if key in answer}


def _opened_with(key: str, values: list[str]) -> set[str]:
    return {Fernet(key).decrypt(value.encode()).decode() for value in values}


def _with_keys(settings: Settings, *keys: str) -> Settings:
    return settings.model_copy(
        update={"token_encryption_keys": [SecretStr(key) for key in keys]})


@contextmanager
def _log_lines(settings: Settings) -> Iterator[io.StringIO]:
    """Every log record at DEBUG, through the redaction filter `configure_logging` installs."""
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    handler.addFilter(RedactSecrets(settings.secrets()))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield written
    finally:
        root.setLevel(level)
        root.removeHandler(handler)


def test_no_token_is_stored_or_logged_in_plain_text_after_an_install_or_a_refresh(
    oauth_bot: OAuthBot, sandbox: SlackSandbox, engine: Engine
) -> None:
    with _log_lines(oauth_bot.services.settings) as logged:
        sandbox.rotate_tokens(TEN_MINUTES)
        for team in TEAMS:
            assert oauth_bot.slack[team.team_id].install(team.team_id).status == 200
        installed = _stored(engine)
        sandbox.rotate_tokens(TWELVE_HOURS)
        # Alpha's token is refreshed by the background work, Bravo's by Bolt for a request.
        assert oauth_bot.client(ALPHA).auth_test()["team_id"] == ALPHA.team_id
        assert oauth_bot.slack[BRAVO.team_id].slash_command(BRAVO.staff, "").status == 200
        refreshed = _stored(engine)

    issued = _issued(sandbox)
    assert len(issued) == 8  # two installs and two refreshes, each an access and a refresh token
    assert len(installed) == 8  # bot and refresh token, per installation row and bot row
    for stored in (installed, refreshed):
        assert not any(value.startswith("xox") for value in stored)
        assert not any(token in value for token in issued for value in stored)
        assert _opened_with(TOKEN_KEY, stored) <= issued
    current = {token for team in TEAMS for token in sandbox.oauth.tokens_of(team.team_id)}
    assert current <= _opened_with(TOKEN_KEY, refreshed)
    assert logged.getvalue(), "nothing was logged: the capture is broken"
    for secret in (*issued, TOKEN_KEY, CLIENT_SECRET):
        assert secret not in logged.getvalue()


def test_a_new_key_first_reads_the_old_tokens_and_saves_under_the_new_one(
    oauth_bot: OAuthBot, sandbox: SlackSandbox, engine: Engine, clock: FakeClock,
    database_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    sandbox.rotate_tokens(TEN_MINUTES)
    for team in TEAMS:  # saved under the one key there is
        assert oauth_bot.slack[team.team_id].install(team.team_id).status == 200
    sandbox.rotate_tokens(TWELVE_HOURS)
    settings = oauth_bot.services.settings
    rotated = Services(settings=_with_keys(settings, NEW_KEY, TOKEN_KEY), engine=engine,
                       clock=clock)

    # The old key still opens Alpha's token; its refresh is saved under the new key.
    client = client_for(rotated, oauth_bot.base_client, ALPHA.team_id)
    assert client is not None
    assert client.auth_test()["team_id"] == ALPHA.team_id
    with engine.connect() as connection:
        alpha_stored = connection.execute(
            sa.select(bots.c.bot_token).where(bots.c.team_id == ALPHA.team_id)).scalar_one()
    assert _opened_with(NEW_KEY, [alpha_stored]) == set(sandbox.oauth.tokens_of(ALPHA.team_id))
    with pytest.raises(InvalidToken):
        Fernet(TOKEN_KEY).decrypt(alpha_stored.encode())

    # Bravo's are still under the old key until they are re-encrypted.
    moved = run_cli(sandbox, database_url, tmp_path, "db", "encrypt-tokens",
                    token_keys=f"{NEW_KEY},{TOKEN_KEY}")
    again = run_cli(sandbox, database_url, tmp_path, "db", "encrypt-tokens",
                    token_keys=f"{NEW_KEY},{TOKEN_KEY}")
    assert moved.returncode == 0, moved.stderr
    assert moved.stdout.startswith("4 stored tokens re-encrypted")  # Bravo's 2 rows × 2
    assert again.stdout.startswith("0 stored tokens")
    assert len(_opened_with(NEW_KEY, _stored(engine))) == 4  # the 8 values: 4 tokens

    # Now the old key can go; without the new one nothing can be read, and the log says why.
    only_new = Services(settings=_with_keys(settings, NEW_KEY), engine=engine, clock=clock)
    only_old = Services(settings=_with_keys(settings, TOKEN_KEY), engine=engine, clock=clock)
    bravo = client_for(only_new, oauth_bot.base_client, BRAVO.team_id)
    assert bravo is not None
    assert bravo.auth_test()["team_id"] == BRAVO.team_id
    with caplog.at_level(logging.ERROR):
        assert client_for(only_old, oauth_bot.base_client, BRAVO.team_id) is None
    assert UNREADABLE in caplog.text


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run_until_healthy(sandbox: SlackSandbox, database_url: str, cwd: Path) -> str:
    """`python -m bot run` in OAuth mode until it serves /healthz; returns its output."""
    env = cli_environment(sandbox, database_url)
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 (our own CLI, fixed arguments)
        [sys.executable, "-m", "bot", "run", "--host", "127.0.0.1", "--port", str(port),
         "--no-worker"],
        env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:  # a separate process: polling its health endpoint is the only signal
            try:
                with urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                    break
            except (URLError, ConnectionError):
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"bot did not start: {process.communicate()[0]}")
                time.sleep(0.1)
    finally:
        process.terminate()
        output = process.communicate(timeout=15)[0]
    return output


def test_tokens_stored_before_encryption_still_work_and_are_encrypted_at_start_up(
    oauth_bot: OAuthBot, sandbox: SlackSandbox, engine: Engine, database_url: str,
    tmp_path: Path,
) -> None:
    alpha = oauth_bot.slack[ALPHA.team_id]
    sandbox.rotate_tokens(TWELVE_HOURS)
    assert alpha.install(ALPHA.team_id).status == 200
    # As a version before encryption stored them: the plain tokens.
    with engine.begin() as connection:
        for table, columns in ((installations, INSTALLATION_TOKEN_COLUMNS),
                               (bots, BOT_TOKEN_COLUMNS)):
            for row_id, *values in connection.execute(
                    sa.select(table.c.id, *(table.c[name] for name in columns))).all():
                plain = {name: Fernet(TOKEN_KEY).decrypt(value.encode()).decode()
                         for name, value in zip(columns, values, strict=True)
                         if value is not None}
                connection.execute(table.update().where(table.c.id == row_id).values(plain))
    issued = _issued(sandbox)
    assert set(_stored(engine)) == issued

    # Read as plain meanwhile: the worker's client and a request both work.
    assert oauth_bot.client(ALPHA).auth_test()["team_id"] == ALPHA.team_id
    assert "No answers yet" in str(alpha.slash_command(ALPHA.staff, "").json()["blocks"])

    output = _run_until_healthy(sandbox, database_url, tmp_path)

    stored = _stored(engine)
    assert len(stored) == 4
    assert not any(value in issued or value.startswith("xox") for value in stored)
    assert _opened_with(TOKEN_KEY, stored) == issued
    assert "4 stored Slack token(s) encrypted" in output
    for secret in (*issued, TOKEN_KEY, CLIENT_SECRET):
        assert secret not in output
    assert oauth_bot.client(ALPHA).auth_test()["team_id"] == ALPHA.team_id


def test_oauth_mode_without_a_key_refuses_to_start_and_says_how_to_make_one(
    sandbox: SlackSandbox, database_url: str, tmp_path: Path
) -> None:
    refused = run_cli(sandbox, database_url, tmp_path, "run", token_keys=None)
    made = run_cli(sandbox, database_url, tmp_path, "db", "new-token-key", token_keys=None)

    assert refused.returncode == 2
    [line] = refused.stderr.strip().splitlines()
    assert "TOKEN_ENCRYPTION_KEYS must be set for OAuth installs" in line
    assert "python -m bot db new-token-key" in line
    assert CLIENT_SECRET not in refused.stdout + refused.stderr
    assert made.returncode == 0, made.stderr
    Fernet(made.stdout.strip())  # a usable key
