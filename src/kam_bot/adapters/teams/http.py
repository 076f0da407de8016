"""The SDK's HTTP server adapter for our own Starlette app: ``/api/messages`` joins the routes of
``kam-bot serve`` on the same port and event loop as Slack and the scheduler.

The SDK registers its messaging route (JWT validation, then activity processing) through
``register_route``; we turn each into a Starlette ``Route``. It never starts a server itself.
The route checks the token first (``auth.InboundAuth``): an unverified request gets 401
whatever its body.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from microsoft_teams.apps.http.adapter import HttpMethod, HttpRequest, HttpResponse, HttpRouteHandler
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kam_bot.adapters.inbound import refuse

from .auth import InboundAuth

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000
"""Bot Framework activities are far smaller (a card is at most ~28 KB)."""


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw or b"{}")
    except ValueError:
        return None


class StarletteAdapter:
    """Keeps the SDK's handlers; ``route(path)`` is the Starlette route that calls one.

    The route exists before the SDK is initialised (in the server's lifespan); until then it
    answers 503, which Teams retries.
    """

    def __init__(self, auth: InboundAuth | None = None) -> None:
        self.handlers: dict[str, HttpRouteHandler] = {}
        self.auth = auth or InboundAuth(None)

    def register_route(self, method: HttpMethod, path: str, handler: HttpRouteHandler) -> None:
        self.handlers[path] = handler

    def route(self, path: str) -> Route:
        async def endpoint(request: Request) -> Response:
            handler = self.handlers.get(path)
            if handler is None:
                return JSONResponse({"error": "Starting"}, status_code=503)
            raw = await request.body()
            body = _json(raw) if len(raw) <= MAX_BODY_BYTES else None
            reason = await self.auth.refusal(request.headers, body)
            if reason is not None:
                return refuse("Teams", reason, request)
            if len(raw) > MAX_BODY_BYTES:
                return JSONResponse({"error": "Request too large"}, status_code=413)
            if body is None:
                return JSONResponse({"error": "Body is not JSON"}, status_code=400)
            if not isinstance(body, dict) or not isinstance(body.get("type"), str):
                return JSONResponse({"error": "Body is not an activity"}, status_code=400)
            result: HttpResponse = await handler(HttpRequest(body=body, headers=dict(request.headers)))
            if result.get("body") is not None:
                return JSONResponse(result["body"], status_code=result["status"])
            return Response(status_code=result["status"])

        return Route(path, endpoint, methods=["POST"])

    def serve_static(self, path: str, directory: str) -> None:
        """Not used: the bot serves no tab pages."""

    async def start(self, port: int) -> None:
        raise NotImplementedError("kam-bot serve runs the server; the Teams app only adds its routes")

    async def stop(self) -> None:
        """Nothing to stop: the server belongs to kam-bot serve."""
