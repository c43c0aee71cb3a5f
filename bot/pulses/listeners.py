"""Admin surfaces of pulses: the "New pulse" button and the modal it opens."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.core import ids
from bot.core.errors import UserFacingError
from bot.core.services import Services
from bot.core.text import escape_mrkdwn
from bot.pulses.admin_blocks import new_pulse_modal
from bot.pulses.definition import InvalidField
from bot.pulses.form import create_from_form, field_errors, read_form
from bot.pulses.schedule import normalise_schedule, schedule_text
from bot.slack.payload import who_clicked
from bot.workspaces.access import is_admin, require_admin


def register(app: App, services: Services) -> None:
    @app.action(ids.NEW_PULSE_ACTION)
    def open_new_pulse_modal(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        team_id, user_id = who_clicked(body)
        # The button is only shown to admins; a forged click from anyone else opens nothing.
        if is_admin(services, client, team_id=team_id, user_id=user_id):
            client.views_open(
                trigger_id=str(body.get("trigger_id", "")), view=new_pulse_modal(timezone="UTC")
            )

    @app.view(ids.NEW_PULSE_MODAL)
    def create_pulse_from_modal(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient
    ) -> None:
        team_id, user_id = who_clicked(body)
        state = view.get("state")
        values = (state.get("values") if isinstance(state, dict) else None) or {}
        try:
            require_admin(services, client, team_id=team_id, user_id=user_id)
            form = read_form(values if isinstance(values, dict) else {})
            create_from_form(services, client, form)
        except InvalidField as problem:
            ack(response_action="errors", errors=field_errors(problem))
            return
        except UserFacingError as problem:
            on_name = ids.PULSE_FIELD_BLOCKS["name"]
            ack(response_action="errors", errors={on_name: str(problem)[:150]})
            return
        ack()
        # The form was accepted, so its schedule normalises; shown as people write it.
        when = schedule_text(normalise_schedule(form.schedule)) if form.schedule else None
        name = escape_mrkdwn(form.name)
        client.chat_postMessage(
            channel=user_id,
            text=f"Pulse “{name}” is ready. `/engagement pulse send {name}` sends it now"
            + (f"; it also goes out {when} ({escape_mrkdwn(form.timezone)})." if when else "."),
        )
