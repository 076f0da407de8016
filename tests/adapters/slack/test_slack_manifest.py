"""app.yaml against the code: every command, shortcut and event in one is in the other."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from slack_harness import start_slack
from sqlalchemy import Engine

from kam_bot.adapters.slack.app import create_slack_app, registry_of
from kam_bot.adapters.slack.settings import SlackSettings
from kam_bot.bootstrap import App

MANIFEST = Path(__file__).resolve().parents[3] / "app.yaml"
URL = "https://YOUR-HOST/slack/events"


def _manifest() -> dict[str, Any]:
    data = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_manifest_matches_the_registered_listeners(
    sqlite_engine: Engine, make_app: Callable[[Engine], App]
) -> None:
    app = make_app(sqlite_engine)
    settings = SlackSettings(bot_token="xoxb-t", signing_secret="s", form_process=False)
    registry = registry_of(create_slack_app(app, settings))
    manifest = _manifest()
    features = manifest["features"]
    assert sorted(c["command"] for c in features["slash_commands"]) == sorted(registry.commands)
    assert sorted(s["callback_id"] for s in features["shortcuts"] if s["type"] == "message") == sorted(
        registry.message_shortcuts
    )
    assert not [s for s in features["shortcuts"] if s["type"] != "message"]
    assert sorted(manifest["settings"]["event_subscriptions"]["bot_events"]) == sorted(registry.events)


def test_manifest_sends_everything_to_one_url_with_the_scopes_used() -> None:
    manifest = _manifest()
    features, settings = manifest["features"], manifest["settings"]
    assert {c["url"] for c in features["slash_commands"]} == {URL}
    assert all(c["description"] and c.get("usage_hint") for c in features["slash_commands"])
    assert settings["event_subscriptions"]["request_url"] == URL
    assert settings["interactivity"] == {
        "is_enabled": True,
        "request_url": URL,
        "message_menu_options_url": URL,
    }
    assert settings["socket_mode_enabled"] is False
    assert features["app_home"]["home_tab_enabled"] and features["app_home"]["messages_tab_enabled"]
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == {"commands"} | _scopes_the_code_needs()


SCOPES = {
    "chat_postMessage": {"chat:write"},
    "chat_update": {"chat:write"},
    "chat_postEphemeral": {"chat:write"},
    "users_info": {"users:read", "users:read.email"},  # the profile's email links imported users
    "files_upload_v2": {"files:write"},
    "conversations_open": {"im:write"},
    # the outbox's look-back before re-sending: DMs, public and private digest channels
    "conversations_history": {"im:history", "channels:history", "groups:history"},
    "views_open": set(),
    "views_push": set(),
    "views_update": set(),
    "views_publish": set(),
    "auth_test": set(),  # serve checks the token at start
    "apps_connections_open": set(),  # ... and the app-level token (connections:write) for Socket Mode
}
"""Web API method -> the bot scopes it needs (api.slack.com/methods)."""


WEB_API_CALL = re.compile(
    r"client\.((?:apps|auth|chat|conversations|files|pins|reactions|team|users|views)_\w+)"
)


def _scopes_the_code_needs() -> set[str]:
    source = MANIFEST.parent / "src" / "kam_bot"
    called = {
        m.group(1)
        for path in source.rglob("*.py")
        for m in WEB_API_CALL.finditer(path.read_text(encoding="utf-8"))
    }
    unknown = called - set(SCOPES)
    assert not unknown, f"add the scopes of {sorted(unknown)} to SCOPES"
    assert {"chat_postMessage", "users_info", "views_open"} <= called
    return set().union(*(SCOPES[m] for m in called))


async def test_every_manifest_command_is_answered_and_others_are_not(
    sqlite_engine: Engine, make_app: Callable[[Engine], App]
) -> None:
    slack = await start_slack(sqlite_engine, make_app)
    try:
        for command in _manifest()["features"]["slash_commands"]:
            response = await slack.command(command["command"], "")
            assert response.status == 200, command["command"]
        unknown = await slack.command("/unknown", "")
        assert unknown.status == 404
    finally:
        await slack.close()
