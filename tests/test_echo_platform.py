"""A platform is one folder: Echo (``tests/echo_platform/``, text in, text and buttons out) is
registered at run time, nothing else changed, and gets the whole product: help, a confirmed
visit, a promise with Undo, a reminder DM with Done, and the weekly digest in its room."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from conftest import FrozenClock
from echo_platform.app import EchoPlatform
from echo_platform.platform import REGISTRATION, EchoSettings
from factories import Seed, seed_team
from sqlalchemy import Engine
from starlette.applications import Starlette

from kam_bot import platforms
from kam_bot.bootstrap import App, bootstrap, build_platforms
from kam_bot.config import Settings
from kam_bot.domain.enums import PromiseStatus
from kam_bot.jobs.planning import week_start
from kam_bot.jobs.scheduler import decide_digest, reminder_tick
from kam_bot.jobs.sender import Sender
from kam_bot.services.transfer import import_csv

MONDAY_MORNING = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)


class Echo:
    def __init__(self, app: App, seed: Seed, platform: EchoPlatform, http: httpx.AsyncClient) -> None:
        self.app, self.seed, self.platform, self.http = app, seed, platform, http

    async def say(self, text: str, user: str = "echo-rita") -> dict[str, Any]:
        response = await self.http.post("/echo/messages", json={"user": user, "text": text})
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def press(self, button: dict[str, str], user: str = "echo-rita") -> dict[str, Any]:
        payload = {"user": user, "press": button["id"], "value": button["value"]}
        response = await self.http.post("/echo/messages", json=payload)
        assert response.status_code == 200, response.text
        return dict(response.json())


@pytest.fixture
async def echo(
    engine: Engine, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch, make_app: Callable[[Engine], App]
) -> AsyncIterator[Echo]:
    monkeypatch.setattr(platforms, "KNOWN", [*platforms.KNOWN, REGISTRATION])
    clock.now = MONDAY_MORNING
    configured = {**platforms.load_settings(), "echo": EchoSettings(token="t")}
    app = bootstrap(
        Settings(database_url=str(engine.url)), engine=engine, clock=clock, platform_settings=configured
    )
    seed = seed_team(app)
    users = "email,display_name,echo_id\nrita@example.com,Rita Rep,echo-rita\n"  # its users.csv column
    report = import_csv(app, "users", io.StringIO(users), actor=seed.admin)
    assert report.errors == [], report.errors
    app.users.set_team_destination(seed.admin, seed.team.id, "echo", "room-steel")
    [platform] = [p for p in build_platforms(app) if p.name == "echo"]
    assert isinstance(platform, EchoPlatform)
    server = Starlette(routes=list(platform.routes()))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=server), base_url="http://echo") as http:
        yield Echo(app, seed, platform, http)


async def test_help_lists_the_same_verbs(echo: Echo) -> None:
    said = await echo.say("help")
    assert "visit ACCOUNT met NAME" in said["text"] and "undo —" in said["text"] and "digest" in said["text"]
    assert "Slack" not in said["text"]  # a surface's own lines stay on it


async def test_a_visit_is_confirmed_with_buttons_saved_and_undone(echo: Echo) -> None:
    said = await echo.say("visit Baosteel met Wang Lei; we promise quote by Friday")
    assert "Here is what I understood:" in said["text"] and said["text"].endswith(
        "Save? Answer yes, edit or no."
    )
    [save, _, _] = said["buttons"]
    saved = await echo.press(save)
    assert "saved: Baoshan Iron & Steel" in saved["text"]
    undo = next(b for b in saved["buttons"] if b["id"] == "undo.visit")
    undone = await echo.press(undo)
    assert "Undone: the visit of Mon 23 Nov 2026, its 1 promise(s)" in undone["text"]


async def test_a_promise_with_undo(echo: Echo) -> None:
    said = await echo.say("promise Baosteel send samples by Friday")
    saved = await echo.press(said["buttons"][0])
    assert "Promise saved" in saved["text"]
    [undo] = saved["buttons"]
    assert "Cancelled" in (await echo.press(undo))["text"]


async def test_a_reminder_dm_with_done_and_the_weekly_digest(echo: Echo, clock: FrozenClock) -> None:
    app, seed = echo.app, echo.seed
    await echo.press((await echo.say("promise Baosteel call Wang Lei by today"))["buttons"][0])
    assert reminder_tick(app.jobs_context, clock.now, "t").queued >= 1
    [team] = [t for t in app.users.teams() if t.id == seed.team.id]
    assert team.digest_destinations["echo"] == "room-steel"
    assert decide_digest(app.jobs_context, team, week_start(clock.now.date()), clock.now)
    sender = Sender(app.jobs_context, {"echo": echo.platform.deliverer}, instance="echo")
    await sender.run_once()
    posted = echo.platform.deliverer.posted
    [dm] = [p for p in posted if p["to"] == "echo-rita"]
    assert "call Wang Lei" in dm["text"]
    done = next(b for b in dm["buttons"] if b["id"] == "promise.done")
    assert (await echo.press(done))["text"].startswith("Done:")
    promise = app.promises.get(seed.rep, int(done["value"]))
    assert promise.text == "call Wang Lei" and promise.status is PromiseStatus.DONE
    [digest] = [p for p in posted if p["to"] == "room-steel"]
    assert "Weekly digest · Steel East" in digest["text"]
