"""Driving kam-bot the way DingTalk does: robot messages pushed over the real ``dingtalk-stream``
client's connection to a local gateway (``fakes.dingtalk_open``), or POSTed as signed HTTP
callbacks; answers read from what the fake received.

    async with start_dingtalk(engine, make_app, clock) as ding:
        said = await ding.say("visit Baosteel met Wang Lei")
        said.text, said.buttons        # the Markdown answer and its send-message links
        await ding.press(said.buttons["Save"])

The HTTP callbacks are signed here, with DingTalk's published algorithm written out apart
from the adapter's code: Base64(HMAC-SHA256(AppSecret, timestamp + "\\n" + AppSecret)).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

import httpx
from conftest import FrozenClock
from factories import Seed, seed_team
from fakes.dingtalk_open import Call, FakeDingTalk
from sqlalchemy import Engine
from starlette.applications import Starlette

from kam_bot import platforms
from kam_bot.adapters.dingtalk.app import DingTalkPlatform
from kam_bot.adapters.dingtalk.settings import DingTalkSettings
from kam_bot.bootstrap import App, bootstrap, build_platforms
from kam_bot.config import Settings

MONDAY_MORNING = datetime(2026, 11, 23, 0, 30, tzinfo=UTC)  # 08:30 in Shanghai: the morning DMs
GROUP = "cidSteelEast=="
MEMBERS = {
    "ding-rita": {
        "name": "Rita Rep",
        "email": "rita@example.com",
        "unionid": "union-rita",
        "mobile": "13800000001",
    },
    "ding-ada": {"name": "Ada Admin", "org_email": "ada@example.com", "unionid": "union-ada"},
    "ding-nina": {"name": "倪娜", "unionid": "union-nina"},
}
_LINK = re.compile(r"\[((?:[^\]\\]|\\.)+)\]\(dtmd://dingtalkclient/sendMessage\?content=([^)\s]+)\)")


def sign(secret: str, timestamp: str) -> str:
    mac = hmac.new(secret.encode("utf-8"), (timestamp + "\n" + secret).encode("utf-8"), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode("ascii")


@dataclass
class Said:
    """An answer as DingTalk shows it: Markdown text and its buttons (label -> line it sends)."""

    call: Call

    @property
    def text(self) -> str:
        return self.call.text

    @property
    def buttons(self) -> dict[str, str]:
        return {label.replace("\\", ""): unquote(content) for label, content in _LINK.findall(self.text)}


@dataclass
class DingTalkDriver:
    app: App
    seed: Seed
    fake: FakeDingTalk
    platform: DingTalkPlatform
    clock: FrozenClock
    http: httpx.AsyncClient | None = None
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    def message(
        self, text: str, user: str = "ding-rita", group: str | None = None, **extra: Any
    ) -> dict[str, Any]:
        """A robot message as DingTalk sends it (shape: dingtalk_stream ``ChatbotMessage``)."""
        n = next(self._ids)
        now_ms = int(self.clock().timestamp() * 1000)
        data = {
            "msgId": f"msg{n}",
            "msgtype": "text",
            "text": {"content": text},
            "conversationType": "2" if group else "1",
            "conversationId": group or f"cid-1on1-{user}",
            "senderId": f"$:LWCP_v1:${user}",
            "senderStaffId": user,
            "senderNick": MEMBERS.get(user, {}).get("name", user),
            "senderCorpId": "ding-corp",
            "chatbotCorpId": "ding-corp",
            "chatbotUserId": "$:LWCP_v1:$bot",
            "robotCode": self.fake.client_id,
            "isAdmin": user == "ding-ada",
            "isInAtList": bool(group),
            "createAt": now_ms,
            "sessionWebhook": self.fake.webhook(f"msg{n}"),
            "sessionWebhookExpiredTime": now_ms + 90 * 60 * 1000,
        }
        return data | extra

    async def deliver(self, data: dict[str, Any], frame_id: str | None = None) -> dict[str, Any] | None:
        """The message delivered the configured way; returns the Stream ack (None over HTTP)."""
        if self.http is None:
            return await self.fake.acked(self.fake.push(data, message_id=frame_id))
        response = await self.post(data)
        assert response.status_code == 200, response.text
        return None

    async def post(
        self, data: dict[str, Any], timestamp: str | None = None, secret: str | None = None
    ) -> httpx.Response:
        assert self.http is not None
        body = json.dumps(data, ensure_ascii=False).encode()
        ts = timestamp or str(int(self.clock().timestamp() * 1000))
        headers = {
            "timestamp": ts,
            "sign": sign(secret or self.fake.client_secret, ts),
            "content-type": "application/json",
        }
        return await self.http.post("/dingtalk/events", content=body, headers=headers)

    def answer_to(self, data: dict[str, Any]) -> Said:
        session = str(data["sessionWebhook"]).rpartition("=")[2]
        calls = [c for c in self.fake.sent("/robot/sendBySession") if c.body.get("_session") == session]
        assert calls, f"no answer to {data['msgId']}"
        return Said(calls[-1])

    async def say(self, text: str, user: str = "ding-rita", group: str | None = None) -> Said:
        data = self.message(text, user, group)
        await self.deliver(data)
        return self.answer_to(data)

    async def press(self, line: str, user: str = "ding-rita") -> Said:
        """Tapping a button: DingTalk makes the person send the link's line."""
        return await self.say(line, user)


@asynccontextmanager
async def start_dingtalk(
    engine: Engine, make_app: Callable[[Engine], App], clock: FrozenClock, mode: str = "stream"
) -> AsyncIterator[DingTalkDriver]:
    clock.now = MONDAY_MORNING
    fake = FakeDingTalk(members=dict(MEMBERS), groups={GROUP}).start()
    settings = DingTalkSettings(
        client_id=fake.client_id,
        client_secret=fake.client_secret,
        robot_code=fake.client_id,
        mode=mode,
        api_url=fake.url,
    )
    configured = {**platforms.load_settings(), "dingtalk": settings}
    app = bootstrap(
        Settings(database_url=str(engine.url)), engine=engine, clock=clock, platform_settings=configured
    )
    seed = seed_team(app)
    [platform] = [p for p in build_platforms(app) if p.name == "dingtalk"]
    assert isinstance(platform, DingTalkPlatform)
    driver = DingTalkDriver(app, seed, fake, platform, clock)
    await platform.startup()
    try:
        if mode == "stream":
            await fake.connected()
            yield driver
        else:
            server = Starlette(routes=list(platform.routes()))
            transport = httpx.ASGITransport(app=server)
            async with httpx.AsyncClient(transport=transport, base_url="http://dingtalk") as http:
                driver.http = http
                yield driver
    finally:
        await platform.shutdown()
        fake.stop()
