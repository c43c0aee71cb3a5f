"""What the import commands share: reading the file, importing it into the workspace, and the
lines every report ends with."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Protocol, TypeVar

import typer

from bot.cli.common import CliFailure, importing_into, user_errors
from bot.core.text import plural

if TYPE_CHECKING:  # the domains are imported when a command runs, not when the CLI starts
    from slack_sdk import WebClient

    from bot.core.services import Services
    from bot.workspaces.csv_import import ImportReport

SkipInvalid = Annotated[bool, typer.Option(help="Import the valid rows and list the others")]

Report = TypeVar("Report", bound="ImportReport", covariant=True)


class Importer(Protocol[Report]):
    """An import of one kind (import_history, import_outcomes, import_follow_ups)."""

    def __call__(self, services: Services, client: WebClient | None, text: str, *,
                 team_id: str, skip_invalid: bool) -> Report: ...


def import_file_into(team: str | None, path: Path, importer: Importer[Report], *,
                     skip_invalid: bool) -> Report:
    """The file read, then imported into the workspace the command names (importing_into);
    a file it cannot read or a refused import ends the command with its message."""
    text = read_import_file(path)
    here = importing_into(team)
    with user_errors():
        return importer(here.services, here.client, text, team_id=here.team_id,
                        skip_invalid=skip_invalid)


def read_import_file(path: Path) -> str:
    try:
        # utf-8-sig: a byte-order mark (Excel's "CSV UTF-8") is not part of the first header.
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise CliFailure(f"Cannot read {path}: it is not UTF-8 text (save it as CSV UTF-8)"
                         ) from None
    except OSError as exc:
        raise CliFailure(f"Cannot read {path}: {exc.strerror or exc}") from None


def echo_left_out(report: ImportReport) -> None:
    forgotten, ignored_columns = report.forgotten, report.ignored_columns
    if forgotten:
        typer.echo(f"  {plural(forgotten, 'row')} left out: their customer asked to be forgotten.")
    if ignored_columns:
        typer.echo(f"  ignored {'column' if len(ignored_columns) == 1 else 'columns'}: "
                   f"{', '.join(ignored_columns)}")
    for problem in report.skipped:
        typer.echo(f"  skipped {problem}")
