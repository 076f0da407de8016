"""A local DingTalk: the open platform's HTTP APIs and the Stream gateway, on loopback.

Run on its own thread and event loop (aiohttp), so the real ``dingtalk-stream`` client (which
opens its connection with a blocking ``requests`` call) can connect to it from anywhere.

Shapes and rules, with their sources:

- Stream gateway (dingtalk_stream/stream.py ``open_connection``, ``start``, ``route_message``;
  open-dingtalk/developerpedia ``docs/learn/stream/protocol.md``): ``POST
  /v1.0/gateway/connections/open {clientId, clientSecret, subscriptions, ua, localIp}`` →
  ``{endpoint, ticket}``; the client connects to ``endpoint?ticket=`` (a ticket works once).
  Frames are JSON text ``{specVersion, type: SYSTEM|EVENT|CALLBACK, headers{appId,
  connectionId, contentType, messageId, time, topic}, data: "<JSON string>"}``; the client acks
  ``{code, headers{messageId, contentType}, message, data}`` (frames.py ``AckMessage``); a
  SYSTEM ``ping`` is answered with its ``data`` echoed (handlers.py ``SystemHandler``).
  DingTalk's redelivery of a late-acked robot message (same ``msgId``, observed by users,
  soimy/openclaw-channel-dingtalk#390) is ``push`` of the same data again.
- Token (stream.py ``get_access_token``): ``POST /v1.0/oauth2/accessToken {appKey, appSecret}``
  → ``{accessToken, expireIn: 7200}``. A wrong secret: 400 ``{"code": "invalidClientSecret"}``;
  a revoked or unknown token on any call: HTTP **400** ``{"code": "InvalidAuthentication",
  "message": "不合法的access_token"}`` (satorijs/satori#240), not 401.
- Robot messages (alibabacloud_dingtalk ``robot_1_0`` client and models): ``POST
  /v1.0/robot/oToMessages/batchSend {robotCode, userIds, msgKey, msgParam}`` → 200
  ``{processQueryKey, invalidStaffIdList, flowControlledStaffIdList}``: throttling hides in the
  200 (more than ``per_minute`` sends to a user in a minute) and unknown users are listed, not
  refused; ``POST /v1.0/robot/groupMessages/send {robotCode, openConversationId, msgKey,
  msgParam}`` → ``{processQueryKey}``; a group the robot is not in: 400
  ``{"code": "resource.not.found"}``. ``msgParam`` must be a JSON string.
- Media (stream.py ``upload_to_dingtalk``): ``POST /media/upload?access_token=`` multipart
  ``media`` + ``type=image`` → ``{errcode: 0, media_id}``; not a PNG/JPEG → errcode 40005.
- Contacts (open.dingtalk.com "查询用户详情"): ``POST /topapi/v2/user/get?access_token=
  {userid}`` → ``{errcode: 0, result{userid, name, email, org_email, mobile, unionid}}``;
  unknown user: errcode 60121.
- Session webhook (chatbot.py ``reply_text``/``reply_markdown``): ``POST
  /robot/sendBySession?session=`` ``{msgtype, markdown{title, text}}`` → ``{errcode: 0}``; more
  than 20 a minute to one session: errcode 130101 "send too fast" in a 200
  (china-platforms.md §5, unverified upstream).

``latency`` delays every HTTP answer; ``fail_next(path, status, body, headers)`` makes the next
call to ``path`` fail (429 with ``Retry-After``, 502 ...). Everything is recorded in ``calls``.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
import uuid
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

BOT_TOPIC = "/v1.0/im/bot/messages/get"
PNG = b"\x89PNG\r\n\x1a\n"


@dataclass
class Call:
    path: str
    body: dict[str, Any]
    token: str | None

    @property
    def param(self) -> dict[str, Any]:
        """``msgParam`` decoded (robot sends) or the webhook's ``markdown``."""
        if "msgParam" in self.body:
            return dict(json.loads(self.body["msgParam"]))
        return dict(self.body.get("markdown") or self.body.get("text") or {})

    @property
    def text(self) -> str:
        return str(self.param.get("text") or self.param.get("content") or "")


@dataclass
class FakeDingTalk:
    client_id: str = "ding-app"
    client_secret: str = "ding-secret"
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    """userid -> profile (name, email, unionid ...): who is in the organisation."""
    groups: set[str] = field(default_factory=set)
    """openConversationIds of the groups the robot was added to."""
    latency: float = 0.0
    per_minute: int = 20
    calls: list[Call] = field(default_factory=list)
    frames: list[dict[str, Any]] = field(default_factory=list)
    """Every frame the client sent (acks)."""
    tokens_issued: int = 0
    connections: int = 0

    def __post_init__(self) -> None:
        self._tokens: set[str] = set()
        self._tickets: set[str] = set()
        self._failures: dict[str, deque[tuple[int, dict[str, Any], dict[str, str]]]] = defaultdict(deque)
        self._sent: dict[str, deque[float]] = defaultdict(deque)
        self._sockets: list[web.WebSocketResponse] = []
        self._media = itertools.count(1)
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True, name="fake-dingtalk")
        self.url = ""

    # -- running --------------------------------------------------------------------------

    def start(self) -> FakeDingTalk:
        self._thread.start()
        self._ready.wait(10)
        return self

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_post("/v1.0/gateway/connections/open", self._open)
        app.router.add_get("/connect", self._connect)
        app.router.add_post("/v1.0/oauth2/accessToken", self._token)
        app.router.add_post("/v1.0/robot/oToMessages/batchSend", self._batch_send)
        app.router.add_post("/v1.0/robot/groupMessages/send", self._group_send)
        app.router.add_post("/media/upload", self._upload)
        app.router.add_post("/topapi/v2/user/get", self._user_get)
        app.router.add_post("/robot/sendBySession", self._session)
        self._runner = web.AppRunner(app)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        self._ready.set()
        self._loop.run_forever()

    # -- what tests do --------------------------------------------------------------------

    def fail_next(
        self, path: str, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        self._failures[path].append((status, body, headers or {}))

    def revoke_tokens(self) -> None:
        """Every token issued so far becomes invalid (DingTalk answers 400 to them)."""
        self._tokens.clear()

    def webhook(self, session: str = "s1") -> str:
        return f"{self.url}/robot/sendBySession?session={session}"

    def push(self, data: dict[str, Any], message_id: str | None = None, topic: str = BOT_TOPIC) -> str:
        """Push a CALLBACK frame to the connected client; returns the frame's messageId."""
        message_id = message_id or uuid.uuid4().hex
        frame = {
            "specVersion": "1.0",
            "type": "CALLBACK",
            "headers": {
                "appId": self.client_id,
                "connectionId": "conn-1",
                "contentType": "application/json",
                "messageId": message_id,
                "time": str(int(time.time() * 1000)),
                "topic": topic,
            },
            "data": json.dumps(data, ensure_ascii=False),
        }
        self._send_frame(frame)
        return message_id

    def ping(self, opaque: str = "op-1") -> str:
        message_id = uuid.uuid4().hex
        frame = {
            "specVersion": "1.0",
            "type": "SYSTEM",
            "headers": {"contentType": "application/json", "messageId": message_id, "topic": "ping"},
            "data": json.dumps({"opaque": opaque}),
        }
        self._send_frame(frame)
        return message_id

    def _send_frame(self, frame: dict[str, Any]) -> None:
        async def send() -> None:
            for ws in list(self._sockets):
                await ws.send_str(json.dumps(frame, ensure_ascii=False))
                return
            raise AssertionError("no Stream client connected")

        asyncio.run_coroutine_threadsafe(send(), self._loop).result(10)

    def ack(self, message_id: str) -> dict[str, Any] | None:
        return next((f for f in self.frames if f.get("headers", {}).get("messageId") == message_id), None)

    async def acked(self, message_id: str, within: float = 20.0) -> dict[str, Any]:
        """Wait (in the test's loop) until the client acked ``message_id``."""
        deadline = time.monotonic() + within
        while (found := self.ack(message_id)) is None:
            if time.monotonic() > deadline:
                raise AssertionError(f"no ack for {message_id}; frames {self.frames}")
            await asyncio.sleep(0.02)
        return found

    async def connected(self, within: float = 20.0) -> None:
        deadline = time.monotonic() + within
        while not self._sockets:
            if time.monotonic() > deadline:
                raise AssertionError("the Stream client did not connect")
            await asyncio.sleep(0.02)

    def sent(self, path: str) -> list[Call]:
        return [c for c in self.calls if c.path == path]

    # -- helpers ----------------------------------------------------------------------------

    async def _enter(self, request: web.Request) -> web.Response | None:
        if self.latency:
            await asyncio.sleep(self.latency)
        queued = self._failures.get(request.path)
        if queued:
            status, body, headers = queued.popleft()
            return web.json_response(body, status=status, headers=headers)
        return None

    def _new_token_ok(self, request: web.Request) -> str | None:
        token = request.headers.get("x-acs-dingtalk-access-token") or request.query.get("access_token")
        return token if token in self._tokens else None

    @staticmethod
    def _invalid_token() -> web.Response:
        return web.json_response(
            {"code": "InvalidAuthentication", "message": "不合法的access_token", "requestid": "r"}, status=400
        )

    def _limited(self, key: str) -> bool:
        now = time.monotonic()
        sent = self._sent[key]
        while sent and now - sent[0] > 60:
            sent.popleft()
        if len(sent) >= self.per_minute:
            return True
        sent.append(now)
        return False

    # -- the gateway --------------------------------------------------------------------------

    async def _open(self, request: web.Request) -> web.Response:
        body = await request.json()
        if body.get("clientId") != self.client_id or body.get("clientSecret") != self.client_secret:
            return web.json_response({"code": "invalidClientSecret", "message": "bad credential"}, status=401)
        if not any(s.get("topic") == BOT_TOPIC for s in body.get("subscriptions") or []):
            return web.json_response({"code": "invalidParameter", "message": "no subscription"}, status=400)
        ticket = uuid.uuid4().hex
        self._tickets.add(ticket)
        host = self.url.replace("http://", "ws://")
        return web.json_response({"endpoint": f"{host}/connect", "ticket": ticket})

    async def _connect(self, request: web.Request) -> web.StreamResponse:
        ticket = request.query.get("ticket", "")
        if ticket not in self._tickets:
            return web.Response(status=401, text="invalid ticket")
        self._tickets.discard(ticket)  # single use
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        self.connections += 1
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    self.frames.append(json.loads(msg.data))
        finally:
            self._sockets.remove(ws)
        return ws

    # -- the open platform --------------------------------------------------------------------

    async def _token(self, request: web.Request) -> web.Response:
        if (failed := await self._enter(request)) is not None:
            return failed
        body = await request.json()
        if body.get("appKey") != self.client_id or body.get("appSecret") != self.client_secret:
            return web.json_response(
                {"code": "invalidClientSecret", "message": "appSecret不正确"}, status=400
            )
        token = uuid.uuid4().hex
        self._tokens.add(token)
        self.tokens_issued += 1
        return web.json_response({"accessToken": token, "expireIn": 7200})

    async def _robot(self, request: web.Request) -> tuple[web.Response | None, dict[str, Any], str | None]:
        if (failed := await self._enter(request)) is not None:
            return failed, {}, None
        token = self._new_token_ok(request)
        if token is None:
            return self._invalid_token(), {}, None
        body = await request.json()
        if body.get("robotCode") != self.client_id or not isinstance(body.get("msgParam"), str):
            return (
                web.json_response({"code": "invalidParameter", "message": "robotCode/msgParam"}, status=400),
                {},
                token,
            )
        json.loads(body["msgParam"])
        self.calls.append(Call(request.path, body, token))
        return None, body, token

    async def _batch_send(self, request: web.Request) -> web.Response:
        refused, body, _ = await self._robot(request)
        if refused is not None:
            return refused
        invalid = [u for u in body["userIds"] if u not in self.members]
        throttled = [u for u in body["userIds"] if u in self.members and self._limited(f"user:{u}")]
        answer: dict[str, Any] = {"processQueryKey": uuid.uuid4().hex}
        if invalid:
            answer["invalidStaffIdList"] = invalid
        if throttled:
            answer["flowControlledStaffIdList"] = throttled
        return web.json_response(answer)

    async def _group_send(self, request: web.Request) -> web.Response:
        refused, body, _ = await self._robot(request)
        if refused is not None:
            return refused
        if body.get("openConversationId") not in self.groups:
            return web.json_response({"code": "resource.not.found", "message": "群不存在"}, status=400)
        return web.json_response({"processQueryKey": uuid.uuid4().hex})

    async def _upload(self, request: web.Request) -> web.Response:
        if (failed := await self._enter(request)) is not None:
            return failed
        if self._new_token_ok(request) is None:
            return web.json_response({"errcode": 40014, "errmsg": "不合法的access_token"})
        form = await request.post()
        media = form.get("media")
        content = media.file.read() if isinstance(media, web.FileField) else b""
        if form.get("type") != "image" or not content.startswith(PNG):
            return web.json_response({"errcode": 40005, "errmsg": "不合法的文件类型"})
        media_id = f"@lADP{next(self._media)}"
        self.calls.append(Call(request.path, {"media_id": media_id, "bytes": len(content)}, None))
        return web.json_response({"errcode": 0, "errmsg": "ok", "media_id": media_id, "type": "image"})

    async def _user_get(self, request: web.Request) -> web.Response:
        if (failed := await self._enter(request)) is not None:
            return failed
        if self._new_token_ok(request) is None:
            return web.json_response({"errcode": 40014, "errmsg": "不合法的access_token"})
        body = await request.json()
        self.calls.append(Call(request.path, body, None))
        member = self.members.get(str(body.get("userid")))
        if member is None:
            return web.json_response({"errcode": 60121, "errmsg": "找不到该用户"})
        return web.json_response(
            {"errcode": 0, "errmsg": "ok", "result": {"userid": body["userid"], **member}}
        )

    async def _session(self, request: web.Request) -> web.Response:
        if (failed := await self._enter(request)) is not None:
            return failed
        body = await request.json()
        if self._limited(f"session:{request.query.get('session')}"):
            return web.json_response({"errcode": 130101, "errmsg": "send too fast"})
        self.calls.append(Call(request.path, {**body, "_session": request.query.get("session")}, None))
        return web.json_response({"errcode": 0, "errmsg": "ok"})


def main() -> None:
    """Try kam-bot by hand with this fake in place of DingTalk (`.venv/bin/python
    tests/fakes/dingtalk_open.py`): export the printed variables, run `kam-bot serve`, then type
    ``USERID: text`` here (``ding-admin@GROUP: digest TEAM`` in a group); what the robot sends
    is printed."""
    members = {"ding-rita": {"name": "Rita", "email": "rita@example.com"}, "ding-admin": {"name": "Admin"}}
    fake = FakeDingTalk(members=members, groups={"cidGroup=="}).start()
    print(f"export DINGTALK_CLIENT_ID={fake.client_id} DINGTALK_CLIENT_SECRET={fake.client_secret}")
    print(f"export DINGTALK_API_URL={fake.url}")
    shown, n = 0, itertools.count(1)
    while True:
        try:
            line = input("> ").strip()
        except EOFError:
            break
        who, _, text = line.partition(":")
        user, _, group = who.strip().partition("@")
        now = int(time.time() * 1000)
        i = next(n)
        data = {
            "msgId": f"hand{i}-{now}", "msgtype": "text", "text": {"content": text.strip()},
            "conversationType": "2" if group else "1", "conversationId": group or f"cid-{user}",
            "senderStaffId": user, "senderNick": user, "robotCode": fake.client_id,
            "sessionWebhook": fake.webhook(f"hand{i}"), "sessionWebhookExpiredTime": now + 5_400_000,
        }  # fmt: skip
        if fake._sockets:
            fake.push(data)
        time.sleep(1.5)
        for call in fake.calls[shown:]:
            if call.path != "/topapi/v2/user/get":
                print(f"[{call.path}] {call.text}\n")
        shown = len(fake.calls)
    fake.stop()


if __name__ == "__main__":
    main()
