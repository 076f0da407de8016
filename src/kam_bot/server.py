"""`kam-bot serve`'s ASGI app: ``GET /healthz``, the routes of every enabled platform on one
port, and a lifespan that starts the platforms, then the scheduled jobs with every platform's
deliverer, and stops them in the reverse order.

The jobs run whatever platforms are enabled: rows for a platform this process cannot deliver
to wait in the outbox.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import threading
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Protocol

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from kam_bot.adapters.platform import ChatPlatform
from kam_bot.jobs import runtime
from kam_bot.jobs.context import JobsContext

HEALTH_SECONDS = 3.0
"""A database that does not answer within this is unavailable (503), not a hung probe."""

log = logging.getLogger(__name__)


class Served(Protocol):
    """What the server uses of the application (``bootstrap.App``)."""

    @property
    def jobs_context(self) -> JobsContext: ...

    def database_answers(self) -> bool: ...


def create_server(app: Served, platforms: Sequence[ChatPlatform], *, jobs: bool = True) -> Starlette:
    async def healthz(request: Request) -> Response:
        try:
            ok = await asyncio.wait_for(asyncio.to_thread(app.database_answers), HEALTH_SECONDS)
        except TimeoutError:
            log.error("Health check: the database did not answer within %.0f s", HEALTH_SECONDS)
            ok = False
        body = {"ok": ok, "database": "ok" if ok else "unavailable", "worker": os.getpid()}
        return JSONResponse(body, status_code=200 if ok else 503)

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        started: list[ChatPlatform] = []
        running: runtime.RunningJobs | None = None
        try:
            for platform in platforms:
                await platform.startup()
                started.append(platform)
            if jobs:
                deliverers = {platform.name: platform.deliverer for platform in platforms}
                running = await runtime.start_jobs(app.jobs_context, deliverers)
            yield
        finally:
            await runtime.stop_jobs(running)
            for platform in reversed(started):
                await platform.shutdown()

    routes: list[BaseRoute] = [Route("/healthz", healthz, methods=["GET"])]
    for platform in platforms:
        routes.extend(platform.routes())
    return Starlette(routes=routes, lifespan=lifespan)


ORPHAN_CHECK_SECONDS = 1.0


def stop_when_orphaned(supervisor: int) -> None:
    """A worker whose supervisor was killed (``kill -9``) stops itself, as on SIGTERM.

    uvicorn's workers are not told when their supervisor dies: they would keep the port and
    keep sending from the outbox, and a restarted ``serve`` could not bind the port.
    """

    def watch() -> None:
        while os.getppid() == supervisor:
            time.sleep(ORPHAN_CHECK_SECONDS)
        log.warning("The serve supervisor (pid %d) is gone: this worker stops", supervisor)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="orphan-watch", daemon=True).start()
