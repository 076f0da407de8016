"""`kam-bot serve`'s ASGI app: ``GET /healthz``, the routes of every enabled platform on one
port, and a lifespan that starts the platforms, then the scheduled jobs with every platform's
deliverer, and stops them in the reverse order.

The jobs run whatever platforms are enabled: rows for a platform this process cannot deliver
to wait in the outbox.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from kam_bot.bootstrap import App
from kam_bot.jobs import runtime
from kam_bot.platforms import ChatPlatform
from kam_bot.store.engine import database_answers


def create_server(app: App, platforms: Sequence[ChatPlatform], *, jobs: bool = True) -> Starlette:
    async def healthz(request: Request) -> Response:
        ok = await asyncio.to_thread(database_answers, app.engine)
        return JSONResponse(
            {"ok": ok, "database": "ok" if ok else "unavailable"}, status_code=200 if ok else 503
        )

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        started: list[ChatPlatform] = []
        scheduler = None
        try:
            for platform in platforms:
                await platform.startup()
                started.append(platform)
            if jobs:
                deliverers = {platform.name.value: platform.deliverer for platform in platforms}
                scheduler = await runtime.start_jobs(app, deliverers)
            yield
        finally:
            await runtime.stop_jobs(scheduler)
            for platform in reversed(started):
                await platform.shutdown()

    routes: list[BaseRoute] = [Route("/healthz", healthz, methods=["GET"])]
    for platform in platforms:
        routes.extend(platform.routes())
    return Starlette(routes=routes, lifespan=lifespan)
