"""manifest.yml is valid against Slack's schema and asks for exactly what the code uses."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from slack_sdk import WebClient

from bot.core import ids
from bot.core.config import MANIFEST_BOT_SCOPES, load_settings
from bot.workspaces.installations import REDIRECT_PATH

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT.parent / "shared" / "slack" / "manifest.schema.1.0.0.json"
# Web API methods the bot calls → the bot scope each needs (views.* and auth.test need none).
SCOPES_BY_METHOD: dict[str, tuple[str, ...]] = {
    "chat_postMessage": ("chat:write",),
    "chat_update": ("chat:write",),
    "users_info": ("users:read",),
    "users_list": ("users:read",),
    "users_lookupByEmail": ("users:read.email",),
    # Channel audiences: public and private channels.
    "conversations_info": ("channels:read", "groups:read"),
    "conversations_members": ("channels:read", "groups:read"),
    # Reconciling a delivery whose sender died: find its message in the DM.
    "conversations_open": ("im:write",),
    # ... or, for a pulse posted in a channel, in that channel.
    "conversations_history": ("im:history", "channels:history", "groups:history"),
    # User-group audiences.
    "usergroups_users_list": ("usergroups:read",),
    "usergroups_list": ("usergroups:read",),
    # The digest's chart, uploaded into its thread.
    "files_upload_v2": ("files:write",),
}


@pytest.fixture(scope="module")
def manifest() -> dict[str, object]:
    return yaml.safe_load((ROOT / "manifest.yml").read_text())  # type: ignore[no-any-return]


def test_valid_against_slacks_schema(manifest: dict[str, object]) -> None:
    if not SCHEMA.exists():
        missing = f"Slack's manifest schema is not beside the repository ({SCHEMA})"
        if os.environ.get("CI") == "true":  # CI has shared/ beside its clone: never unchecked
            pytest.fail(missing)
        pytest.skip(missing)
    jsonschema.validate(manifest, json.loads(SCHEMA.read_text()))


def test_scopes_are_those_the_code_needs_and_no_more(manifest: dict[str, object]) -> None:
    source = "\n".join(p.read_text() for p in (ROOT / "bot").rglob("*.py")
                       if "sandbox" not in p.parts)
    # Web API methods are WebClient's methods; its settings (base_url, retry_handlers) are not.
    called = {name for name in re.findall(r"client\.([a-z]+_[A-Za-z0-9_]+)", source)
              if callable(getattr(WebClient, name, None))}
    needed = {scope for m in called if m in SCOPES_BY_METHOD for scope in SCOPES_BY_METHOD[m]}
    commands = manifest["features"]["slash_commands"]  # type: ignore[index]
    if commands:
        needed.add("commands")
    unmapped = called - set(SCOPES_BY_METHOD) - {"auth_test", "views_open", "views_publish",
                                                  "views_update"}
    assert unmapped == set(), "map these Web API methods to their scope"
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == needed  # type: ignore[index]


def test_the_slash_command_and_events_match_the_listeners(manifest: dict[str, object]) -> None:
    [command] = manifest["features"]["slash_commands"]  # type: ignore[index]
    assert command["command"] == ids.SLASH_COMMAND
    assert command["url"].endswith("/slack/events")
    settings = manifest["settings"]
    assert settings["interactivity"]["is_enabled"] is True  # type: ignore[index]
    assert settings["event_subscriptions"]["bot_events"] == [  # type: ignore[index]
        "app_home_opened", "app_uninstalled", "tokens_revoked"]


def test_oauth_installs_ask_for_the_manifests_scopes_and_come_back_to_the_bot(
    manifest: dict[str, object],
) -> None:
    oauth = manifest["oauth_config"]
    assert list(MANIFEST_BOT_SCOPES) == oauth["scopes"]["bot"]  # type: ignore[index]
    assert load_settings(env_file=None).slack_scopes == list(MANIFEST_BOT_SCOPES)
    [redirect] = oauth["redirect_urls"]  # type: ignore[index]
    assert redirect.endswith(REDIRECT_PATH)
