"""The open platform's APIs kam-bot calls, through the official ``lark-oapi`` client.

The client gets and caches the tenant_access_token itself (``core/token/manager.py``: cached
until 10 minutes before expiry). It does not drop a token the platform calls invalid
(99991663 / 99991661: revoked, app secret reset): ``Api`` clears the cached token and tries
once more with a new one. Every other failure becomes a ``FeishuError`` carrying the
platform's code, its HTTP status and, for the rate limit (HTTP 429, code 99991400), the
seconds until the limit resets (``x-ogw-ratelimit-reset``). Calls block: they run in worker
threads.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import lark_oapi as lark  # type: ignore[import-untyped]
import requests
from lark_oapi.api.contact.v3 import (  # type: ignore[import-untyped]
    BatchGetIdUserRequest,
    BatchGetIdUserRequestBody,
    GetUserRequest,
)
from lark_oapi.api.im.v1 import (  # type: ignore[import-untyped]
    CreateImageRequest,
    CreateImageRequestBody,
    CreateMessageRequest,
    CreateMessageRequestBody,
)
from lark_oapi.core.exception import ObtainAccessTokenException  # type: ignore[import-untyped]
from lark_oapi.core.token.manager import TokenManager  # type: ignore[import-untyped]

log = logging.getLogger(__name__)
R = TypeVar("R")

INVALID_TOKEN = {99991663, 99991661, 99991668}
"""Invalid / missing / expired tenant_access_token (FD server-side error codes)."""
RATE_LIMITED = 99991400
RESET_HEADER = "x-ogw-ratelimit-reset"
TIMEOUT = 10.0


class FeishuError(Exception):
    def __init__(self, code: int, msg: str, status: int = 0, retry_after: float | None = None) -> None:
        super().__init__(f"feishu {code}: {msg}")
        self.code, self.msg, self.status, self.retry_after = code, msg, status, retry_after

    @property
    def rate_limited(self) -> bool:
        return self.code == RATE_LIMITED or self.status == 429

    @property
    def transient(self) -> bool:
        """Worth another try: the platform's 5xx, a busy system, an answer that was not JSON."""
        return self.status >= 500 or self.code in {-1, 1, 2200, 99991672}


@dataclass(frozen=True)
class Sent:
    message_id: str
    chat_id: str


@dataclass(frozen=True)
class Person:
    open_id: str
    name: str
    email: str | None
    mobile: str | None


def _retry_after(raw: Any) -> float | None:
    headers = {k.lower(): v for k, v in dict(getattr(raw, "headers", None) or {}).items()}
    value = headers.get(RESET_HEADER) or headers.get("retry-after")
    try:
        return max(float(value), 0.0) if value is not None else None
    except ValueError:
        return None


def _checked(response: Any) -> Any:
    if response.success():
        return response.data
    raw = response.raw
    status = int(getattr(raw, "status_code", 0) or 0)
    code = response.code if response.code is not None else -1
    raise FeishuError(int(code), str(response.msg or f"http {status}"), status, _retry_after(raw))


class Api:
    def __init__(self, app_id: str, app_secret: str, domain: str, timeout: float = TIMEOUT) -> None:
        self.app_id = app_id
        self.client = (
            lark.Client.builder()
            .app_id(app_id)
            .app_secret(app_secret)
            .domain(domain.rstrip("/"))
            .timeout(timeout)
            .log_level(lark.LogLevel.WARNING)
            .build()
        )

    def _call(self, fn: Callable[[], Any]) -> Any:
        for attempt in (1, 2):
            try:
                return _checked(fn())
            except FeishuError as exc:
                if exc.code not in INVALID_TOKEN or attempt == 2:
                    raise
                log.info("Feishu refused the cached tenant_access_token (%s); getting a new one", exc.code)
                TokenManager.cache.set(f"self_tenant_token:{self.app_id}", "", 0)
            except ObtainAccessTokenException as exc:
                raise FeishuError(int(exc.code or -1), f"tenant_access_token: {exc.msg}", 0) from exc
            except (requests.ConnectionError, requests.Timeout) as exc:
                raise FeishuError(-1, type(exc).__name__, 0) from exc
            except ValueError as exc:  # an answer the client could not read
                raise FeishuError(-1, "unreadable answer", 502) from exc
        raise AssertionError("unreachable")

    def check_token(self) -> None:
        """Get a token now (the credentials are checked at start)."""
        TokenManager.cache.set(f"self_tenant_token:{self.app_id}", "", 0)
        try:
            TokenManager.get_self_tenant_token(self.client._config)
        except ObtainAccessTokenException as exc:
            raise FeishuError(int(exc.code or -1), str(exc.msg)) from exc
        except (requests.ConnectionError, requests.Timeout, ValueError) as exc:
            raise FeishuError(-1, type(exc).__name__) from exc

    # -- messages ---------------------------------------------------------------------------

    def send_card(self, receive_id: str, id_type: str, card: dict[str, Any], uuid: str | None = None) -> Sent:
        """Post a card; ``uuid`` makes Feishu post at most one message per value within an hour."""
        body = CreateMessageRequestBody.builder().receive_id(receive_id).msg_type("interactive")
        body = body.content(json.dumps(card, ensure_ascii=False))
        if uuid:
            body = body.uuid(uuid[:50])
        request = CreateMessageRequest.builder().receive_id_type(id_type).request_body(body.build()).build()
        data = self._call(lambda: self.client.im.v1.message.create(request))
        return Sent(message_id=str(data.message_id), chat_id=str(data.chat_id or ""))

    def upload_image(self, png: bytes) -> str:
        def call() -> Any:
            body = CreateImageRequestBody.builder().image_type("message").image(io.BytesIO(png)).build()
            return self.client.im.v1.image.create(CreateImageRequest.builder().request_body(body).build())

        return str(self._call(call).image_key)

    # -- people -----------------------------------------------------------------------------

    def person(self, open_id: str) -> Person:
        request = GetUserRequest.builder().user_id(open_id).user_id_type("open_id").build()
        user = self._call(lambda: self.client.contact.v3.user.get(request)).user
        return Person(
            open_id=open_id,
            name=str(user.name or user.en_name or ""),
            email=(user.enterprise_email or user.email or None),
            mobile=user.mobile or None,
        )

    def open_ids(self, emails: list[str], mobiles: list[str]) -> dict[str, str]:
        """Email or mobile -> open_id, for those in the app's availability scope (at most 50 each)."""
        body = BatchGetIdUserRequestBody.builder().emails(emails[:50]).mobiles(mobiles[:50]).build()
        request = BatchGetIdUserRequest.builder().user_id_type("open_id").request_body(body).build()
        data = self._call(lambda: self.client.contact.v3.user.batch_get_id(request))
        found: dict[str, str] = {}
        for item in getattr(data, "user_list", None) or []:
            if item.user_id:
                found[str(item.email or item.mobile)] = str(item.user_id)
        return found
