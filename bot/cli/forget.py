"""`forget USER`: erase a person's data (see bot.privacy.forget for what goes and what stays)."""

from __future__ import annotations

import getpass
from typing import Annotated

import typer

from bot.cli.common import (
    CliFailure,
    in_workspace,
    services_or_fail,
    settings_or_fail,
    slack_client_or_fail,
    team_or_fail,
    user_errors,
)


def _operator() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no login name in some containers
        return "cli"


def forget(
    user: Annotated[str, typer.Argument(
        help="Slack user ID, or the e-mail of a customer, or the account an import named")],
    team: Annotated[str | None, typer.Option(help="Workspace (team) ID, if several")] = None,
    requested_by: Annotated[
        str | None, typer.Option(help="Who asked (kept in the audit record); default: you")
    ] = None,
    dry_run: Annotated[bool, typer.Option(help="Show what would be deleted; delete nothing")] = (
        False
    ),
) -> None:
    """Delete a person's answers, comments, deliveries and customer record; keep an audit."""
    from bot.core.config import ConfigError
    from bot.privacy.forget import find_subject, forget_person, is_email
    from storage.engine import session_scope

    settings = settings_or_fail()
    try:
        settings.require_signing_secret()  # the audit hash is keyed with the signing secret
    except ConfigError as exc:
        raise CliFailure(str(exc)) from None
    with user_errors():
        services = services_or_fail(settings)
        with session_scope(services.engine) as session:
            team_id = team_or_fail(session, team)
        client = None
        if is_email(user.strip()):  # looked up in Slack, as the workspace's own bot
            client = (in_workspace(team_id).client if settings.oauth_enabled
                      else slack_client_or_fail(settings))
        user_id = find_subject(services, user, client, team_id=team_id)
        report = forget_person(
            services,
            team_id=team_id,
            user_id=user_id,
            requested_by=requested_by if requested_by is not None else _operator(),
            dry_run=dry_run,
        )
    verb = "Would delete" if report.dry_run else "Deleted"
    typer.echo(f"{verb} (subject {report.subject_hash[:12]}…, workspace {team_id}):")
    for table, count in report.counts.items():
        typer.echo(f"  {table}: {count}")
    if report.dry_run:
        typer.echo("Dry run: nothing was changed.")
