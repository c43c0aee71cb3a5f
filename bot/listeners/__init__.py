"""Thin Slack-surface adapters: acknowledge, parse, call the domain, render."""

from slack_bolt import App

from bot.listeners import actions, commands, consent, events, followups, installs, views
from bot.services import Services


def register_listeners(app: App, services: Services) -> None:
    commands.register(app, services)
    actions.register(app, services)
    consent.register(app, services)
    views.register(app, services)
    events.register(app, services)
    followups.register(app, services)
    installs.register(app, services)
