"""A rep's day in WeCom, end to end as an admin sets it up: the platform enabled by its
WECOM_* settings and mounted by `kam-bot serve`'s server, users and accounts imported from CSV
(``wecom_id`` column), WeCom's API faked on loopback, every callback signed and encrypted.

Rita logs a visit (typed, confirmed, saved), a promise (saved, undone, made again), gets the
next morning's reminder card, presses Done (the card says so), and the team's manager sees the
weekly digest with its charts in the group the admin had the bot create."""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
from conftest import FrozenClock
from fakes.wecom_api import FakeWecom, Sent
from sqlalchemy import Engine
from wecom_callbacks import WecomSigner, card_event, text_message
from wecom_harness import settings

from kam_bot.bootstrap import App, build_platforms
from kam_bot.domain.enums import PromiseStatus, Role
from kam_bot.jobs.planning import week_start
from kam_bot.jobs.scheduler import decide_digest, reminder_tick
from kam_bot.jobs.sender import Sender
from kam_bot.server import create_server
from kam_bot.services.transfer import import_csv
from kam_bot.services.users import PlatformProfile

USERS = """email,display_name,role,team,manager,wecom_id
ada@example.com,Ada Admin,admin,,,ada
max@example.com,Max Manager,manager,Steel East,,max.m
rita@example.com,Rita Rep,rep,Steel East,max@example.com,rita.rep
"""
ACCOUNTS = "name,aliases,owner,tier\nBaoshan Iron & Steel Co.,Baosteel|宝钢,rita@example.com,A\n"


async def test_a_reps_day_in_wecom(
    sqlite_engine: Engine, make_app: Callable[[Engine], App], clock: FrozenClock
) -> None:
    fake = await FakeWecom().start()
    for userid, name in [("ada", "Ada Admin"), ("max.m", "Max Manager"), ("rita.rep", "Rita Rep")]:
        fake.add_member(userid, name)
    app = make_app(sqlite_engine)
    bootstrapper = app.users.ensure(
        PlatformProfile(platform="console", external_id="setup", display_name="Setup")
    )
    with app.uow() as uow:  # the first admin, as `kam-bot import users` on an empty database makes one
        uow.repo.update(type(bootstrapper), bootstrapper.id, role=Role.ADMIN)
        uow.commit()
    setup = app.users.by_identity("console", "setup")
    assert setup is not None
    for kind, text in [("users", USERS), ("accounts", ACCOUNTS)]:
        report = import_csv(app, kind, io.StringIO(text), actor=setup)
        assert report.errors == [], report.errors
    app.platform_settings = {**app.platform_settings, "wecom": settings(fake.url)}
    [platform] = [p for p in build_platforms(app) if p.name == "wecom"]
    server = create_server(app, [platform], jobs=False)
    signer, ids = WecomSigner(), itertools.count(1)
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=server), base_url="http://kam-bot")

    async def post(plain: str) -> None:
        query, body = signer.post(plain, int(clock().timestamp()))
        response = await http.post(f"/wecom/events?{query}", content=body)
        assert response.status_code == 200 and response.text == ""
        await platform.drain()  # type: ignore[attr-defined]

    async def say(text: str, userid: str = "rita.rep") -> list[Sent]:
        before = len(fake.sent)
        await post(text_message(userid, text, next(ids), int(clock().timestamp())))
        return fake.sent[before:]

    async def press(card: Sent, key: str, userid: str = "rita.rep") -> list[Sent]:
        before = len(fake.sent)
        code = fake.click(card, key)
        await post(card_event(userid, key, str(card.content["task_id"]), code, int(clock().timestamp())))
        return fake.sent[before:]

    try:
        assert (await http.get("/healthz")).status_code == 200
        # the morning: a visit typed in Chinese, confirmed and saved
        sent = await say("拜访 宝钢 见了 王磊(采购);目标:试订单 - 部分达成;我们承诺 周五前 报价")
        assert "我理解的内容如下" in sent[0].text and "王磊" in sent[0].text
        saved = await press(sent[-1], "draft.save|yes")
        assert any("已保存" in (s.text + str(s.content)) for s in saved)
        # a promise, undone, made again for today
        sent = await say("承诺 宝钢 给王磊打电话 今天")
        saved = await press(sent[-1], "draft.save|yes")
        undo_card = next(s for s in saved if s.msgtype == "template_card")
        [undo] = [b["key"] for b in undo_card.buttons if b["key"].startswith("promise.cancel|")]
        await press(undo_card, undo)
        assert undo_card.updated == "✖ 已取消"
        sent = await say("承诺 宝钢 给王磊打电话 今天")
        await press(sent[-1], "draft.save|yes")
        # the admin has the bot create the team's group for the digest
        [made] = [s for s in await say("周报 Steel East 群", userid="ada") if s.to == "ada"]
        assert "Steel East" in made.text
        [chatid] = fake.chats
        # the next morning, 08:30 in Shanghai: the reminder card, and Done from it
        clock.now = datetime(2026, 11, 24, 0, 30, tzinfo=UTC)
        assert reminder_tick(app.jobs_context, clock.now, "t").queued == 1
        deliverer = platform.deliverer
        before = len(fake.sent)
        assert (await Sender(app.jobs_context, {"wecom": deliverer}).run_once()).sent == 1
        reminder = [s for s in fake.sent[before:] if s.to == "rita.rep"]
        assert "给王磊打电话" in reminder[0].text
        card = next(s for s in reminder if s.msgtype == "template_card")
        [done] = [b["key"] for b in card.buttons if b["key"].startswith("promise.done|")]
        await press(card, done)
        assert card.updated == "✅ 已完成"
        rita = app.users.by_identity("wecom", "rita.rep")
        assert rita is not None
        assert app.promises.get(rita, int(done.partition("|")[2])).status is PromiseStatus.DONE
        # Monday 09:00 team time: the weekly digest in the group, its charts as images
        clock.now = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
        team = next(t for t in app.users.teams() if t.name == "Steel East")
        assert decide_digest(app.jobs_context, team, week_start(clock.now.date()), clock.now)
        assert (await Sender(app.jobs_context, {"wecom": deliverer}).run_once()).sent == 1
        digest = fake.to(chatid)[1:]
        assert "Steel East" in digest[0].text and any(s.msgtype == "image" for s in digest)
        assert set(fake.chats[chatid]["userlist"]) == {"ada", "max.m", "rita.rep"}  # the manager reads it
    finally:
        await http.aclose()
        await platform.shutdown()
        await fake.stop()
