"""Driving the Feishu bot the way Feishu does, against ``FakeFeishu`` with the real SDK in the loop.

Events are built here as Feishu documents them (FD im-v1/message/events/receive, card callback
``card.action.trigger``) and, in HTTP mode, encrypted and signed by this module's own code,
written from the published description (key = SHA-256 of the Encrypt Key, AES-256-CBC with a
random IV in front, PKCS#7, base64; ``X-Lark-Signature`` = hex SHA-256 of timestamp + nonce +
Encrypt Key + body), not with the adapter's. In websocket mode they travel as frames of the
fake gateway to the SDK's long-connection client.

    feishu = await start_feishu(engine, make_app, clock)
    await feishu.say("visit Baosteel met Wang Lei")
    card = feishu.last_card()
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import itertools
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from conftest import FrozenClock
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from factories import Seed, seed_team
from fakes.feishu_open import FakeFeishu, Message, answer_data
from lark_oapi.core.token.manager import TokenManager
from sqlalchemy import Engine
from starlette.applications import Starlette

from kam_bot.adapters.feishu.app import FeishuBot
from kam_bot.adapters.feishu.settings import FeishuSettings
from kam_bot.bootstrap import App

APP_ID = "cli_a1b2c3d4e5"
APP_SECRET = "app-secret-1"
TOKEN = "verification-token-1"
ENCRYPT_KEY = "encrypt-key-1"
RITA = {"open_id": "ou_rita", "union_id": "on_rita", "user_id": "rita01", "name": "Rita Rep",
        "email": "rita@example.com", "mobile": "+8613800000001"}  # fmt: skip
NEWBIE = {"open_id": "ou_nina", "union_id": "on_nina", "user_id": "nina01", "name": "Nina New"}
ADA = {"open_id": "ou_ada", "union_id": "on_ada", "user_id": "ada01", "name": "Ada Admin",
       "email": "ada@example.com"}  # fmt: skip
GROUP = "oc_group_steel"
IDS = ("open_id", "union_id", "user_id")


def encrypt(key: str, plaintext: bytes) -> str:
    """AES-256-CBC, key SHA-256(``key``), a random IV in front, PKCS#7 padding, base64."""
    pad = 16 - len(plaintext) % 16
    iv = os.urandom(16)
    encryptor = Cipher(algorithms.AES(hashlib.sha256(key.encode()).digest()), modes.CBC(iv)).encryptor()
    return base64.b64encode(
        iv + encryptor.update(plaintext + bytes([pad]) * pad) + encryptor.finalize()
    ).decode()


def sign(timestamp: str, nonce: str, key: str, body: bytes) -> str:
    return hashlib.sha256(timestamp.encode() + nonce.encode() + key.encode() + body).hexdigest()


@dataclass
class FeishuDriver:
    app: App
    bot: FeishuBot
    fake: FakeFeishu
    http: httpx.AsyncClient
    seed: Seed
    clock: FrozenClock
    mode: str
    waits: list[float] = field(default_factory=list)
    """What the bot waited, in seconds, before trying a reply again (a rate limit)."""
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    # -- building what Feishu sends ------------------------------------------------------------

    def header(self, event_type: str) -> dict[str, Any]:
        return {
            "event_id": f"ev{next(self._ids):08d}", "token": TOKEN,
            "create_time": str(int(self.clock.now.timestamp() * 1000)), "event_type": event_type,
            "tenant_key": "tenant-1", "app_id": APP_ID,
        }  # fmt: skip

    def message_event(
        self, text: str, person: dict[str, str] = RITA, chat_type: str = "p2p", kind: str = "text"
    ) -> dict[str, Any]:
        chat = self.fake.chat_of(person["open_id"]) if chat_type == "p2p" else GROUP
        mentions = []
        if chat_type == "group":
            text = f"@_user_1 {text}"
            mentions = [
                {"key": "@_user_1", "id": {"open_id": "ou_bot"}, "name": "kam-bot", "tenant_key": "t"}
            ]
        content = json.dumps({"text": text} if kind == "text" else {"image_key": "img_x"})
        return {
            "schema": "2.0",
            "header": self.header("im.message.receive_v1"),
            "event": {
                "sender": {"sender_id": {k: person[k] for k in IDS},
                           "sender_type": "user", "tenant_key": "tenant-1"},
                "message": {"message_id": f"om_in{next(self._ids)}", "create_time": "1764000000000",
                            "chat_id": chat, "chat_type": chat_type, "message_type": kind,
                            "content": content, "mentions": mentions},
            },
        }  # fmt: skip

    def card_event(
        self, message: Message, value: dict[str, Any], form_value: dict[str, Any] | None = None,
        person: dict[str, str] = RITA,
    ) -> dict[str, Any]:  # fmt: skip
        action: dict[str, Any] = {"value": value, "tag": "button", "timezone": "Asia/Shanghai"}
        if form_value is not None:
            action.update(form_value=form_value, name="save")
        return {
            "schema": "2.0",
            "header": self.header("card.action.trigger"),
            "event": {
                "operator": {"tenant_key": "tenant-1", **{k: person[k] for k in IDS}},
                "token": f"c-{next(self._ids)}", "action": action, "host": "im_message",
                "context": {"open_message_id": message.message_id, "open_chat_id": message.chat_id},
            },
        }  # fmt: skip

    # -- sending it ------------------------------------------------------------------------------

    def signed(
        self, event: dict[str, Any], *, key: str = ENCRYPT_KEY, age: float = 0.0
    ) -> tuple[bytes, dict[str, str]]:
        body = json.dumps({"encrypt": encrypt(key, json.dumps(event).encode())}).encode()
        stamp = str(int(self.clock.now.timestamp() - age))
        nonce = f"n{next(self._ids)}"
        headers = {"X-Lark-Request-Timestamp": stamp, "X-Lark-Request-Nonce": nonce,
                   "X-Lark-Signature": sign(stamp, nonce, key, body)}  # fmt: skip
        return body, headers

    async def post(self, body: bytes, headers: dict[str, str]) -> httpx.Response:
        return await self.http.post("/feishu/events", content=body, headers=headers)

    async def deliver(self, event: dict[str, Any]) -> dict[str, Any]:
        """``event`` the way the mode delivers it; returns what the bot answered (a callback's card)."""
        if self.mode == "http":
            response = await self.post(*self.signed(event))
            assert response.status_code == 200, response.text
            answered = dict(response.json())
        else:
            kind = "card" if event["header"]["event_type"] == "card.action.trigger" else "event"
            pushed = await self.fake.push(event, kind)
            assert pushed["answer"]["code"] == 200, pushed
            answered = answer_data(pushed)
        await asyncio.to_thread(self.bot.drain)
        return answered

    async def say(self, text: str, person: dict[str, str] = RITA, chat_type: str = "p2p") -> Message:
        before = len(self.fake.messages)
        await self.deliver(self.message_event(text, person, chat_type))
        assert len(self.fake.messages) > before, "the bot posted nothing"
        return list(self.fake.messages.values())[-1]

    async def press(
        self, message: Message, value: dict[str, Any], form_value: dict[str, Any] | None = None,
        person: dict[str, str] = RITA,
    ) -> dict[str, Any]:  # fmt: skip
        """A button on ``message``; returns the card Feishu shows in its place."""
        answered = await self.deliver(self.card_event(message, value, form_value, person))
        assert answered.get("card", {}).get("type") == "raw", answered
        return dict(answered["card"]["data"])

    async def close(self) -> None:
        await self.bot.shutdown()
        await self.http.aclose()
        self.fake.stop()


async def start_feishu(
    engine: Engine, make_app: Callable[[Engine], App], clock: FrozenClock, mode: str = "http", **settings: Any
) -> FeishuDriver:
    app = make_app(engine)
    seed = seed_team(app)
    fake = FakeFeishu(APP_ID, APP_SECRET, latency=settings.pop("latency", 0.0)).start()
    for person in (RITA, ADA):
        fake.users[person["open_id"]] = dict(person)
    TokenManager.cache.set(f"self_tenant_token:{APP_ID}", "", 0)  # a token of an earlier fake
    config = FeishuSettings(
        app_id=APP_ID, app_secret=APP_SECRET, verification_token=TOKEN, encrypt_key=ENCRYPT_KEY,
        mode=mode, api_url=fake.url, **settings,
    )  # fmt: skip
    waits: list[float] = []
    bot = FeishuBot.build(app, config, sleep=waits.append)
    await bot.startup()
    if mode == "websocket":
        assert await asyncio.to_thread(fake.wait_connected), "the long connection did not connect"
    asgi = Starlette(routes=list(bot.routes()))
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=asgi), base_url="http://bot.test")
    return FeishuDriver(
        app=app, bot=bot, fake=fake, http=http, seed=seed, clock=clock, mode=mode, waits=waits
    )
