"""`run`: serve Slack (HTTP on uvicorn, or Socket Mode when SLACK_APP_TOKEN is set)."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from bot.cli.common import (
    CliFailure,
    log_slack_calls,
    services_or_fail,
    settings_or_fail,
    slack_client_or_fail,
    user_errors,
)

logger = logging.getLogger(__name__)


def run(
    port: Annotated[int | None, typer.Option(help="HTTP port (default PORT or 3000)")] = None,
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "0.0.0.0",  # noqa: S104 (a server must listen beyond loopback in production)
    worker: Annotated[
        bool, typer.Option(help="Also deliver, schedule, remind and close waves (default)")
    ] = True,
) -> None:
    """Serve Slack requests. Refuses to start on an out-of-date schema (run `db upgrade`)."""
    import gc

    from slack_bolt.error import BoltError

    from bot.app import socket_mode
    from bot.app.server import EVENTS_PATH, bind, create_asgi_app, uvicorn_server
    from bot.app.wiring import create_app
    from bot.core.cpu import CpuUnavailable, pin_to_cpu
    from bot.worker.leader import PulseWorker
    from bot.workspaces.token_encryption import encrypt_stored_tokens

    settings = settings_or_fail()
    if settings.pin_to_cpu is not None:
        # Before the app, the worker and the server start their threads, so all inherit it.
        try:
            pin_to_cpu(settings.pin_to_cpu)
        except CpuUnavailable as exc:
            raise CliFailure(f"PIN_TO_CPU: {exc}") from None
        logger.info("every thread held to CPU %d (PIN_TO_CPU)", settings.pin_to_cpu)
    client = slack_client_or_fail(settings)  # credentials first: no database work without them
    services = services_or_fail(settings)
    if settings.oauth_enabled:
        # Tokens stored before encryption, or under a key no longer first, are (re)encrypted.
        encrypt_stored_tokens(services)
    try:
        app = create_app(services, client)
    except BoltError as exc:
        raise CliFailure(f"Slack refused to start the app: {exc}") from None
    log_slack_calls()  # started: a failed call no longer ends the command, so each is logged
    handler = None
    if settings.slack_app_token is not None:
        logger.info("connecting to Slack in Socket Mode")
        with user_errors():  # a refused app token, before any worker starts
            handler = socket_mode.connect(app, settings.slack_app_token.get_secret_value())
    # What start-up made (modules, the app, its clients: about 220,000 objects) lives as long
    # as the process: taken out of the collector's sight, so that its full collections, several
    # a minute under 200 clicks a second, stop stalling every request for 110-160 ms with the
    # GIL held (docs/PERFORMANCE.md, "Score clicks").
    gc.collect()
    gc.freeze()
    pulse_worker = PulseWorker(services, client) if worker else None
    if pulse_worker is not None:
        pulse_worker.start()
    try:
        if handler is not None:
            socket_mode.serve_until_stopped(handler)
            return
        sock = bind(host, port or settings.port)
        logger.info("serving Slack on http://%s:%s%s", host, sock.getsockname()[1], EVENTS_PATH)
        uvicorn_server(create_asgi_app(app, services.engine), log_level=settings.log_level).run(
            sockets=[sock]
        )
    finally:
        if pulse_worker is not None:
            pulse_worker.stop()
