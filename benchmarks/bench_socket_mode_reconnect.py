"""How long the bot is deaf in Socket Mode after each way a connection ends, and what it costs.

The bot's Socket Mode client (bot.app.socket_mode.connect, slack_sdk's built-in client) is
connected to the sandbox's Socket Mode end; then the connection ends one way or another and a
slash command is sent as soon as the sandbox has a live connection to send it on. Printed per
fault: seconds until that command was acknowledged, and the CPU seconds this process spent
meanwhile. `--plain` connects slack_sdk's client without the bot's close listener, for
comparison.

    .venv/bin/python benchmarks/bench_socket_mode_reconnect.py [--plain] \
        [--faults refresh,close,cut]

refresh: Slack sends `disconnect` (refresh_requested); close: Slack closes with a close frame
and no warning; cut: the TCP connection ends with no close frame (a network fault).
"""

from __future__ import annotations

import argparse
import logging
import resource
import socket
import time

from slack_bolt import Ack, App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient

from bot.app import socket_mode
from bot.sandbox.slack_api import SlackSandbox

FAULTS = ("refresh", "close", "cut")
COMMAND = {"command": "/bench", "text": "", "team_id": "T0SANDBOX", "user_id": "U0BENCH",
           "channel_id": "C0BENCH"}


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def deaf_for(fault: str, *, plain: bool) -> tuple[float, float]:
    """Seconds from the fault until a command is acknowledged, and CPU seconds spent."""
    with SlackSandbox() as sandbox:
        app = App(client=WebClient(token=sandbox.bot_token, base_url=sandbox.api_url),
                  signing_secret="bench-signing-secret")  # noqa: S106 (a fake for a fake)

        @app.command("/bench")
        def answer(ack: Ack) -> None:
            ack("ok")

        if plain:
            handler = SocketModeHandler(app, sandbox.app_token)
            handler.connect()  # type: ignore[no-untyped-call]
        else:
            handler = socket_mode.connect(app, sandbox.app_token)
        server = sandbox.socket_mode
        [first] = server.wait_for_connections(1)
        started, cpu = time.monotonic(), _cpu()
        if fault == "refresh":
            server.refresh()
        elif fault == "close":
            server.drop()
        else:
            first.draining = True  # Slack sends nothing more on a connection it lost
            first.socket.socket.shutdown(socket.SHUT_RDWR)
        envelope = server.deliver("slash_commands", COMMAND, timeout=300)
        ack = server.wait_for_ack(envelope, timeout=30)
        deaf, spent = time.monotonic() - started, _cpu() - cpu
        handler.client.auto_reconnect_enabled = False
        server.drop()
        handler.close()  # type: ignore[no-untyped-call]
        if ack is None:
            raise SystemExit(f"{fault}: the command was never acknowledged")
        return deaf, spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plain", action="store_true",
                        help="slack_sdk's client alone, without the bot's close listener")
    parser.add_argument("--faults", default=",".join(FAULTS))
    args = parser.parse_args()
    logging.basicConfig(level=logging.CRITICAL)  # the client logs every failed ping
    plain = "slack_sdk's built-in client alone"
    print(f"client: {plain if args.plain else 'the bot (bot.app.socket_mode.connect)'}")
    print(f"{'fault':<8} {'deaf for (s)':>12} {'CPU (s)':>8}")
    for fault in args.faults.split(","):
        deaf, spent = deaf_for(fault, plain=args.plain)
        print(f"{fault:<8} {deaf:>12.2f} {spent:>8.2f}")


if __name__ == "__main__":
    main()
