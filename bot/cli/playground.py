"""`playground`: the bot on a demo history in a local Slack you use from your browser."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import CliFailure


def playground(
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port of the web page")] = 8080,
    host: Annotated[str, typer.Option(help="Interface to listen on (keep it local)")] = (
        "127.0.0.1"
    ),
    workdir: Annotated[Path, typer.Option(help="Where the playground's SQLite file goes")] = Path(
        "playground-output"
    ),
) -> None:
    """Open a Slack-like page on a local sandbox: answer pulses, type /engagement, open Home."""
    from bot.app.server import bind, uvicorn_server
    from bot.core.logs import configure_logging
    from bot.playground.startup import running_playground
    from bot.playground.web import create_playground_app

    configure_logging("WARNING")
    try:
        sock = bind(host, port)  # first: a port in use is one line, before any set-up
    except OSError as exc:
        raise CliFailure(f"cannot listen on {host}:{port} ({exc.strerror}): "
                         "choose another with --port") from None
    with sock, running_playground(workdir, progress=typer.echo) as session:
        url = f"http://{host}:{sock.getsockname()[1]}/"
        typer.echo(f"History: {session.history}.")
        typer.echo(f"The playground is at {url}  (Ctrl-C stops it)")
        uvicorn_server(create_playground_app(session), log_level="warning").run(sockets=[sock])
