"""Slack tokens encrypted at rest: the installation store encrypts them as it saves and decrypts
them as it finds, so everything above it sees plain tokens and the database never holds one.

Fernet (AES-128-CBC with HMAC-SHA256) from `cryptography`, keyed by TOKEN_ENCRYPTION_KEYS:
the first key encrypts, every key decrypts (MultiFernet), so a key is rotated by putting the
new one first and re-encrypting with `encrypt_stored_tokens`.

Tokens stored before encryption was added are read as the plain tokens they are (a Slack token
starts with "xox", a Fernet token never does) until `encrypt_stored_tokens`, which `run` calls
at start-up, encrypts them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from sqlalchemy import Dialect, Engine

from bot.core.config import ConfigError
from bot.core.services import Services
from storage.oauth_tables import BOT_TOKEN_COLUMNS, INSTALLATION_TOKEN_COLUMNS, set_token_type
from storage.oauth_tokens import replace_stored_token, stored_tokens

logger = logging.getLogger(__name__)

# Every Slack token (xoxb-, xoxp-, xoxe-, and rotating xoxe.xoxb-) starts so; Fernet's never do.
_PLAIN_PREFIX = "xox"
UNREADABLE = ("a stored Slack token cannot be decrypted with any of TOKEN_ENCRYPTION_KEYS (was "
              "the key it was saved with removed?): its workspace counts as not installed until "
              "that key is back in the list or the app is installed there again")


class TokenCipher:
    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise ConfigError("TOKEN_ENCRYPTION_KEYS must be set to store Slack tokens")
        self._current = Fernet(keys[0])
        self._all = MultiFernet([Fernet(key) for key in keys])

    def encrypt(self, token: str) -> str:
        return self._current.encrypt(token.encode()).decode()

    def decrypt(self, stored: str) -> str | None:
        """The plain token; None (logged) if no key opens it."""
        if stored.startswith(_PLAIN_PREFIX):
            return stored
        try:
            return self._all.decrypt(stored.encode()).decode()
        except InvalidToken:
            logger.error(UNREADABLE)
            return None

    def reencrypted(self, stored: str) -> str | None:
        """What to store instead: a plain token encrypted, or one under an older key moved to
        the first. None when it is already under the first key, or no key opens it."""
        if stored.startswith(_PLAIN_PREFIX):
            return self.encrypt(stored)
        try:
            self._current.decrypt(stored.encode())
            return None
        except InvalidToken:
            pass
        try:
            return self._all.rotate(stored.encode()).decode()
        except InvalidToken:
            logger.error(UNREADABLE)
            return None


@lru_cache(maxsize=4)
def _cipher(keys: tuple[str, ...]) -> TokenCipher:
    return TokenCipher(keys)


def token_cipher(services: Services) -> TokenCipher:
    return _cipher(tuple(services.settings.token_keys()))


class EncryptedToken(sa.types.TypeDecorator[str]):
    """A token column: encrypted on the way in, decrypted on the way out."""

    impl = sa.Text
    cache_ok = True  # the cipher is fixed for the life of the type, and hashable

    def __init__(self, cipher: TokenCipher) -> None:
        super().__init__()
        self.cipher = cipher

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else self.cipher.encrypt(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else self.cipher.decrypt(value)


class EncryptedInstallationStore(SQLAlchemyInstallationStore):
    """slack-sdk's store, unchanged but for its token columns, which encrypt and decrypt."""

    def __init__(self, *, client_id: str, engine: Engine, cipher: TokenCipher,
                 logger: logging.Logger) -> None:
        super().__init__(client_id=client_id, engine=engine, logger=logger)
        # The tables are the store's own (built on its private metadata) and no statement has
        # used them yet.
        column = EncryptedToken(cipher)
        set_token_type(self.installations, INSTALLATION_TOKEN_COLUMNS, column)
        set_token_type(self.bots, BOT_TOKEN_COLUMNS, column)


def encrypt_stored_tokens(services: Services) -> int:
    """Encrypt every stored plain token, and move every one under an older key to the first
    key; returns how many values were rewritten. Safe beside running replicas: each value is
    replaced only if it is still the one read."""
    cipher = token_cipher(services)
    rewritten = 0
    with services.engine.begin() as connection:
        for stored in stored_tokens(connection):
            value = cipher.reencrypted(stored.value)
            if value is not None and replace_stored_token(connection, stored, value):
                rewritten += 1
    if rewritten:
        logger.info("%d stored Slack token(s) encrypted under the first TOKEN_ENCRYPTION_KEYS key",
                    rewritten)
    return rewritten
