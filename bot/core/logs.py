"""Logging set-up with a filter that keeps Slack secrets out of every log line."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

# Token shapes are redacted even when they are not ours (a pasted token in an error body).
# xoxe-: the refresh tokens of token rotation; its access tokens read "xoxe.xoxb-...".
_TOKEN_PATTERN = re.compile(r"\b(xox[abeposr]|xapp)[.-][A-Za-z0-9.-]+")


class RedactSecrets(logging.Filter):
    """Replaces known secret values and anything shaped like a Slack token with '[redacted]'."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets = [secret for secret in secrets if len(secret) >= 6]

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "[redacted]")
        return _TOKEN_PATTERN.sub(r"\1-[redacted]", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = self.redact(message)
        if record.exc_info and record.exc_info[1] is not None:
            clean = self.redact(
                message + "\n" + logging.Formatter().formatException(record.exc_info)
            )
            record.exc_info = None
            record.exc_text = None
        if clean != message or record.args:
            record.msg = clean
            record.args = None
        return True


def configure_logging(level: str, secrets: Iterable[str] = ()) -> None:
    """Route all records through one handler whose filter redacts secrets."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    # Alembic narrates every schema check at INFO; only its warnings matter at run time.
    logging.getLogger("alembic").setLevel(logging.WARNING)
