"""What the import commands share: reading the file, and the lines every report ends with."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import CliFailure
from bot.core.text import plural

SkipInvalid = Annotated[bool, typer.Option(help="Import the valid rows and list the others")]


def read_import_file(path: Path) -> str:
    try:
        # utf-8-sig: a byte-order mark (Excel's "CSV UTF-8") is not part of the first header.
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise CliFailure(f"Cannot read {path}: it is not UTF-8 text (save it as CSV UTF-8)"
                         ) from None
    except OSError as exc:
        raise CliFailure(f"Cannot read {path}: {exc.strerror or exc}") from None


def echo_left_out(*, forgotten: int, ignored_columns: Sequence[str],
                  skipped: Sequence[object]) -> None:
    if forgotten:
        typer.echo(f"  {plural(forgotten, 'row')} left out: their customer asked to be forgotten.")
    if ignored_columns:
        typer.echo(f"  ignored {'column' if len(ignored_columns) == 1 else 'columns'}: "
                   f"{', '.join(ignored_columns)}")
    for problem in skipped:
        typer.echo(f"  skipped {problem}")
