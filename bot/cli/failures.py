"""Every way a command can fail, as one line on stderr: what went wrong and what to do.

Known failures (a usage mistake, the database or Slack out of reach, Slack refusing a call, a
file that cannot be written) name themselves. Anything else is a bug: one line names it and
the file its traceback was written to; `--debug` or LOG_LEVEL=DEBUG prints the traceback.
"""

from __future__ import annotations

import os
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path
from urllib.error import URLError

import typer

# Where an unexpected failure's traceback goes: one file, the newest failure appended last.
TRACEBACK_LOG = Path(tempfile.gettempdir()) / "engagement-bot-cli.log"
# Exit statuses: a mistake the user can fix (also click's usage errors), and everything else.
USER_MISTAKE = 2
FAILED = 1
INTERRUPTED = 130
MAX_LINE = 300


@dataclass(frozen=True)
class OneLine:
    message: str
    status: int


def _flat(text: str) -> str:
    """One line, never a screenful: a long or multi-line message is cut."""
    line = " ".join(text.split())
    return line if len(line) <= MAX_LINE else line[:MAX_LINE - 1] + "…"


_SECRET_NAMES = ("TOKEN", "SECRET", "KEY", "KEYS")


def _redact(text: str, env_file: Path = Path(".env")) -> str:
    """Secrets never reach the terminal or the traceback file: the configured ones by value,
    and anything shaped like a Slack token.

    Read by name from the environment and from `.env`, as settings are, rather than through
    the settings themselves: the failure being reported may be that they do not load."""
    from dotenv import dotenv_values

    from bot.core.logs import RedactSecrets

    configured = {**dotenv_values(env_file), **os.environ}
    secrets = [value for name, value in configured.items()
               if value and name.endswith(_SECRET_NAMES)]
    # TOKEN_ENCRYPTION_KEYS holds several keys, comma-separated: each is a secret on its own.
    secrets += [part.strip() for value in secrets for part in value.split(",")]
    return RedactSecrets(secrets).redact(text)


def usage_line(error: typer.TyperException) -> OneLine:
    """A click usage error (unknown option, missing argument…), with where to read more."""
    context = getattr(error, "ctx", None)
    hint = f" (see `{context.command_path} --help`)" if context is not None else ""
    return OneLine(_flat(error.format_message()) + hint, getattr(error, "exit_code", 2))


def known_line(error: BaseException) -> OneLine | None:
    """The line for a failure with a known cause, or None for a bug."""
    from slack_sdk.errors import SlackApiError, SlackClientError
    from sqlalchemy.exc import ArgumentError, InterfaceError, NoSuchModuleError, OperationalError

    if isinstance(error, OperationalError | InterfaceError):
        # The driver's own first line says it best ("connection refused", "database is
        # locked"); the statement and parameters after it are left out.
        cause = str(error.orig or error).strip().splitlines()[0]
        return OneLine(f"The database failed (DATABASE_URL): {_flat(cause)}", FAILED)
    if isinstance(error, ArgumentError | NoSuchModuleError):
        return OneLine(f"DATABASE_URL is not a usable database URL: {_flat(str(error))}",
                       USER_MISTAKE)
    if isinstance(error, SlackApiError):
        code = error.response.get("error", "an error") if error.response else "an error"
        return OneLine(f"Slack refused the call: {code}", FAILED)
    if isinstance(error, URLError | ConnectionError | TimeoutError):
        reason = error.reason if isinstance(error, URLError) else error
        return OneLine(f"Cannot reach Slack (SLACK_API_URL or the network): {_flat(str(reason))}",
                       FAILED)
    if isinstance(error, SlackClientError):
        return OneLine(f"Slack could not be asked: {_flat(str(error))}", FAILED)
    if isinstance(error, OSError) and error.strerror:
        where = f": {error.filename}" if error.filename else ""
        return OneLine(f"{error.strerror}{where}", FAILED)
    return None


def unexpected_line(error: BaseException) -> OneLine:
    """A bug: its traceback goes to TRACEBACK_LOG, and the line says where."""
    detail = _redact("".join(traceback.format_exception(error)))
    try:
        with TRACEBACK_LOG.open("a", encoding="utf-8") as log:
            log.write(detail + "\n")
        where = f"the traceback is in {TRACEBACK_LOG}"
    except OSError:
        where = "run again with --debug for the traceback"
    name = type(error).__name__
    said = _flat(str(error))
    return OneLine(f"unexpected {name}{': ' + said if said else ''} ({where})", FAILED)


def print_line(line: OneLine) -> None:
    typer.secho(f"error: {_redact(line.message)}", fg=typer.colors.RED, err=True)
