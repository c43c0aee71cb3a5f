"""Every domain registers its own listeners; this is the one list of them."""

from slack_bolt import App

from bot.answers import listeners as answers
from bot.app import commands
from bot.core.after_ack import AfterAck
from bot.core.services import Services
from bot.followups import listeners as followups
from bot.home import listeners as home
from bot.pulses import listeners as pulses
from bot.workspaces import listeners as workspaces


def register_listeners(app: App, services: Services, after_ack: AfterAck) -> None:
    commands.register(app, services)
    answers.register(app, services, after_ack)
    pulses.register(app, services)
    home.register(app, services)
    followups.register(app, services)
    workspaces.register(app, services)
