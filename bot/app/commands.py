"""/engagement: parse, then answer privately; admin subcommands run from one table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.app.grammar import parse_engagement
from bot.benchmarks.commands import run_settings_command
from bot.benchmarks.grammar import SETTINGS_COMMANDS
from bot.core import ids
from bot.core.errors import UserFacingError
from bot.core.services import Services
from bot.core.text import escape_mrkdwn
from bot.digests.commands import run_digest_command
from bot.digests.grammar import DigestCommand
from bot.followups.commands import run_alerts_command
from bot.followups.grammar import SetAlerts
from bot.pulses.admin_blocks import new_pulse_modal
from bot.pulses.commands import run_pulse_command
from bot.pulses.grammar import PulseAction, PulseCommand
from bot.reporting.answers import all_benchmarks, answer_engagement
from bot.reporting.benchmark_button import query_from
from bot.reporting.blocks import mistake_message
from bot.reporting.grammar import EngagementQuery, PlanCommand, UsageError
from bot.reporting.plan_commands import run_plan_command
from bot.slack.message import ReportMessage
from bot.slack.payload import tell_privately, who_clicked
from bot.workspaces.access import Access, require_admin, require_staff
from bot.workspaces.commands import run_access_command, run_currency_command
from bot.workspaces.drift_switch import SetDrift, run_drift_command
from bot.workspaces.grammar import ACCESS_COMMANDS, SetCurrency


@dataclass(frozen=True)
class Typed:
    """What a slash command carries, for the admin subcommands that need more than the text."""

    team_id: str
    user_id: str
    channel_id: str
    trigger_id: str


# An admin subcommand that answers itself (opens a modal) returns None. It gets the admin's
# own access, already checked.
AdminRun = Callable[[Services, WebClient, Typed, Access, Any], ReportMessage | None]


def _run_pulse(services: Services, client: WebClient, typed: Typed, access: Access,
               command: Any) -> ReportMessage | None:
    if command.action is PulseAction.NEW:
        client.views_open(trigger_id=typed.trigger_id, view=new_pulse_modal(timezone="UTC"))
        return None
    return run_pulse_command(services, client, team_id=typed.team_id, command=command)


def _run_digest(services: Services, client: WebClient, typed: Typed, access: Access,
                command: Any) -> ReportMessage | None:
    return run_digest_command(services, client, team_id=typed.team_id, user_id=typed.user_id,
                              channel_id=typed.channel_id, command=command)


def _run_settings(services: Services, client: WebClient, typed: Typed, access: Access,
                  command: Any) -> ReportMessage | None:
    return run_settings_command(services, team_id=typed.team_id, user_id=typed.user_id,
                                command=command)


def _run_access(services: Services, client: WebClient, typed: Typed, access: Access,
                command: Any) -> ReportMessage | None:
    return run_access_command(services, client, team_id=typed.team_id, user_id=typed.user_id,
                              access=access, command=command)


def _run_alerts(services: Services, client: WebClient, typed: Typed, access: Access,
                command: Any) -> ReportMessage | None:
    return run_alerts_command(services, client, team_id=typed.team_id, user_id=typed.user_id,
                              command=command)


def _run_currency(services: Services, client: WebClient, typed: Typed, access: Access,
                  command: Any) -> ReportMessage | None:
    return run_currency_command(services, team_id=typed.team_id, user_id=typed.user_id,
                                command=command)


def _run_drift(services: Services, client: WebClient, typed: Typed, access: Access,
               command: Any) -> ReportMessage | None:
    return run_drift_command(services, team_id=typed.team_id, user_id=typed.user_id,
                             command=command)


# (parsed types, what only admins can do, how to run it)
ADMIN_SUBCOMMANDS: tuple[tuple[tuple[type, ...], str, AdminRun], ...] = (
    ((PulseCommand,), "manage pulses", _run_pulse),
    ((DigestCommand,), "manage digests", _run_digest),
    (SETTINGS_COMMANDS, "change benchmarks, targets and the industry", _run_settings),
    (ACCESS_COMMANDS, "change who is staff and who is an admin", _run_access),
    ((SetAlerts,), "choose where follow-up alerts go", _run_alerts),
    ((SetCurrency,), "set the currency of imported amounts", _run_currency),
    ((SetDrift,), "turn drift warnings on or off", _run_drift),
)


def register(app: App, services: Services) -> None:
    _register_buttons(app, services)

    @app.command(ids.SLASH_COMMAND)
    def answer_engagement_command(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        typed = Typed(*(str(command.get(key) or "") for key in
                        ("team_id", "user_id", "channel_id", "trigger_id")))
        try:
            query = parse_engagement(str(command.get("text") or ""))
        except UsageError as mistake:
            _answer(ack, mistake_message(mistake.mistake, str(mistake), mistake.suggestion))
            return
        for types, what, run in ADMIN_SUBCOMMANDS:
            if isinstance(query, types):
                try:
                    access = require_admin(services, client, team_id=typed.team_id,
                                           user_id=typed.user_id, what=what)
                    if isinstance(query, PulseCommand) and query.action is PulseAction.NEW:
                        ack()  # a modal needs the trigger while it is fresh
                    message = run(services, client, typed, access, query)
                except UserFacingError as refusal:
                    message = _refused(refusal)
                if message is not None:
                    _answer(ack, message)
                return
        try:
            require_staff(services, client, team_id=typed.team_id, user_id=typed.user_id)
        except UserFacingError as refusal:
            _answer(ack, _refused(refusal))
            return
        if isinstance(query, PlanCommand):
            # Staff, not only admins, choose and act on the plan: it is their daily work.
            _answer(ack, run_plan_command(services, team_id=typed.team_id,
                                          user_id=typed.user_id, command=query))
            return
        assert isinstance(query, EngagementQuery)
        _answer(ack, answer_engagement(services, team_id=typed.team_id, query=query),
                shared=query.share)


def _register_buttons(app: App, services: Services) -> None:
    @app.action(ids.ALL_BENCHMARKS_ACTION)
    def show_all_benchmarks(ack: Ack, body: dict[str, Any], client: WebClient,
                            respond: Respond) -> None:
        ack()
        team_id, user_id = who_clicked(body)
        actions = body.get("actions")
        action = actions[0] if isinstance(actions, list) and actions else {}
        value = action.get("value") if isinstance(action, dict) else None
        try:
            # The answer may have been shared in a channel: only staff see the full list.
            require_staff(services, client, team_id=team_id, user_id=user_id)
            message = all_benchmarks(services, team_id=team_id,
                                     query=query_from(str(value or "")))
        except UserFacingError as refusal:
            tell_privately(respond, body, escape_mrkdwn(str(refusal)))
            return
        # A new private message under the answer, which stays as it was.
        respond(text=message.text, blocks=[block.to_dict() for block in message.blocks],
                response_type="ephemeral", replace_original=False)


def _refused(refusal: UserFacingError) -> ReportMessage:
    # Refusals quote what was typed ("No pulse named '<!channel>'"): escaped like any echo.
    return ReportMessage(text=escape_mrkdwn(str(refusal)), blocks=[])


def _answer(ack: Ack, message: ReportMessage, *, shared: bool = False) -> None:
    # Private unless asked to share: figures are posted to the channel only on purpose.
    response_type = "in_channel" if shared else "ephemeral"
    if not message.blocks:
        ack(response_type=response_type, text=message.text)
        return
    ack(
        response_type=response_type,
        text=message.text,
        blocks=[block.to_dict() for block in message.blocks],
    )
