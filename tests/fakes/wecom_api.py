"""A local HTTP server that answers like WeCom's server API (qyapi.weixin.qq.com), on loopback.

Shapes and error codes from developer.work.weixin.qq.com/document/path/N (and the errcode
constants in wechatpy ``wechatpy/work/...``/``constants.py``):

- ``GET /cgi-bin/gettoken?corpid&corpsecret`` (91039): ``{access_token, expires_in: 7200}``;
  a wrong corp id 40013, a wrong secret 40001. Every other call needs ``access_token``: none
  41001, unknown 40014, one the fake was told to expire 42001.
- ``POST /cgi-bin/message/send`` (90236): ``{errcode: 0, invaliduser, msgid}`` (+
  ``response_code`` for a template card); a member outside the visible range is named in
  ``invaliduser`` with errcode 0 (81013 when no recipient is valid). Text over 2048 bytes is
  cut, as WeCom cuts it (``truncated``). Over 30 messages a minute or 1000 an hour to one
  member, WeCom drops the message and still answers ok: so does the fake (``dropped``).
- ``POST /cgi-bin/message/update_template_card`` (94945): a ``response_code`` given out with a
  card's click works once (the fake answers 40058 for an unknown or used one: its choice).
- ``POST /cgi-bin/media/upload?type=image`` (90253): multipart ``media``, PNG/JPG, at most
  10 MB (40006 otherwise) → ``media_id``.
- ``GET /cgi-bin/user/get`` (90196): no email or mobile for an app created after 2022-06-20
  (``old_app`` False, the default); unknown member 60111. ``POST /cgi-bin/user/get_userid_by_email``
  (95895): 46004 when nobody has it.
- ``POST /cgi-bin/appchat/create`` / ``send`` (90245, 90248): at least 2 members; a chat this
  app did not create is 86003.
- ``POST /cgi-bin/webhook/send?key=`` (91770): an unknown key 93000; no token.

``fail_next(errcode)`` answers the next calls with that errcode (45009, -1 ...); ``latency``
adds a delay to every answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import re
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TEXT_BYTES = 2048
PNG = b"\x89PNG\r\n\x1a\n"
TASK_ID = re.compile(r"^[0-9A-Za-z_\-@]{1,128}$")


@dataclass
class Sent:
    """One message WeCom accepted (and showed, unless ``dropped``)."""

    to: str
    msgtype: str
    content: dict[str, Any]
    msgid: str
    response_code: str = ""
    dropped: bool = False
    truncated: bool = False
    updated: str = ""
    """What the card's buttons became (``update_template_card``)."""

    @property
    def text(self) -> str:
        return str(self.content.get("content", ""))

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return list(self.content.get("button_list", []))


@dataclass
class FakeWecom:
    corp_id: str = "ww-test-corp"
    secret: str = "test-secret"
    agent_id: int = 1000002
    latency: float = 0.002
    old_app: bool = False
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    webhooks: set[str] = field(default_factory=set)
    sent: list[Sent] = field(default_factory=list)
    chats: dict[str, dict[str, Any]] = field(default_factory=dict)
    media: dict[str, bytes] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    tokens_issued: int = 0
    clock: Any = time.monotonic
    _tokens: set[str] = field(default_factory=set)
    _expired: set[str] = field(default_factory=set)
    _failures: deque[int] = field(default_factory=deque)
    _codes: dict[str, str] = field(default_factory=dict)
    """response_code -> msgid of the card it updates."""
    _recent: defaultdict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))
    _ids: Any = field(default_factory=lambda: itertools.count(1))
    _runner: web.AppRunner | None = None
    url: str = ""
    verbose: bool = False
    """Print each accepted message (the walkthrough in README "Running it in WeCom")."""

    def _show(self, sent: Sent) -> None:
        if not self.verbose:
            return
        body = sent.text or str(sent.content.get("sub_title_text") or sent.content.get("main_title") or "")
        if sent.msgtype == "image":
            body = f"(image {sent.content.get('media_id', 'base64')})"
        print(f"[{sent.msgid} to {sent.to}] {body}", flush=True)
        for button in sent.buttons:
            print(f"    button {button['text']!r}: key {button['key']}", flush=True)

    # -- scripting ---------------------------------------------------------------------------

    def fail_next(self, errcode: int, times: int = 1) -> None:
        self._failures.extend([errcode] * times)

    def expire_tokens(self) -> None:
        self._expired |= self._tokens

    def revoke_tokens(self) -> None:
        self._tokens.clear()

    def to(self, userid: str) -> list[Sent]:
        return [s for s in self.sent if s.to == userid]

    def add_member(self, userid: str, name: str, email: str = "") -> None:
        self.members[userid] = {"userid": userid, "name": name, "email": email}

    # -- the server --------------------------------------------------------------------------

    async def start(self) -> FakeWecom:
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_route("*", "/cgi-bin/{path:.*}", self._route)
        app.router.add_post("/fake/click", self._fake_click)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _route(self, request: web.Request) -> web.Response:
        await asyncio.sleep(self.latency)
        path = request.match_info["path"]
        self.calls.append(path)
        if path == "gettoken":
            return self._gettoken(request)
        if path == "webhook/send":
            return await self._webhook(request)
        token = request.query.get("access_token")
        if not token:
            return _error(41001, "access_token missing")
        if token in self._expired:
            return _error(42001, "access_token expired")
        if token not in self._tokens:
            return _error(40014, "invalid access_token")
        if self._failures:
            code = self._failures.popleft()
            return _error(code, "api freq out of limit" if code == 45009 else "system busy")
        handler = {
            "message/send": self._send,
            "message/update_template_card": self._update,
            "media/upload": self._upload,
            "user/get": self._user,
            "user/get_userid_by_email": self._by_email,
            "appchat/create": self._create_chat,
            "appchat/send": self._chat_send,
        }.get(path)
        if handler is None:
            return _error(60011, "no privilege to access/modify contact/party/agent")
        return await handler(request)

    def _gettoken(self, request: web.Request) -> web.Response:
        if request.query.get("corpid") != self.corp_id:
            return _error(40013, "invalid corpid")
        if request.query.get("corpsecret") != self.secret:
            return _error(40001, "invalid credential")
        token = f"token-{next(self._ids)}"
        self._tokens.add(token)
        self.tokens_issued += 1
        return web.json_response({"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": 7200})

    def _over_limit(self, userid: str) -> bool:
        now = self.clock()
        recent = self._recent[userid]
        while recent and now - recent[0] >= 3600:
            recent.popleft()
        last_minute = sum(1 for at in recent if now - at < 60)
        recent.append(now)
        return last_minute >= 30 or len(recent) > 1000

    async def _send(self, request: web.Request) -> web.Response:
        body = await request.json()
        if body.get("agentid") != self.agent_id:
            return _error(40056, "invalid agentid")
        touser = str(body.get("touser", ""))
        if touser == "@all" or "|" in touser:
            return _error(
                40058, "the fake refuses a message to more than one member: kam-bot never sends one"
            )
        msgtype = str(body.get("msgtype", ""))
        content = body.get(msgtype)
        if not isinstance(content, dict):
            return _error(40008, "invalid message type")
        problem = _check(msgtype, content)
        if problem:
            return _error(40058, problem)
        if touser not in self.members:
            return _error(81013, "user & party & tag all invalid")
        truncated = False
        if msgtype == "text" and len(str(content.get("content", "")).encode()) > TEXT_BYTES:
            content = {"content": str(content["content"]).encode()[:TEXT_BYTES].decode("utf-8", "ignore")}
            truncated = True
        msgid = f"msg-{next(self._ids)}"
        answer: dict[str, Any] = {"errcode": 0, "errmsg": "ok", "invaliduser": "", "msgid": msgid}
        sent = Sent(touser, msgtype, content, msgid, dropped=self._over_limit(touser), truncated=truncated)
        if msgtype == "template_card":
            sent.response_code = answer["response_code"] = f"rc-{next(self._ids)}"
        self.sent.append(sent)
        self._show(sent)
        return web.json_response(answer)

    def click(self, sent: Sent, key: str) -> str:
        """A member presses a button of ``sent``: the ResponseCode the event carries."""
        code = f"rc-click-{next(self._ids)}"
        self._codes[code] = sent.msgid
        assert any(b["key"] == key for b in sent.buttons), f"no button {key} on {sent.content}"
        return code

    async def _fake_click(self, request: web.Request) -> web.Response:
        """Not WeCom's: what a member's client does on a press (the walkthrough's ``press``)."""
        body = await request.json()
        card = next((s for s in self.sent if s.msgid == body.get("msgid")), None)
        if card is None or not any(b["key"] == body.get("key") for b in card.buttons):
            return web.json_response({"error": "no such card or button"}, status=404)
        code = self.click(card, str(body["key"]))
        return web.json_response({"task_id": card.content["task_id"], "response_code": code})

    async def _update(self, request: web.Request) -> web.Response:
        body = await request.json()
        msgid = self._codes.pop(str(body.get("response_code", "")), None)
        if msgid is None or body.get("agentid") != self.agent_id:
            return _error(40058, "invalid response_code")
        card = next(s for s in self.sent if s.msgid == msgid)
        card.updated = str((body.get("button") or {}).get("replace_name", ""))
        if self.verbose:
            print(f"[{card.msgid} updated] buttons now: {card.updated}", flush=True)
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    async def _upload(self, request: web.Request) -> web.Response:
        if request.query.get("type") != "image":
            return _error(40004, "invalid media type")
        form = await request.post()
        media = form.get("media")
        data = media.file.read() if isinstance(media, web.FileField) else b""
        if not data.startswith(PNG) or len(data) > 10 * 1024 * 1024:
            return _error(40006, "invalid media size or type")
        media_id = f"media-{next(self._ids)}"
        self.media[media_id] = data
        return web.json_response({"errcode": 0, "errmsg": "ok", "type": "image", "media_id": media_id})

    async def _user(self, request: web.Request) -> web.Response:
        member = self.members.get(request.query.get("userid", ""))
        if member is None:
            return _error(60111, "userid not found")
        shown = dict(member) if self.old_app else {k: v for k, v in member.items() if k != "email"}
        return web.json_response({"errcode": 0, "errmsg": "ok", **shown})

    async def _by_email(self, request: web.Request) -> web.Response:
        email = str((await request.json()).get("email", "")).lower()
        found = next((u for u, m in self.members.items() if m.get("email", "").lower() == email), None)
        if found is None:
            return _error(46004, "user no exist")
        return web.json_response({"errcode": 0, "errmsg": "ok", "userid": found})

    async def _create_chat(self, request: web.Request) -> web.Response:
        body = await request.json()
        members = list(body.get("userlist") or [])
        if len(members) < 2 or any(m not in self.members for m in members):
            return _error(86004, "invalid userlist")
        chatid = f"chat-{next(self._ids)}"
        self.chats[chatid] = body
        return web.json_response({"errcode": 0, "errmsg": "ok", "chatid": chatid})

    async def _chat_send(self, request: web.Request) -> web.Response:
        body = await request.json()
        chatid = str(body.get("chatid", ""))
        if chatid not in self.chats:
            return _error(86003, "chat not exist")
        msgtype = str(body.get("msgtype", ""))
        content = body.get(msgtype)
        if msgtype not in {"text", "image", "markdown"} or not isinstance(content, dict):
            return _error(40008, "invalid message type")
        if msgtype == "image" and content.get("media_id") not in self.media:
            return _error(40007, "invalid media_id")
        self.sent.append(Sent(chatid, msgtype, content, f"msg-{next(self._ids)}"))
        self._show(self.sent[-1])
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    async def _webhook(self, request: web.Request) -> web.Response:
        key = request.query.get("key", "")
        if key not in self.webhooks:
            return _error(93000, "invalid webhook url")
        body = await request.json()
        msgtype = str(body.get("msgtype", ""))
        self.sent.append(
            Sent(f"webhook:{key}", msgtype, dict(body.get(msgtype) or {}), f"msg-{next(self._ids)}")
        )
        return web.json_response({"errcode": 0, "errmsg": "ok"})


def _check(msgtype: str, content: dict[str, Any]) -> str:
    """What WeCom refuses in a template card (path/90236); "" when it is fine."""
    if msgtype != "template_card":
        return ""
    if content.get("card_type") != "button_interaction":
        return "card_type"
    if not TASK_ID.match(str(content.get("task_id", ""))):
        return "task_id"
    buttons = content.get("button_list") or []
    if not 1 <= len(buttons) <= 6:
        return "button_list"
    if any(len(str(b.get("key", "")).encode()) > 1024 or not b.get("text") for b in buttons):
        return "button key"
    if not (content.get("main_title") or {}).get("title") and not content.get("sub_title_text"):
        return "main_title.title or sub_title_text"
    return ""


def _error(code: int, message: str) -> web.Response:
    return web.json_response({"errcode": code, "errmsg": message})


def main() -> None:
    """``python tests/fakes/wecom_api.py --port 8089 --member rita.rep=Rita`` (README: WeCom)."""
    import argparse

    parser = argparse.ArgumentParser(description="A fake WeCom API on 127.0.0.1 for trying kam-bot out.")
    parser.add_argument("--port", type=int, default=8089)
    parser.add_argument("--corp-id", default="ww-test-corp")
    parser.add_argument("--secret", default="test-secret")
    parser.add_argument("--agent-id", type=int, default=1000002)
    parser.add_argument("--member", action="append", default=[], help="USERID=Name[=email], repeatable")
    args = parser.parse_args()

    async def serve() -> None:
        fake = FakeWecom(corp_id=args.corp_id, secret=args.secret, agent_id=args.agent_id, verbose=True)
        for member in args.member:
            userid, _, rest = member.partition("=")
            name, _, email = rest.partition("=")
            fake.add_member(userid, name or userid, email)
        app = web.Application()
        app.router.add_route("*", "/cgi-bin/{path:.*}", fake._route)
        app.router.add_post("/fake/click", fake._fake_click)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", args.port).start()
        print(f"fake WeCom on http://127.0.0.1:{args.port} (Ctrl+C stops it)", flush=True)
        await asyncio.Event().wait()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve())


if __name__ == "__main__":
    main()
