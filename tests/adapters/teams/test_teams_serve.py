"""`kam-bot serve` with Teams alone: the platform is enabled by its settings and mounted."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from kam_bot.adapters.teams.settings import TeamsSettings
from kam_bot.bootstrap import App, build_platforms
from kam_bot.config import SettingsError
from kam_bot.platforms import enabled
from kam_bot.server import create_server


def test_teams_is_enabled_by_its_settings_and_checked() -> None:
    def names(**teams: Any) -> list[str]:
        return [e.name for e in enabled({"teams": TeamsSettings(_env_file=None, **teams)})]

    assert names(client_id="bot", client_secret="s") == ["teams"]
    assert names(allow_unauthenticated=True) == ["teams"]
    assert names() == []
    [entry] = enabled({"teams": TeamsSettings(_env_file=None, client_id="bot")})
    with pytest.raises(SettingsError, match="TEAMS_CLIENT_SECRET"):
        entry.check()


async def test_serve_with_only_teams_answers_on_api_messages(
    sqlite_engine: Engine, make_app: Callable[[Engine], App]
) -> None:
    app = make_app(sqlite_engine)
    app.platform_settings = {"teams": TeamsSettings(client_id="bot", client_secret="s")}
    [platform] = build_platforms(app)
    assert platform.name == "teams"
    server = create_server(app, [platform], jobs=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=server), base_url="http://kam") as http:
        await platform.startup()
        unsigned = await http.post("/api/messages", json={"type": "message", "text": "help"})
        assert unsigned.status_code == 401  # Bot Framework authentication is on
        assert (await http.get("/healthz")).status_code == 200
        assert (await http.post("/slack/events", json={})).status_code == 404
