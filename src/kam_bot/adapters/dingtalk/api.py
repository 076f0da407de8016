"""The open platform's HTTP APIs kam-bot calls: the access token, robot messages, media
upload, the contacts look-up, and replies through a message's ``sessionWebhook``.

Why not the SDK's helpers: ``dingtalk-stream`` sends with blocking ``requests`` calls without
timeouts, hardcodes ``oapi.dingtalk.com`` for uploads and drops its token cache only on 401,
while DingTalk answers an invalid token with HTTP 400 ``InvalidAuthentication``. This client is
async (``httpx``), takes its base URL from ``DINGTALK_API_URL``, refreshes the token five
minutes before it expires (as the SDK does) and once more when DingTalk refuses it.

Shapes: token ``POST /v1.0/oauth2/accessToken {appKey, appSecret}`` → ``{accessToken,
expireIn}`` (dingtalk_stream/stream.py ``get_access_token``); robot 1:1 ``POST
/v1.0/robot/oToMessages/batchSend`` and group ``POST /v1.0/robot/groupMessages/send`` with
``robotCode``, ``msgKey``, ``msgParam`` as a JSON string (alibabacloud_dingtalk robot_1_0);
``batchSend`` answers 200 even when it did not deliver: ``flowControlledStaffIdList`` and
``invalidStaffIdList`` say who was throttled or unknown (robot_1_0 models); media ``POST
oapi/media/upload?access_token=`` multipart ``media`` → ``media_id`` (stream.py
``upload_to_dingtalk``); user ``POST oapi/topapi/v2/user/get?access_token= {userid}`` →
``{errcode, result{name, email, org_email, mobile, unionid}}``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from kam_bot.config import SettingsError

from .settings import DingTalkSettings

log = logging.getLogger(__name__)

REFRESH_EARLY = 300.0
"""Seconds before its expiry a token is replaced (the SDK keeps the same five minutes)."""
TIMEOUT = httpx.Timeout(15.0, connect=5.0)
TOKEN_HEADER = "x-acs-dingtalk-access-token"
MIN_INTERVAL = 1 / 20
"""Seconds between two open-platform calls: an internal app may call each server API at most
20 times a second (DingTalk's default for standard organisations); over it DingTalk throttles."""
INVALID_TOKEN = frozenset({"InvalidAuthentication", "Forbidden.AccessDenied.AccessTokenPermissionDenied"})


class ApiError(Exception):
    """DingTalk answered with an error: ``status`` (HTTP) and its ``code``."""

    def __init__(self, status: int, code: str, retry_after: float | None = None) -> None:
        super().__init__(f"DingTalk {status} {code}")
        self.status = status
        self.code = code
        self.retry_after = retry_after


@dataclass(frozen=True)
class Sent:
    """A robot message's answer: its ``processQueryKey`` and who DingTalk did not send it to."""

    key: str
    throttled: tuple[str, ...] = ()
    invalid: tuple[str, ...] = ()


@dataclass(frozen=True)
class Person:
    """What the contacts API tells about a member."""

    user_id: str
    name: str = ""
    email: str | None = None
    union_id: str | None = None


@dataclass
class OpenApi:
    settings: DingTalkSettings
    now: Callable[[], float] = time.monotonic
    transport: httpx.AsyncBaseTransport | None = None
    _token: str | None = None
    _expires: float = 0.0
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _client: httpx.AsyncClient | None = None
    _next_call: float = 0.0
    _pace: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=TIMEOUT, transport=self.transport)
        return self._client

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    # -- the token ------------------------------------------------------------------------

    async def token(self) -> str:
        async with self._lock:
            if self._token is None or self.now() >= self._expires:
                self._token, lifetime = await self._new_token()
                self._expires = self.now() + max(0.0, lifetime - REFRESH_EARLY)
            return self._token

    def forget(self, token: str) -> None:
        """DingTalk refused ``token``: the next call fetches a new one."""
        if self._token == token:
            self._token = None

    async def _new_token(self) -> tuple[str, float]:
        body = {"appKey": self.settings.client_id, "appSecret": self.settings.client_secret}
        answer = await self.client.post(f"{self.settings.base}/v1.0/oauth2/accessToken", json=body)
        data = _json(answer)
        if answer.status_code != 200 or not data.get("accessToken"):
            raise ApiError(answer.status_code, str(data.get("code") or "no_token"), _retry_after(answer))
        return str(data["accessToken"]), float(data.get("expireIn") or 7200)

    # -- calls ----------------------------------------------------------------------------

    async def paced(self) -> None:
        """Wait for the next free slot under the app's call rate (``MIN_INTERVAL`` apart)."""
        async with self._pace:
            wait = self._next_call - self.now()
            if wait > 0:
                await asyncio.sleep(wait)
            self._next_call = max(self.now(), self._next_call) + MIN_INTERVAL

    async def call(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST to the open platform with the token; a refused token is replaced once."""
        for attempt in (1, 2):
            token = await self.token()
            await self.paced()
            answer = await self.client.post(
                f"{self.settings.base}{path}", json=body, headers={TOKEN_HEADER: token}
            )
            data = _json(answer)
            if answer.status_code == 200:
                return data
            code = str(data.get("code") or f"http_{answer.status_code}")
            if answer.status_code in (400, 401) and code in INVALID_TOKEN and attempt == 1:
                self.forget(token)
                continue
            raise ApiError(answer.status_code, code, _retry_after(answer))
        raise AssertionError("unreachable")

    async def legacy(
        self, path: str, *, json_body: dict[str, Any] | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        """A call to the older ``oapi`` host: the token in the query, errors as ``errcode`` in a 200."""
        for attempt in (1, 2):
            token = await self.token()
            await self.paced()
            url = f"{self.settings.legacy_base}{path}"
            answer = await self.client.post(url, params={"access_token": token}, json=json_body, **kwargs)
            data = _json(answer)
            errcode = int(data.get("errcode") or 0) if answer.status_code == 200 else answer.status_code
            if answer.status_code == 200 and errcode == 0:
                return data
            if errcode in (40014, 42001, 88) and attempt == 1:  # invalid or expired token
                self.forget(token)
                continue
            raise ApiError(answer.status_code, f"errcode_{errcode}", _retry_after(answer))
        raise AssertionError("unreachable")

    async def send_to_people(self, user_ids: list[str], key: str, param: dict[str, Any]) -> Sent:
        body = {
            "robotCode": self.settings.robot,
            "userIds": user_ids,
            "msgKey": key,
            "msgParam": json.dumps(param),
        }
        data = await self.call("/v1.0/robot/oToMessages/batchSend", body)
        return Sent(
            key=str(data.get("processQueryKey") or ""),
            throttled=tuple(data.get("flowControlledStaffIdList") or ()),
            invalid=tuple(data.get("invalidStaffIdList") or ()),
        )

    async def send_to_group(self, conversation_id: str, key: str, param: dict[str, Any]) -> Sent:
        body = {
            "robotCode": self.settings.robot,
            "openConversationId": conversation_id,
            "msgKey": key,
            "msgParam": json.dumps(param),
        }
        data = await self.call("/v1.0/robot/groupMessages/send", body)
        return Sent(key=str(data.get("processQueryKey") or ""))

    async def upload_image(self, png: bytes, filename: str) -> str:
        files = {"media": (filename, png, "image/png")}
        data = await self.legacy("/media/upload", data={"type": "image"}, files=files)
        return str(data["media_id"])

    async def person(self, user_id: str) -> Person | None:
        """A member's profile; None when the app may not read contacts (or DingTalk fails)."""
        try:
            data = await self.legacy(
                "/topapi/v2/user/get", json_body={"userid": user_id, "language": "zh_CN"}
            )
        except (ApiError, httpx.HTTPError) as exc:
            log.info("DingTalk contacts look-up failed (%s); the user is met without an email", exc)
            return None
        result = data.get("result") or {}
        email = result.get("org_email") or result.get("email") or None
        return Person(user_id, str(result.get("name") or ""), email, result.get("unionid") or None)

    async def reply(self, webhook: str, markdown: dict[str, str]) -> None:
        """Answer in the conversation a message came from (no token: the webhook carries one)."""
        answer = await self.client.post(webhook, json={"msgtype": "markdown", "markdown": markdown})
        data = _json(answer)
        if answer.status_code != 200 or int(data.get("errcode") or 0) != 0:
            raise ApiError(answer.status_code, f"errcode_{data.get('errcode')}", _retry_after(answer))


def _json(answer: httpx.Response) -> dict[str, Any]:
    try:
        data = answer.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _retry_after(answer: httpx.Response) -> float | None:
    value = answer.headers.get("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def check_credentials(settings: DingTalkSettings) -> None:
    """At the start of `kam-bot serve`: does DingTalk give a token for these credentials?"""

    async def ask() -> None:
        api = OpenApi(settings)
        try:
            await api.token()
        finally:
            await api.close()

    try:
        asyncio.run(ask())
    except ApiError as exc:
        raise SettingsError(
            f"DINGTALK_CLIENT_ID / DINGTALK_CLIENT_SECRET: DingTalk refused them ({exc.code})"
        ) from None
    except httpx.HTTPError as exc:
        raise SettingsError(
            f"DINGTALK_API_URL: {settings.base} did not answer ({type(exc).__name__})"
        ) from None
