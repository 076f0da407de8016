"""WeCom's server API over aiohttp: the app's access token, and the calls kam-bot makes.

The token (``GET /cgi-bin/gettoken``, developer.work.weixin.qq.com/document/path/91039) lives
7200 s and may be revoked early: it is cached, fetched again 5 minutes before it expires, and
on an "invalid token" answer (40001, 40014, 42001) fetched once more and the call made once
more. Every other error answer is ``WecomError`` with WeCom's ``errcode``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import aiohttp

log = logging.getLogger(__name__)

TOKEN_ERRORS = frozenset({40001, 40014, 42001})
RATE_LIMITED = 45009
BUSY = -1
EARLY = 300.0
"""Seconds before its expiry a token is fetched again."""
TIMEOUT = aiohttp.ClientTimeout(total=15)


class WecomError(Exception):
    def __init__(self, errcode: int, errmsg: str, answer: dict[str, Any] | None = None) -> None:
        super().__init__(f"wecom errcode {errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg
        self.answer = answer or {}


class UnreadableError(Exception):
    """A 2xx whose body is not WeCom's JSON, or a 5xx: whether the call took effect is unknown."""


class WecomApi:
    def __init__(
        self,
        base_url: str,
        corp_id: str,
        secret: str,
        agent_id: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base = base_url.rstrip("/")
        self.corp_id = corp_id
        self.agent_id = agent_id
        self._secret = secret
        self._clock = clock
        self._token: str | None = None
        self._expires = 0.0
        self._lock: asyncio.Lock | None = None
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=TIMEOUT)
        return self._session

    # -- the token --------------------------------------------------------------------------

    async def token(self, *, fresh: bool = False) -> str:
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if fresh or self._token is None or self._clock() >= self._expires - EARLY:
                params = {"corpid": self.corp_id, "corpsecret": self._secret}
                answer = await self._read(self._http().get(f"{self.base}/cgi-bin/gettoken", params=params))
                self._token = str(answer["access_token"])
                self._expires = self._clock() + float(answer.get("expires_in", 7200))
            return self._token

    def forget_token(self) -> None:
        self._token = None

    # -- calls ------------------------------------------------------------------------------

    async def call(
        self,
        method: str,
        path: str,
        *,
        json: dict[str, Any] | None = None,
        params: dict[str, str] | None = None,
        data: aiohttp.FormData | None = None,
    ) -> dict[str, Any]:
        """One API call with the token; a token WeCom refuses is fetched again, once."""
        for attempt in (1, 2):
            token = await self.token(fresh=attempt == 2)
            query = {**(params or {}), "access_token": token}
            request = self._http().request(method, f"{self.base}{path}", params=query, json=json, data=data)
            try:
                return await self._read(request)
            except WecomError as exc:
                if exc.errcode not in TOKEN_ERRORS or attempt == 2:
                    raise
                log.info("WeCom refused the access token (errcode %s); fetching a new one", exc.errcode)
        raise AssertionError("unreachable")

    async def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        return await self.call("POST", path, json=body)

    async def _read(self, request: Any) -> dict[str, Any]:
        async with request as response:
            if response.status >= 500:
                raise UnreadableError(f"http_{response.status}")
            try:
                answer = await response.json(content_type=None)
            except ValueError:
                raise UnreadableError("unreadable_answer") from None
        if not isinstance(answer, dict):
            raise UnreadableError("unreadable_answer")
        errcode = int(answer.get("errcode", 0) or 0)
        if errcode != 0:
            raise WecomError(errcode, str(answer.get("errmsg", "")), answer)
        return answer

    # -- what kam-bot sends -----------------------------------------------------------------

    async def send(self, touser: str, msgtype: str, content: dict[str, Any]) -> dict[str, Any]:
        """``message/send`` to one member (document/path/90236); ``touser`` is always one userid."""
        body = {"touser": touser, "msgtype": msgtype, "agentid": self.agent_id, msgtype: content}
        return await self.post("/cgi-bin/message/send", body)

    async def update_card(self, userid: str, response_code: str, replace_name: str) -> None:
        """The clicked card's buttons become one grey button saying what was done (document/path/94945)."""
        body = {
            "userids": [userid],
            "agentid": self.agent_id,
            "response_code": response_code,
            "button": {"replace_name": replace_name},
        }
        await self.post("/cgi-bin/message/update_template_card", body)

    async def upload_image(self, png: bytes, filename: str) -> str:
        form = aiohttp.FormData()
        form.add_field("media", png, filename=filename, content_type="image/png")
        answer = await self.call("POST", "/cgi-bin/media/upload", params={"type": "image"}, data=form)
        return str(answer["media_id"])

    async def chat_send(self, chatid: str, msgtype: str, content: dict[str, Any]) -> dict[str, Any]:
        """``appchat/send``: only into a group chat this app created (document/path/90248)."""
        return await self.post(
            "/cgi-bin/appchat/send", {"chatid": chatid, "msgtype": msgtype, msgtype: content}
        )

    async def create_chat(self, name: str, owner: str, members: list[str]) -> str:
        body = {"name": name, "owner": owner, "userlist": members}
        return str((await self.post("/cgi-bin/appchat/create", body))["chatid"])

    async def user(self, userid: str) -> dict[str, Any]:
        return await self.call("GET", "/cgi-bin/user/get", params={"userid": userid})

    async def userid_by_email(self, email: str) -> str | None:
        try:
            answer = await self.post("/cgi-bin/user/get_userid_by_email", {"email": email, "email_type": 1})
        except WecomError as exc:
            if exc.errcode == 46004:  # no such member
                return None
            raise
        return str(answer["userid"])

    async def webhook(self, key: str, msgtype: str, content: dict[str, Any]) -> None:
        """A group robot's webhook (document/path/91770): no token, the key is the address."""
        body = {"msgtype": msgtype, msgtype: content}
        await self._read(
            self._http().post(f"{self.base}/cgi-bin/webhook/send", params={"key": key}, json=body)
        )
