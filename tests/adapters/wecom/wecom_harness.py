"""Driving kam-bot as WeCom does: signed, encrypted callbacks posted to ``/wecom/events``, and
WeCom's server API faked on loopback (``fakes.wecom_api``).

    wecom = await start_wecom(sqlite_engine, make_app)
    sent = await wecom.say("visit Baosteel met Li Wei")      # what the bot sent Rita since
    await wecom.press(sent[-1], "draft.save|yes")
    await wecom.close()
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from factories import Seed, seed_team
from fakes.wecom_api import FakeWecom, Sent
from sqlalchemy import Engine
from starlette.applications import Starlette
from wecom_callbacks import AES_KEY, CORP_ID, TOKEN, WecomSigner, card_event, text_message

from kam_bot.adapters.wecom.app import WecomBot
from kam_bot.adapters.wecom.settings import WecomSettings
from kam_bot.bootstrap import App
from kam_bot.services.transfer import import_csv

RITA = "rita.rep"
MAX = "max.m"
ADA = "ada"
USERS = f"email,display_name,wecom_id\nrita@example.com,Rita Rep,{RITA}\nada@example.com,Ada Admin,{ADA}\n"


def settings(url: str) -> WecomSettings:
    return WecomSettings(
        corp_id=CORP_ID, agent_id="1000002", secret="test-secret", token=TOKEN, aes_key=AES_KEY, api_url=url
    )


@dataclass
class WecomDriver:
    app: App
    bot: WecomBot
    fake: FakeWecom
    http: httpx.AsyncClient
    seed: Seed
    signer: WecomSigner = field(default_factory=WecomSigner)
    _ids: Any = field(default_factory=lambda: itertools.count(7_000_000_000_000_000_001))

    def now(self) -> int:
        return int(self.app.clock().timestamp())

    async def post(self, plain_xml: str, *, timestamp: int | None = None) -> httpx.Response:
        query, body = self.signer.post(plain_xml, timestamp if timestamp is not None else self.now())
        response = await self.http.post(f"/wecom/events?{query}", content=body)
        await self.bot.drain()
        return response

    async def say(self, text: str, userid: str = RITA) -> list[Sent]:
        before = len(self.fake.sent)
        response = await self.post(text_message(userid, text, next(self._ids), self.now()))
        assert response.status_code == 200 and response.text == "", response.text
        return [s for s in self.fake.sent[before:] if s.to == userid]

    async def press(self, card: Sent, key: str, userid: str = RITA) -> list[Sent]:
        code = self.fake.click(card, key)
        before = len(self.fake.sent)
        event = card_event(userid, key, str(card.content["task_id"]), code, self.now())
        response = await self.post(event)
        assert response.status_code == 200, response.text
        return [s for s in self.fake.sent[before:] if s.to == userid]

    async def close(self) -> None:
        await self.http.aclose()
        await self.bot.shutdown()
        await self.fake.stop()


async def start_wecom(engine: Engine, make_app: Callable[[Engine], App]) -> WecomDriver:
    app = make_app(engine)
    seed = seed_team(app)
    report = import_csv(app, "users", io.StringIO(USERS), actor=seed.admin)
    assert report.errors == [], report.errors
    fake = await FakeWecom().start()
    fake.add_member(RITA, "Rita Rep", "rita@example.com")
    fake.add_member(ADA, "Ada Admin", "ada@example.com")
    fake.add_member(MAX, "Max Manager", "max@example.com")
    bot = WecomBot.build(app, settings(fake.url))
    server = Starlette(routes=list(bot.routes()))
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=server), base_url="http://kam-bot")
    return WecomDriver(app=app, bot=bot, fake=fake, http=http, seed=seed)
