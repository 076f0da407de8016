"""HTTP mode: robot messages POSTed to ``/dingtalk/events``, each one's signature checked.

DingTalk signs a robot callback with headers ``timestamp`` (ms) and ``sign`` =
Base64(HMAC-SHA256(key=AppSecret, msg=timestamp + "\\n" + AppSecret)); a request whose
timestamp is more than an hour from now is refused (DingTalk's published rule for robot
callbacks), so a captured request cannot be replayed later; within the hour, the message id
claim refuses a second one. Anything unverified is answered 401 by ``adapters.inbound.refuse``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import datetime

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kam_bot.adapters.inbound import refuse

from . import NAME
from .chat import DingTalkChat

EVENTS_PATH = "/dingtalk/events"
MAX_SKEW_MS = 60 * 60 * 1000
MAX_BODY = 256 * 1024


def expected_sign(secret: str, timestamp: str) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def why_refused(secret: str, timestamp: str | None, sign: str | None, now: datetime) -> str | None:
    """None when the request is DingTalk's; else a fixed reason (never the attacker's text)."""
    if not timestamp or not sign:
        return "no timestamp or sign header"
    if not timestamp.isdigit() or len(timestamp) > 15:
        return "malformed timestamp"
    if abs(int(now.timestamp() * 1000) - int(timestamp)) > MAX_SKEW_MS:
        return "stale timestamp"
    if not hmac.compare_digest(expected_sign(secret, timestamp), sign):
        return "bad signature"
    return None


def route(chat: DingTalkChat, secret: str, clock: Callable[[], datetime]) -> Route:
    async def events(request: Request) -> Response:
        reason = why_refused(secret, request.headers.get("timestamp"), request.headers.get("sign"), clock())
        if reason is not None:
            return refuse(NAME, reason, request)
        body = await request.body()
        if len(body) > MAX_BODY:
            return JSONResponse({"error": "too large"}, status_code=413)
        try:
            data = json.loads(body)
        except ValueError:
            return JSONResponse({"error": "not JSON"}, status_code=400)
        if not await chat.receive(data):
            return JSONResponse({"error": "not handled"}, status_code=500)  # DingTalk may retry it
        return JSONResponse({})

    return Route(EVENTS_PATH, events, methods=["POST"])
