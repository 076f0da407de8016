"""A local server that answers like Feishu's open platform, for the real ``lark-oapi`` client.

Point ``FEISHU_API_URL`` (the client's ``domain``) at ``fake.url``. Shapes come from:

- ``POST /open-apis/auth/v3/tenant_access_token/internal`` -> ``{code, msg, tenant_access_token,
  expire}`` (FD authentication-management/access-token/tenant_access_token_internal; the SDK's
  ``core/token/manager.py`` reads it). A wrong secret: code 10014.
- Every other API wants ``Authorization: Bearer <tenant_access_token>``: none -> HTTP 400 code
  99991661, an unknown or revoked one -> HTTP 400 code 99991663 (FD server-side error codes).
- ``POST /open-apis/im/v1/messages?receive_id_type=…`` ``{receive_id, msg_type, content, uuid}``
  -> ``data{message_id, chat_id, msg_type, body{content}, …}``; one ``uuid`` posts at most one
  message (the same one is answered again); a card over 30 KB -> code 230025; a card breaking
  the JSON 2.0 rules checked in ``card_problems`` -> code 230099 (FD im-v1/message/create, card
  JSON 2.0 structure; the two codes from FD's error list).
- ``PATCH /open-apis/im/v1/messages/:message_id`` ``{content}``: only a card sent with
  ``config.update_multi`` (code 230099 otherwise; FD message/patch).
- ``GET /open-apis/im/v1/messages?container_id_type=chat&container_id=…`` -> ``data{items,
  has_more}`` (FD message/list).
- ``POST /open-apis/im/v1/images`` multipart ``image_type``, ``image`` (a PNG/JPEG, ≤ 10 MB) ->
  ``data{image_key}`` (FD im-v1/image/create).
- ``GET /open-apis/contact/v3/users/:id?user_id_type=open_id`` -> ``data{user{…}}``;
  ``POST /open-apis/contact/v3/users/batch_get_id`` ``{emails, mobiles}`` -> ``data{user_list}``
  (FD contact-v3/user/get, user/batch_get_id; LS ``api/contact/v3/model``). Unknown user: 41050.
- Rate limits: ``limit_next(path, n)`` answers HTTP 429, code 99991400 with
  ``x-ogw-ratelimit-reset`` (FD frequency-control). ``latency`` delays every answer.
- The long connection: ``POST /callback/ws/endpoint {AppID, AppSecret}`` -> ``{code, data{URL,
  ClientConfig}}`` then a websocket at that URL speaking ``pbbp2.Frame`` (LS ``ws/client.py``,
  ``ws/const.py``, ``ws/enum.py``, ``ws/pb/pbbp2_pb2.py``: the SDK's own protobuf definition is
  the wire schema): ``push`` sends a data frame (``type`` event or card) and returns the
  client's answer; a ping frame is answered with a pong. Refused credentials answer a non-zero
  ``code`` (the SDK raises on any code but 0, 1 and 1000040343; the exact code Feishu uses there
  is not documented: 1000040345 here).
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlparse

from aiohttp import WSMsgType, web
from lark_oapi.ws.pb.pbbp2_pb2 import Frame

MAX_CARD_BYTES = 30 * 1024
MAX_ELEMENTS = 200
INPUT_MAX = 1000
IMAGE_MAX = 10 * 1024 * 1024
ELEMENT_TAGS = {
    "markdown", "div", "hr", "img", "button", "column_set", "column", "form", "input",
    "select_static", "multi_select_static", "date_picker", "note", "collapsible_panel",
}  # fmt: skip
INPUT_TAGS = {"input", "select_static", "multi_select_static", "date_picker"}


def _walk(elements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for element in elements:
        out.append(element)
        out += _walk(element.get("elements") or [])
        for column in element.get("columns") or []:
            out.append(column)
            out += _walk(column.get("elements") or [])
    return out


def card_problems(card: dict[str, Any]) -> list[str]:
    """What Feishu's card JSON 2.0 rules refuse in ``card`` (FD card JSON 2.0 structure, form
    container, input, select, date picker, button pages)."""
    problems = []
    if card.get("schema") != "2.0":
        problems.append("schema is not 2.0")
    body = card.get("body")
    if not isinstance(body, dict) or not isinstance(body.get("elements"), list):
        return [*problems, "body.elements missing"]
    every = _walk(body["elements"])
    if len(every) > MAX_ELEMENTS:
        problems.append(f"{len(every)} elements (at most {MAX_ELEMENTS})")
    for element in every:
        tag = element.get("tag")
        if tag not in ELEMENT_TAGS:
            problems.append(f"unknown tag {tag}")
        if tag == "button":
            for behavior in element.get("behaviors") or []:
                if behavior.get("type") == "callback" and not isinstance(behavior.get("value"), dict):
                    problems.append("a callback value must be an object")
        if tag == "input":
            limit = element.get("max_length", INPUT_MAX)
            if not 1 <= limit <= INPUT_MAX:
                problems.append(f"input max_length {limit}")
            if len(element.get("default_value") or "") > limit:
                problems.append("input default_value longer than max_length")
        if tag in {"select_static", "multi_select_static"}:
            values = [o.get("value") for o in element.get("options") or []]
            if not all(isinstance(v, str) and v for v in values):
                problems.append("option values must be text")
            if "initial_option" in element and element["initial_option"] not in values:
                problems.append("initial_option is not an option")
        if tag == "date_picker" and len(str(element.get("initial_date", "YYYY-MM-DD"))) != 10:
            problems.append("initial_date is not YYYY-MM-DD")
        if tag in INPUT_TAGS and element not in _in_forms(every) and not element.get("behaviors"):
            problems.append(f"{tag} outside a form needs behaviors")
    for form in (e for e in every if e.get("tag") == "form"):
        inner = _walk(form.get("elements") or [])
        names = [e.get("name") for e in inner if e.get("tag") in INPUT_TAGS]
        if len(names) != len(set(names)) or not all(names):
            problems.append("form inputs need unique names")
        if not any(e.get("form_action_type") == "submit" for e in inner):
            problems.append("a form needs a submit button")
        if any(e.get("tag") == "form" for e in inner):
            problems.append("forms do not nest")
    return problems


def _in_forms(every: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for form in every if form.get("tag") == "form" for e in _walk(form.get("elements") or [])]


@dataclass
class Message:
    message_id: str
    chat_id: str
    receive_id: str
    msg_type: str
    content: str
    uuid: str | None
    created: int
    updates: list[str] = field(default_factory=list)

    @property
    def card(self) -> dict[str, Any]:
        """The card as shown now (after any update)."""
        return dict(json.loads(self.updates[-1] if self.updates else self.content))


@dataclass
class Call:
    method: str
    path: str
    query: dict[str, str]
    status: int
    code: int


@dataclass
class Connection:
    ws: web.WebSocketResponse
    service_id: int
    waiting: dict[str, asyncio.Future[dict[str, Any]]] = field(default_factory=dict)


class FakeFeishu:
    def __init__(self, app_id: str = "cli_test", app_secret: str = "secret", latency: float = 0.0) -> None:
        self.app_id, self.app_secret, self.latency = app_id, app_secret, latency
        self.tokens: set[str] = set()
        self.messages: dict[str, Message] = {}
        self.images: dict[str, bytes] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.calls: list[Call] = []
        self.connections: list[Connection] = []
        self.pings = 0
        self.token_requests = 0
        self._limits: dict[str, deque[float]] = {}
        self._ids = itertools.count(1)
        self._connected = threading.Event()
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- running ----------------------------------------------------------------------------

    def start(self) -> FakeFeishu:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(10)
        return self

    async def _start(self) -> None:
        app = web.Application(client_max_size=IMAGE_MAX + 1024 * 1024)
        app.router.add_post("/open-apis/auth/v3/tenant_access_token/internal", self._token)
        app.router.add_post("/open-apis/im/v1/messages", self._send)
        app.router.add_get("/open-apis/im/v1/messages", self._list)
        app.router.add_patch("/open-apis/im/v1/messages/{message_id}", self._patch)
        app.router.add_post("/open-apis/im/v1/images", self._image)
        app.router.add_post("/open-apis/contact/v3/users/batch_get_id", self._batch_get_id)
        app.router.add_get("/open-apis/contact/v3/users/{user_id}", self._user)
        app.router.add_post("/callback/ws/endpoint", self._endpoint)
        app.router.add_get("/ws", self._ws)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    def stop(self) -> None:
        async def _stop() -> None:
            for conn in self.connections:
                await conn.ws.close()
            if self._runner is not None:
                await self._runner.cleanup()

        asyncio.run_coroutine_threadsafe(_stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- scripting and reading back -----------------------------------------------------------

    def limit_next(self, path: str, times: int = 1, reset: float = 2.0) -> None:
        """The next ``times`` calls to ``path`` answer 429 / 99991400 (reset after ``reset`` s)."""
        self._limits.setdefault(path, deque()).extend([reset] * times)

    def revoke_tokens(self) -> None:
        """Every issued token becomes invalid (the app secret was reset, the token revoked)."""
        self.tokens.clear()

    def sent(self, receive_id: str | None = None) -> list[Message]:
        return [
            m for m in self.messages.values() if receive_id is None or receive_id in (m.receive_id, m.chat_id)
        ]

    def chat_of(self, open_id: str) -> str:
        return f"oc_p2p_{open_id}"

    # -- answers ------------------------------------------------------------------------------

    def _answer(
        self, request: web.Request, code: int = 0, msg: str = "success", status: int = 200, **body: Any
    ) -> web.Response:
        self.calls.append(Call(request.method, request.path, dict(request.query), status, code))
        headers = {"X-Tt-Logid": f"log{next(self._ids)}"}
        if code == 99991400:
            headers["x-ogw-ratelimit-reset"] = str(body.pop("reset"))
        return web.json_response({"code": code, "msg": msg, **body}, status=status, headers=headers)

    async def _gate(self, request: web.Request) -> web.Response | None:
        """Latency, the scripted rate limit, then the bearer token."""
        if self.latency:
            await asyncio.sleep(self.latency)
        pending = self._limits.get(request.path) or self._limits.get(request.path.rsplit("/", 1)[0])
        if pending:
            reset = pending.popleft()
            return self._answer(request, 99991400, "request trigger frequency limit", 429, reset=reset)
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or not auth[7:].strip():
            return self._answer(
                request, 99991661, "Missing access token for authorization. Please make a request with token "
                "attached.", 400,
            )  # fmt: skip
        if auth[7:] not in self.tokens:
            return self._answer(
                request, 99991663, "Invalid access token for authorization. Please make a request with token "
                "attached.", 400,
            )  # fmt: skip
        return None

    async def _token(self, request: web.Request) -> web.Response:
        self.token_requests += 1
        body = await request.json()
        if body.get("app_id") != self.app_id or body.get("app_secret") != self.app_secret:
            return self._answer(request, 10014, "app secret invalid")
        token = f"t-{next(self._ids):04d}{'x' * 30}"
        self.tokens.add(token)
        return self._answer(request, tenant_access_token=token, expire=7200)

    async def _send(self, request: web.Request) -> web.Response:
        if (refused := await self._gate(request)) is not None:
            return refused
        kind = request.query.get("receive_id_type")
        body = await request.json()
        if kind not in {"open_id", "union_id", "user_id", "email", "chat_id"}:
            return self._answer(request, 99992402, "field validation failed: receive_id_type", 400)
        if not isinstance(body.get("content"), str):
            return self._answer(request, 230001, "content is not a string", 400)
        uuid = body.get("uuid")
        repeat = next((m for m in self.messages.values() if uuid and m.uuid == uuid), None)
        if repeat is not None:
            return self._answer(request, data=self._message_json(repeat))
        if body.get("msg_type") == "interactive":
            if len(body["content"].encode()) > MAX_CARD_BYTES:
                return self._answer(request, 230025, "The message content exceeds the length limit", 400)
            problems = card_problems(json.loads(body["content"]))
            if problems:
                return self._answer(
                    request, 230099, "Failed to create card content: " + "; ".join(problems), 400
                )
        receive_id = str(body.get("receive_id") or "")
        chat = receive_id if kind == "chat_id" else self.chat_of(receive_id)
        message = Message(
            f"om_{next(self._ids):06d}",
            chat,
            receive_id,
            body["msg_type"],
            body["content"],
            uuid,
            int(time.time()),
        )
        self.messages[message.message_id] = message
        return self._answer(request, data=self._message_json(message))

    def _message_json(self, m: Message) -> dict[str, Any]:
        return {
            "message_id": m.message_id, "chat_id": m.chat_id, "msg_type": m.msg_type,
            "create_time": str(m.created * 1000), "update_time": str(m.created * 1000),
            "deleted": False, "updated": bool(m.updates),
            "sender": {"id": self.app_id, "id_type": "app_id", "sender_type": "app"},
            "body": {"content": m.updates[-1] if m.updates else m.content},
        }  # fmt: skip

    async def _patch(self, request: web.Request) -> web.Response:
        if (refused := await self._gate(request)) is not None:
            return refused
        message = self.messages.get(request.match_info["message_id"])
        if message is None:
            return self._answer(request, 230011, "The message was withdrawn or not found", 400)
        content = (await request.json()).get("content") or ""
        if not message.card.get("config", {}).get("update_multi"):
            return self._answer(request, 230099, "Failed to update card: update_multi is not set", 400)
        if problems := card_problems(json.loads(content)):
            return self._answer(request, 230099, "Failed to create card content: " + "; ".join(problems), 400)
        message.updates.append(content)
        return self._answer(request, data={})

    async def _list(self, request: web.Request) -> web.Response:
        if (refused := await self._gate(request)) is not None:
            return refused
        chat = request.query.get("container_id", "")
        since = int(request.query.get("start_time") or 0)
        items = [
            self._message_json(m) for m in self.messages.values() if m.chat_id == chat and m.created >= since
        ]
        if request.query.get("sort_type") == "ByCreateTimeDesc":
            items.reverse()
        size = int(request.query.get("page_size") or 20)
        return self._answer(request, data={"items": items[:size], "has_more": len(items) > size})

    async def _image(self, request: web.Request) -> web.Response:
        if (refused := await self._gate(request)) is not None:
            return refused
        form: dict[str, bytes] = {}
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            form[str(part.name)] = await part.read()  # type: ignore[union-attr]
        data = form.get("image", b"")
        if form.get("image_type") != b"message":
            return self._answer(request, 234001, "Invalid request param: image_type", 400)
        if not data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")) or len(data) > IMAGE_MAX:
            return self._answer(request, 234011, "Can't recognise image format", 400)
        key = f"img_v3_{next(self._ids):06d}"
        self.images[key] = data
        return self._answer(request, data={"image_key": key})

    async def _user(self, request: web.Request) -> web.Response:
        if (refused := await self._gate(request)) is not None:
            return refused
        user = self.users.get(request.match_info["user_id"])
        if user is None:
            return self._answer(request, 41050, "no user authority error", 400)
        return self._answer(request, data={"user": user})

    async def _batch_get_id(self, request: web.Request) -> web.Response:
        if (refused := await self._gate(request)) is not None:
            return refused
        body = await request.json()
        found = []
        for email in body.get("emails") or []:
            hit = next((u for u in self.users.values() if u.get("email") == email), None)
            found.append({"email": email, **({"user_id": hit["open_id"]} if hit else {})})
        for mobile in body.get("mobiles") or []:
            hit = next((u for u in self.users.values() if u.get("mobile") == mobile), None)
            found.append({"mobile": mobile, **({"user_id": hit["open_id"]} if hit else {})})
        return self._answer(request, data={"user_list": found})

    # -- the long connection ---------------------------------------------------------------

    async def _endpoint(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.calls.append(Call("POST", request.path, {}, 200, 0))
        if body.get("AppID") != self.app_id or body.get("AppSecret") != self.app_secret:
            return web.json_response({"code": 1000040345, "msg": "app id or secret invalid"})
        url = f"ws://127.0.0.1:{self.port}/ws?device_id=dev{next(self._ids)}&service_id=7&ticket=tk"
        config = {"ReconnectCount": -1, "ReconnectInterval": 1, "ReconnectNonce": 0, "PingInterval": 120}
        return web.json_response({"code": 0, "msg": "ok", "data": {"URL": url, "ClientConfig": config}})

    async def _ws(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        conn = Connection(ws, int(request.query.get("service_id", "0")))
        self.connections.append(conn)
        self._connected.set()
        async for msg in ws:
            if msg.type != WSMsgType.BINARY:
                continue
            frame = Frame()
            frame.ParseFromString(msg.data)
            headers = {h.key: h.value for h in frame.headers}
            if frame.method == 0 and headers.get("type") == "ping":
                self.pings += 1
                pong = Frame(SeqID=0, LogID=0, service=frame.service, method=0)
                pong.headers.add(key="type", value="pong")
                await ws.send_bytes(pong.SerializeToString())
            elif frame.method == 1 and headers.get("message_id") in conn.waiting:
                answer = json.loads(frame.payload)
                waiter = conn.waiting.pop(headers["message_id"])
                if not waiter.done():
                    waiter.set_result({"answer": answer, "headers": headers})
        self.connections.remove(conn)
        return ws

    def wait_connected(self, timeout: float = 10.0) -> bool:
        return self._connected.wait(timeout)

    async def _push(self, payload: dict[str, Any], kind: str, parts: int) -> dict[str, Any]:
        conn = self.connections[-1]
        message_id = f"msg{next(self._ids)}"
        data = json.dumps(payload).encode()
        waiter: asyncio.Future[dict[str, Any]] = self.loop.create_future()
        conn.waiting[message_id] = waiter
        size = -(-len(data) // parts)
        for seq in range(parts):
            frame = Frame(SeqID=next(self._ids), LogID=0, service=conn.service_id, method=1)
            for key, value in (("type", kind), ("message_id", message_id), ("trace_id", "tr"),
                               ("sum", str(parts)), ("seq", str(seq))):  # fmt: skip
                frame.headers.add(key=key, value=value)
            frame.payload = data[seq * size : (seq + 1) * size]
            await conn.ws.send_bytes(frame.SerializeToString())
        return await waiter

    async def push(self, payload: dict[str, Any], kind: str = "event", parts: int = 1) -> dict[str, Any]:
        """Send ``payload`` as a data frame of ``type`` ``kind`` (split in ``parts`` frames) and
        return the client's answer: ``{"answer": {"code", "data"}, "headers": {…}}``."""
        future = asyncio.run_coroutine_threadsafe(self._push(payload, kind, parts), self.loop)
        return await asyncio.wrap_future(future)

    def push_nowait(self, payload: dict[str, Any], kind: str) -> Any:
        """Send without waiting; the returned future completes if the client ever answers."""
        return asyncio.run_coroutine_threadsafe(self._push(payload, kind, 1), self.loop)


def answer_data(pushed: dict[str, Any]) -> dict[str, Any]:
    """The handler's result the client put in its answer (base64 JSON), or {}."""
    data = pushed["answer"].get("data")
    return dict(json.loads(base64.b64decode(data))) if data else {}


def endpoint_query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlparse(url).query)
