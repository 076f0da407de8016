"""`kam-bot serve` with DingTalk: Stream mode holds the one connection (readiness says so) and
keeps one worker; HTTP mode mounts ``/dingtalk/events`` and may have several; bad settings
name their variable."""

from __future__ import annotations

import os
from collections.abc import Callable

import httpx
import pytest
from conftest import FrozenClock
from dingtalk_harness import MONDAY_MORNING
from fakes.dingtalk_open import FakeDingTalk
from sqlalchemy import Engine

from kam_bot import platforms
from kam_bot.adapters.dingtalk.api import check_credentials
from kam_bot.adapters.dingtalk.settings import DingTalkSettings
from kam_bot.bootstrap import App, bootstrap, build_server
from kam_bot.cli.serve import start_line, worker_count
from kam_bot.config import Settings, SettingsError


def configured(fake: FakeDingTalk, **extra: str) -> DingTalkSettings:
    fields = {"client_id": fake.client_id, "client_secret": fake.client_secret, "api_url": fake.url} | extra
    return DingTalkSettings(**fields)  # type: ignore[arg-type]


async def test_serve_connects_the_stream_and_is_ready_only_while_connected(
    sqlite_engine: Engine, make_app: Callable[[Engine], App], clock: FrozenClock
) -> None:
    clock.now = MONDAY_MORNING
    fake = FakeDingTalk().start()
    try:
        settings = {**platforms.load_settings(), "dingtalk": configured(fake)}
        app = bootstrap(
            Settings(database_url=str(sqlite_engine.url)),
            engine=sqlite_engine,
            clock=clock,
            platform_settings=settings,
        )
        server = build_server(app)
        transport = httpx.ASGITransport(app=server)
        async with server.router.lifespan_context(server):
            await fake.connected()
            async with httpx.AsyncClient(transport=transport, base_url="http://kam") as http:
                ready = await http.get("/readyz")
                assert ready.status_code == 200 and ready.json()["connections"] == {"dingtalk": "ok"}
                assert (await http.post("/dingtalk/events", json={})).status_code == 404  # stream: no route
        assert fake.connections == 1
    finally:
        fake.stop()


def test_stream_mode_keeps_one_worker_and_http_mode_may_have_several() -> None:
    settings = Settings(database_url="postgresql://kam@db/kam")
    stream = platforms.enabled({"dingtalk": DingTalkSettings(client_id="a", client_secret="b")})
    why = "DingTalk Stream mode is one connection per deployment"
    assert worker_count(settings, None, stream) == (1, why)
    with pytest.raises(SettingsError, match=f"--workers 3: {why}"):
        worker_count(settings, 3, stream)
    assert "dingtalk over stream mode, http on" in start_line(settings, stream, "0.0.0.0", 3000, 1, why)
    http = platforms.enabled({"dingtalk": DingTalkSettings(client_id="a", client_secret="b", mode="http")})
    assert worker_count(settings, 3, http) == (3, "")
    assert worker_count(settings, None, http) == (os.cpu_count() or 1, "")


def test_settings_name_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    from kam_bot.adapters.dingtalk.platform import REGISTRATION

    monkeypatch.setenv("DINGTALK_MODE", "websocket")
    with pytest.raises(SettingsError, match="DINGTALK_MODE"):
        REGISTRATION.load_settings()
    monkeypatch.delenv("DINGTALK_MODE")
    with pytest.raises(SettingsError, match="DINGTALK_CLIENT_SECRET"):
        REGISTRATION.check(DingTalkSettings(client_id="a"))


def test_the_start_asks_dingtalk_whether_the_credentials_work() -> None:
    fake = FakeDingTalk().start()
    try:
        check_credentials(configured(fake))
        with pytest.raises(SettingsError, match="DINGTALK_CLIENT_ID / DINGTALK_CLIENT_SECRET"):
            check_credentials(configured(fake, client_secret="wrong"))
    finally:
        fake.stop()
