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
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any, Protocol

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
from kam_bot.jobs.delivery import Deliverer

JOBS_MODULE = "kam_bot.jobs.runtime"

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


class Platform(Protocol):
    """Another chat platform served by the same process (Teams): its routes, start/stop, deliverer."""

    @property
    def routes(self) -> list[Route]: ...

    @property
    def deliverer(self) -> Deliverer | None: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


def create_asgi(
    app: App,
    settings: Settings,
    *,
    client: AsyncWebClient | None = None,
    platforms: Sequence[Platform] = (),
    slack: bool = True,
) -> Starlette:
    """The ASGI app of ``kam-bot serve``; ``slack=False`` for a process serving only ``platforms``."""
    client = client or make_client(settings)
    bolt = create_slack_app(app, settings, client=client) if slack else None
    handler = AsyncSlackRequestHandler(bolt) if bolt is not None else None

    async def slack_events(request: Request) -> Response:
        assert handler is not None
        return await handler.handle(request)

    async def healthz(request: Request) -> Response:
        ok = await asyncio.to_thread(database_ok, app)
        return JSONResponse(
            {"ok": ok, "database": "ok" if ok else "unavailable"}, status_code=200 if ok else 503
        )

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        socket_mode = None
        if bolt is not None and settings.slack_app_token:
            from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

            socket_mode = AsyncSocketModeHandler(bolt, settings.slack_app_token, web_client=client)
            await socket_mode.connect_async()  # type: ignore[no-untyped-call]
        for platform in platforms:
            await platform.start()
        more = {d.platform: d for p in platforms if (d := p.deliverer) is not None}
        runtime = _jobs_runtime()
        scheduler = None
        if runtime is not None:
            slack_client = client if slack else None
            scheduler = await (
                runtime.start_jobs(app, slack_client, more) if more else runtime.start_jobs(app, slack_client)
            )
        try:
            yield
        finally:
            if runtime is not None:
                await runtime.stop_jobs(scheduler)
            for platform in platforms:
                await platform.stop()
            if socket_mode is not None:
                await socket_mode.close_async()  # type: ignore[no-untyped-call]

    routes = [Route("/healthz", healthz, methods=["GET"])]
    if slack and settings.slack_signing_secret:
        routes.append(Route("/slack/events", slack_events, methods=["POST"]))
    for platform in platforms:
        routes += platform.routes
    return Starlette(routes=routes, lifespan=lifespan)
