"""What every inbound path does with a request it cannot verify: 401, nothing else, one line.

A platform's route checks authenticity (Slack: the signing secret; Teams: the Bot Framework
JWT) before it reads anything else of the request; a request that fails is answered by
``refuse``: no listener, no error handler, no database, no call out. The log line names the
platform, a fixed reason and the peer address, never a header or body value (they are the
attacker's text).
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse

log = logging.getLogger(__name__)

VERIFIED = "kam_bot_request_verified"
"""Context key a route sets on a request whose authenticity it established (Slack: Bolt's
context), so an error handler can tell it from one that never was."""


def refuse(platform: str, reason: str, request: Request) -> JSONResponse:
    peer = request.client.host if request.client else "?"
    log.warning("Refused an unverified %s request from %s (401): %s", platform, peer, reason)
    return JSONResponse({"error": "unauthorized"}, status_code=401)
