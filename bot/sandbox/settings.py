"""The bot's settings for talking to the sandbox, as the demo, the playground and tests start it."""

from __future__ import annotations

from bot.core.config import Settings, load_settings
from bot.sandbox.slack_api import SlackSandbox


def sandbox_settings(sandbox: SlackSandbox, *, signing_secret: str, database_url: str,
                     **overrides: object) -> Settings:
    """Settings pointing the bot at `sandbox` over HTTP with its bot token. No .env file is
    read: a developer's real tokens must never be sent to the sandbox, nor the sandbox's to
    Slack; and no app token, so the bot answers over HTTP rather than Socket Mode."""
    return load_settings(
        env_file=None,
        slack_bot_token=sandbox.bot_token,
        slack_signing_secret=signing_secret,
        slack_app_token=None,
        slack_api_url=sandbox.api_url,
        database_url=database_url,
        **overrides,
    )
