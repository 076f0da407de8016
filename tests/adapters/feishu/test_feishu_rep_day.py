"""A rep's day in Feishu, set up as the README says: the app's credentials in the environment
(the long connection, the default), users.csv's feishu_id filled by `kam-bot feishu-ids` and
imported, then: a visit logged through its card (Save pressed twice, saved once), a promise
with Undo, the next morning's reminder card arriving, Done updating it, and the weekly digest
in the team's group with its chart. Card buttons travel as ``card`` frames."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest
from conftest import FrozenClock
from factories import seed_team
from fakes.feishu_open import FakeFeishu
from feishu_cards import assert_valid, button, buttons, form_value, texts, walk
from feishu_harness import ADA, APP_ID, APP_SECRET, GROUP, RITA, FeishuDriver
from lark_oapi.core.token.manager import TokenManager
from sqlalchemy import Engine
from starlette.applications import Starlette

from kam_bot.adapters.feishu.api import Api
from kam_bot.adapters.feishu.app import FeishuBot
from kam_bot.adapters.feishu.link import fill_ids
from kam_bot.bootstrap import App, bootstrap, build_platforms
from kam_bot.config import Settings
from kam_bot.domain import models as m
from kam_bot.domain.enums import PromiseStatus
from kam_bot.jobs.planning import week_start
from kam_bot.jobs.scheduler import decide_digest, reminder_tick
from kam_bot.jobs.sender import Sender
from kam_bot.services.transfer import import_csv

MONDAY = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # 11:00 in Shanghai
TUESDAY_MORNING = datetime(2026, 11, 24, 0, 30, tzinfo=UTC)  # 08:30 in Shanghai
VISIT = "visit Baosteel met Wang Lei; goal: trial order - partly; we promise quote by 2026-11-24"


def all_of(app: App, model: type[m.E]) -> list[m.E]:  # type: ignore[name-defined]
    with app.uow() as uow:
        return uow.repo.all(model)


async def test_a_reps_day(
    sqlite_engine: Engine,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
    make_app: Callable[[Engine], App],
) -> None:
    fake = FakeFeishu(APP_ID, APP_SECRET, latency=0.02).start()
    fake.users.update({p["open_id"]: dict(p) for p in (RITA, ADA)})
    TokenManager.cache.set(f"self_tenant_token:{APP_ID}", "", 0)
    for name, value in {"APP_ID": APP_ID, "APP_SECRET": APP_SECRET, "API_URL": fake.url}.items():
        monkeypatch.setenv(f"FEISHU_{name}", value)
    clock.now = MONDAY
    app = bootstrap(Settings(database_url=str(sqlite_engine.url)), engine=sqlite_engine, clock=clock)
    seed = seed_team(app)

    # the admin: feishu-ids, then the import
    rows = [
        {"email": "rita@example.com", "display_name": "Rita Rep"},
        {"email": "ada@example.com", "display_name": "Ada Admin"},
    ]
    filled = fill_ids(rows, Api(APP_ID, APP_SECRET, fake.url))
    lines = [f"{r['email']},{r['display_name']},{r['feishu_id']}\n" for r in filled.rows]
    csv = "email,display_name,feishu_id\n" + "".join(lines)
    assert import_csv(app, "users", io.StringIO(csv), actor=seed.admin).errors == []
    assert app.users.by_identity("feishu", RITA["open_id"]) is not None

    [bot] = [p for p in build_platforms(app) if p.name == "feishu"]
    assert isinstance(bot, FeishuBot) and bot.routes() == []  # the long connection: no public URL
    await bot.startup()
    assert await asyncio.to_thread(fake.wait_connected)
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=Starlette()), base_url="http://x")
    day = FeishuDriver(app=app, bot=bot, fake=fake, http=http, seed=seed, clock=clock, mode="websocket")
    try:
        # a visit through its card; Save pressed twice
        form = await day.say(VISIT)
        assert_valid(form.card)
        save, values = button(form.card, "form.submit"), form_value(form.card)
        first, second = await asyncio.gather(day.press(form, save, values), day.press(form, save, values))
        assert "已保存过" in texts(first) + texts(second)
        [visit] = all_of(app, m.Visit)
        assert visit.goal == "trial order"

        # a promise, undone, and one for the morning
        samples = await day.say("promise Baosteel send samples by 2026-11-24")
        undone = await day.press(samples, button(samples.card, "promise.cancel"))
        assert_valid(undone)
        assert {p.text: p.status for p in all_of(app, m.Promise)}["send samples"] is PromiseStatus.CANCELLED

        # the next morning's reminder card, and Done on it
        clock.now = TUESDAY_MORNING
        assert reminder_tick(app.jobs_context, clock.now, "t").queued >= 1
        await Sender(app.jobs_context, {"feishu": bot.deliverer}, instance="day").run_once()
        [reminder] = [msg for msg in fake.sent() if msg.receive_id == RITA["open_id"]]
        assert_valid(reminder.card) and "quote" in texts(reminder.card)
        done = next(b for b in buttons(reminder.card) if b["action"] == "promise.done")
        shown = await day.press(reminder, {"action": "promise.done", "value": done["value"]})
        assert "已完成" in texts(shown)
        assert app.promises.get(seed.rep, int(done["value"])).status is PromiseStatus.DONE

        # the digest in the group an admin chose
        await day.say("digest Steel East", person=ADA, chat_type="group")
        [team] = [t for t in app.users.teams() if t.id == seed.team.id]
        assert decide_digest(app.jobs_context, team, week_start(clock.now.date()), clock.now)
        await Sender(app.jobs_context, {"feishu": bot.deliverer}, instance="day").run_once()
        digest = fake.sent(GROUP)[-1]
        assert_valid(digest.card) and "Steel East" in texts(digest.card)
        assert [e for e in walk(digest.card["body"]) if e["tag"] == "img"]
    finally:
        await day.close()
