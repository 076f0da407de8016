"""`kam-bot serve`: the Bolt app behind an ASGI server (Starlette), or over Socket Mode.

One URL, ``POST /slack/events``, takes everything Slack sends (commands, interactivity,
options, events); ``GET /healthz`` answers 200 when the database answers. With
``SLACK_APP_TOKEN`` the app also connects over Socket Mode. The scheduled jobs, when that
feature is installed, start and stop with the server.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kam_bot.adapters.slack.app import create_slack_app
from kam_bot.adapters.slack.retry import make_client
from kam_bot.bootstrap import App
from kam_bot.config import Settings

JOBS_MODULE = "kam_bot.jobs.runtime"
HEALTH_SECONDS = 3.0
"""A database that does not answer within this is unavailable (503), not a hung probe."""

log = logging.getLogger(__name__)


def database_ok(app: App) -> bool:
    try:
        with app.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:
        log.exception("Health check: the database does not answer")
        return False
    return True


def _jobs_runtime() -> Any:
    """The jobs feature's runtime module, or None when that feature is not installed."""
    try:
        return importlib.import_module(JOBS_MODULE)
    except ImportError as exc:
        if exc.name in {JOBS_MODULE, "kam_bot.jobs"}:
            return None
        raise


SOCKET_CLOSE_SECONDS = 5.0


async def _close_socket_mode(handler: Any) -> None:
    """Close the Socket Mode connection, giving up after ``SOCKET_CLOSE_SECONDS`` (no network)."""
    try:
        await asyncio.wait_for(handler.close_async(), SOCKET_CLOSE_SECONDS)
    except (TimeoutError, asyncio.CancelledError):
        log.warning("Socket Mode did not close within %.0f s; stopping anyway", SOCKET_CLOSE_SECONDS)
    except Exception:
        log.exception("Socket Mode close failed; stopping anyway")


def create_asgi(app: App, settings: Settings, *, client: AsyncWebClient | None = None) -> Starlette:
    client = client or make_client(settings)
    bolt = create_slack_app(app, settings, client=client)
    handler = AsyncSlackRequestHandler(bolt)

    async def slack_events(request: Request) -> Response:
        return await handler.handle(request)

    async def healthz(request: Request) -> Response:
        try:
            ok = await asyncio.wait_for(asyncio.to_thread(database_ok, app), HEALTH_SECONDS)
        except TimeoutError:
            log.error("Health check: the database did not answer within %.0f s", HEALTH_SECONDS)
            ok = False
        return JSONResponse(
            {"ok": ok, "database": "ok" if ok else "unavailable"}, status_code=200 if ok else 503
        )

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        socket_mode = None
        connecting: asyncio.Task[None] | None = None
        if settings.slack_app_token:
            from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

            socket_mode = AsyncSocketModeHandler(bolt, settings.slack_app_token, web_client=client)
            # In the background: without network it retries forever, and a startup that never
            # ends would leave Ctrl+C / SIGTERM unanswered.
            connecting = asyncio.ensure_future(socket_mode.connect_async())  # type: ignore[no-untyped-call]
        runtime = _jobs_runtime()
        scheduler = await runtime.start_jobs(app, client) if runtime is not None else None
        try:
            yield
        finally:
            if runtime is not None:
                await runtime.stop_jobs(scheduler)
            if connecting is not None and not connecting.done():
                connecting.cancel()
            if socket_mode is not None:
                await _close_socket_mode(socket_mode)

    routes = [Route("/healthz", healthz, methods=["GET"])]
    if settings.slack_signing_secret:
        routes.append(Route("/slack/events", slack_events, methods=["POST"]))
    return Starlette(routes=routes, lifespan=lifespan)
